using Appliance.Core.Identity;
using Appliance.Core.Images;
using Appliance.Core.Servers;
using Appliance.Web.Ui.Backend;

namespace Appliance.Web.Ui.Session;

/// <summary>
/// The signed-in user for one backend call: the token is validated again each time, so an expired or revoked
/// token, a disabled user or a lost role signs the tab out at its next click, as it would fail an API call.
/// </summary>
public sealed class UiCaller(UiSession session, TokenService tokens)
{
    public const string SessionEnded = "Your session ended (the token expired or was revoked); sign in again.";

    public async Task<RequestContext> CurrentAsync(CancellationToken cancellationToken = default)
    {
        var context = session.Token is { } token ? await tokens.ValidateAsync(token, cancellationToken) : null;
        if (context?.ProjectId is null)
        {
            session.SignOut(SessionEnded);
            throw new UiException(SessionEnded);
        }

        session.Refresh(context);
        return context;
    }

    public async Task<ServerCaller> ServerCallerAsync(CancellationToken cancellationToken = default) => ServerCaller.From(await CurrentAsync(cancellationToken));

    public async Task<ImageCaller> ImageCallerAsync(CancellationToken cancellationToken = default)
    {
        var context = await CurrentAsync(cancellationToken);
        return new ImageCaller(context.ProjectId!, context.IsAdmin);
    }
}
