using Appliance.Core.Status;
using Appliance.Web.Ui.Session;

namespace Appliance.Web.Ui.Backend;

/// <summary>The dashboard's picture of the box, as the signed-in user may see it.</summary>
public interface IHostStatusSource
{
    Task<HostStatus> ReadAsync(CancellationToken cancellationToken = default);
}

/// <summary>Admins see every project's servers and quota use; members their own project's.</summary>
public sealed class HostStatusSource(UiCaller caller, HostStatusReader reader) : IHostStatusSource
{
    public async Task<HostStatus> ReadAsync(CancellationToken cancellationToken = default)
    {
        var context = await caller.CurrentAsync(cancellationToken);
        return await reader.ReadAsync(context.IsAdmin ? null : context.ProjectId, cancellationToken);
    }
}
