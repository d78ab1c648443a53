namespace Appliance.Core.Servers;

/// <summary>Nova's default policy for creating servers and changing them: members of the project, or an admin.</summary>
public static class ServerRules
{
    public const string CreateRule = "os_compute_api:servers:create";

    /// <summary>A reader of their project may not create servers in it; Nova's 403 names the rule.</summary>
    public static void RequireCreate(this ServerCaller caller)
    {
        if (!caller.IsAdmin && !caller.CanWriteOwnProject)
        {
            throw new ForbiddenException($"Policy doesn't allow {CreateRule} to be performed.");
        }
    }

    /// <summary>Readers of the server's project may look but not change; the rule's name goes into Nova's refusal.</summary>
    public static void RequireWrite(this ServerCaller caller, ServerRecord server, string rule)
    {
        if (!caller.CanWrite(server))
        {
            throw new ForbiddenException($"Policy doesn't allow {rule} to be performed.");
        }
    }
}
