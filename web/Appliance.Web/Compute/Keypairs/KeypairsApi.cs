using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Appliance.Core.Keypairs;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Keypairs;

/// <summary>/os-keypairs as Nova serves it below 2.2: the caller's own key pairs, imported or generated.</summary>
public static partial class KeypairsApi
{
    public sealed record CreateBody([property: JsonPropertyName("keypair")] CreateKeypair Keypair);

    public sealed record CreateKeypair(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("public_key")] string? PublicKey = null);

    public static IEndpointRouteBuilder MapKeypairsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var keypairs = ComputeApiGroups.Group(routes, version, "/os-keypairs").AddEndpointFilter<KeyPairFaults>();
            keypairs.MapGet("", List);
            keypairs.MapPost("", Create);
            keypairs.MapGet("/{name}", Show);
            keypairs.MapDelete("/{name}", Delete);
        }

        return routes;
    }

    private static async Task<IResult> List(HttpContext context, KeyPairService keypairs)
    {
        var all = await keypairs.ListAsync(context.Caller().UserId, context.RequestAborted);
        return TypedResults.Json(new
        {
            keypairs = all.Select(pair => new { keypair = new { fingerprint = pair.Fingerprint, name = pair.Name, public_key = pair.PublicKey } }),
        });
    }

    private static async Task<IResult> Create(HttpContext context, JsonBody<CreateBody> body, KeyPairService keypairs)
    {
        var request = body.Value.Keypair;
        if (!NamePattern().IsMatch(request.Name))
        {
            throw new FaultException(Fault.BadRequest(
                "Invalid input for field/attribute name. Value must be 1 to 255 of the characters a-z A-Z 0-9 _ - and space."));
        }

        var caller = context.Caller();
        var (pair, privateKey) = await keypairs.CreateAsync(caller.ProjectId!, caller.UserId, request.Name, request.PublicKey, context.RequestAborted);
        var view = new Dictionary<string, object?>
        {
            ["fingerprint"] = pair.Fingerprint,
            ["name"] = pair.Name,
            ["public_key"] = pair.PublicKey,
            ["user_id"] = pair.UserId,
        };
        if (privateKey is not null)
        {
            view["private_key"] = privateKey;
        }

        return TypedResults.Json(new { keypair = view });
    }

    private static async Task<IResult> Show(HttpContext context, string name, KeyPairService keypairs)
    {
        var pair = await keypairs.GetAsync(context.Caller().UserId, name, context.RequestAborted);
        return TypedResults.Json(new
        {
            keypair = new Dictionary<string, object?>
            {
                ["created_at"] = pair.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
                ["deleted"] = false,
                ["deleted_at"] = null,
                ["fingerprint"] = pair.Fingerprint,
                ["id"] = pair.Id,
                ["name"] = pair.Name,
                ["public_key"] = pair.PublicKey,
                ["updated_at"] = null,
                ["user_id"] = pair.UserId,
            },
        });
    }

    private static async Task<IResult> Delete(HttpContext context, string name, KeyPairService keypairs)
    {
        await keypairs.DeleteAsync(context.Caller().UserId, name, context.RequestAborted);
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }

    [GeneratedRegex(@"^[_\- a-zA-Z0-9]{1,255}$")]
    private static partial Regex NamePattern();

    /// <summary>The key pair store's refusals as faults with Nova's codes.</summary>
    private sealed class KeyPairFaults : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            try
            {
                return await next(context);
            }
            catch (KeyPairException e)
            {
                throw new FaultException(new Fault(e.Status, e.Message));
            }
        }
    }
}
