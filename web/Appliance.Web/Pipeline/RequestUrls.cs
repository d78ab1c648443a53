using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Pipeline;

public static class RequestUrls
{
    /// <summary>scheme://host[:port][/pathbase] as the client addressed us, for links in bodies.</summary>
    public static string BaseUrl(this HttpRequest request) =>
        $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";
}
