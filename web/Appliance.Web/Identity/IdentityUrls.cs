using Appliance.Core.Configuration;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Identity;

/// <summary>Where clients find each service: the configured public URL, else the scheme and host they used.</summary>
public static class IdentityUrls
{
    public const string IdentityPrefix = "/identity";

    public static string PublicBase(HttpRequest request, ApplianceOptions options) =>
        string.IsNullOrWhiteSpace(options.PublicUrl) ? request.BaseUrl() : options.PublicUrl.TrimEnd('/');

    /// <summary>The identity service's root, as the catalog lists it.</summary>
    public static string Root(HttpRequest request, ApplianceOptions options) => PublicBase(request, options) + IdentityPrefix;

    /// <summary>The base of every v3 self link.</summary>
    public static string V3(HttpRequest request, ApplianceOptions options) => Root(request, options) + "/v3";
}
