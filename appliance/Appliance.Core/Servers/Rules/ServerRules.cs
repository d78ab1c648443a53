namespace Appliance.Core.Servers;

/// <summary>Nova's default policy for changes to a server's sub-resources: members of its project, or an admin.</summary>
public static class ServerRules
{
    /// <summary>Readers of the server's project may look but not change; the rule's name goes into Nova's refusal.</summary>
    public static void RequireWrite(this ServerCaller caller, ServerRecord server, string rule)
    {
        if (!caller.CanWrite(server))
        {
            throw new ForbiddenException($"Policy doesn't allow {rule} to be performed.");
        }
    }
}
