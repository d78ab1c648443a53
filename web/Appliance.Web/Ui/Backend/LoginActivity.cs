using Appliance.Core.Identity;
using Appliance.Web.Ui.Session;

namespace Appliance.Web.Ui.Backend;

/// <summary>Failed logins by source and the users locked now: what an admin watches for guessing.</summary>
public sealed record LoginActivityView(IReadOnlyList<FailedLoginSource> Sources, IReadOnlyList<LockedUser> Locked);

/// <summary>The dashboard's view of failed logins; an admin's only (null for anyone else).</summary>
public interface ILoginActivity
{
    Task<LoginActivityView?> ReadAsync(CancellationToken cancellationToken = default);
}

public sealed class LoginActivity(UiCaller caller, RecentFailedLogins recent, AccountLockout lockout) : ILoginActivity
{
    public async Task<LoginActivityView?> ReadAsync(CancellationToken cancellationToken = default) =>
        (await caller.CurrentAsync(cancellationToken)).IsAdmin
            ? new LoginActivityView(recent.Snapshot(), await lockout.LockedAsync(cancellationToken))
            : null;
}
