using System.Net;
using Appliance.Core.Configuration;
using Appliance.Core.Networks;
using Appliance.Core.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Metadata;

/// <summary>
/// The metadata service at http://169.254.169.254/: requests that arrive on that address are answered from the asking
/// guest's metadata and nothing else; the API is never served there, and no guest can read another's.
/// </summary>
public static class MetadataEndpoint
{
    private static readonly IPAddress Address = IPAddress.Parse(NetworkPlane.MetadataAddress);

    public static bool Arrived(HttpContext context) =>
        context.Connection.LocalIpAddress is { } local && (local.Equals(Address) || (local.IsIPv4MappedToIPv6 && local.MapToIPv4().Equals(Address)));

    /// <summary>The URL to listen on, when networking is on and the address is on one of the host's interfaces (a started appliance network).</summary>
    public static string? ListenUrl(ApplianceOptions options) =>
        options.Networking.Enabled && options.Networking.MetadataService
            && System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(nic => nic.GetIPProperties().UnicastAddresses).Any(unicast => unicast.Address.Equals(Address))
            ? $"http://{NetworkPlane.MetadataAddress}:80"
            : null;

    public static IApplicationBuilder UseGuestMetadata(this IApplicationBuilder app) =>
        app.MapWhen(Arrived, metadata => metadata.Run(AnswerAsync));

    private static async Task AnswerAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var source = context.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : context.Connection.RemoteIpAddress;
        var service = context.RequestServices.GetRequiredService<GuestMetadataService>();
        var guest = source is null ? null : await service.ForAddressAsync(source.ToString(), context.RequestAborted);
        var answer = guest is null ? null : MetadataTree.Resolve(guest, context.Request.Path.Value ?? "/");
        if (answer is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("404 Not Found\n\nThe resource could not be found.\n", context.RequestAborted);
            return;
        }

        context.Response.ContentType = answer.ContentType;
        context.Response.ContentLength = answer.Body.Length;
        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }
}
