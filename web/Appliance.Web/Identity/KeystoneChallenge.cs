using Appliance.Core.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Identity;

/// <summary>The WWW-Authenticate header keystonemiddleware sends with a 401: where to get a token.</summary>
public static class KeystoneChallenge
{
    public static string For(HttpRequest request) =>
        $"Keystone uri=\"{IdentityUrls.Root(request, request.HttpContext.RequestServices.GetRequiredService<ApplianceOptions>())}\"";
}
