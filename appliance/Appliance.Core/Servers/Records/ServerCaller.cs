using Appliance.Core.Identity;

namespace Appliance.Core.Servers;

/// <summary>Who acts on servers: their user and project, and whether they are admin or only a reader.</summary>
public sealed record ServerCaller(string UserId, string ProjectId, bool IsAdmin, bool CanWriteOwnProject)
{
    public static ServerCaller From(RequestContext context) =>
        new(context.UserId, context.ProjectId ?? "", context.IsAdmin, context.HasRole(BuiltInRoles.Member));

    public bool CanRead(ServerRecord server) => IsAdmin || server.ProjectId == ProjectId;

    public bool CanWrite(ServerRecord server) => IsAdmin || (server.ProjectId == ProjectId && CanWriteOwnProject);
}
