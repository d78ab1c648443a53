using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Compute.Servers;

/// <summary>{"trigger_crash_dump": null} from 2.17: 202, the NMI is sent in the background.</summary>
public static class CrashDumpAction
{
    public static async Task<IResult> InvokeAsync(ServerActionRequest request)
    {
        var context = request.Context;
        if (context.ComputeVersion() < ComputeMicroversions.TriggerCrashDump)
        {
            // As Nova: below its microversion the action does not exist.
            throw new FaultException(Fault.NotFound());
        }

        if (request.Arguments.ValueKind != JsonValueKind.Null)
        {
            throw ServerFields.Invalid(CrashDumpService.Action, "must be null");
        }

        var caller = ServerCaller.From(context.Caller());
        await context.RequestServices.GetRequiredService<CrashDumpService>()
            .TriggerAsync(caller, ServersApi.Operation(context, caller), request.ServerId, context.RequestAborted);
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }
}
