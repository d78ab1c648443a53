using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Appliance.Web.Faults;
using Appliance.Web.Json;

namespace Appliance.Web.Compute.Flavors;

/// <summary>POST /flavors/{id}/action bodies: one action key, addTenantAccess or removeTenantAccess, naming a tenant.</summary>
public static class FlavorAccessRequests
{
    public const string Add = "addTenantAccess";
    public const string Remove = "removeTenantAccess";

    public sealed record TenantAction(string Action, string Tenant);

    private sealed record Tenant([property: JsonPropertyName("tenant")] string Name);

    public static TenantAction Read(JsonObject body)
    {
        // Nova picks the action from the body's only key; any other shape is not an action at all.
        if (body.Count != 1)
        {
            throw new FaultException(Fault.BadRequest(Fault.MalformedBodyMessage));
        }

        var (action, value) = body.First();
        if (action is not (Add or Remove))
        {
            throw new FaultException(Fault.BadRequest($"There is no such action: {action}"));
        }

        var tenant = Bind(action, value).Name;
        if (tenant.Length is 0 or > 255)
        {
            throw new FaultException(Fault.BadRequest(
                $"Invalid input for field/attribute tenant. Value: {tenant}. '{tenant}' is too {(tenant.Length == 0 ? "short" : "long")}"));
        }

        return new TenantAction(action, tenant);
    }

    private static Tenant Bind(string action, JsonNode? value)
    {
        try
        {
            return value?.Deserialize<Tenant>(StrictJson.Options)
                ?? throw new FaultException(Fault.BadRequest($"Invalid input for field/attribute {action}. Value: None. None is not of type 'object'"));
        }
        catch (JsonException e)
        {
            throw new FaultException(Fault.BadRequest(StrictJson.Explain(e)));
        }
    }
}
