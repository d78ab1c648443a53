using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Web.Compute.Servers;

/// <summary>{"trigger_crash_dump": null} from 2.17: 202, the NMI is sent in the background.</summary>
public static class CrashDumpAction
{
    public static async Task<Accepted> InvokeAsync(ServerActionRequest request)
    {
        var services = request.Services;
        if (services.Version < ComputeMicroversions.TriggerCrashDump)
        {
            // As Nova: below its microversion the action does not exist.
            throw new FaultException(Fault.NotFound());
        }

        if (request.Arguments.ValueKind != JsonValueKind.Null)
        {
            throw ServerFields.Invalid(CrashDumpService.Action, "must be null");
        }

        await services.CrashDumps.TriggerAsync(services.Caller, services.Operation, request.ServerId, services.Aborted);
        return TypedResults.Accepted((string?)null);
    }
}
