using Appliance.Core.Servers;

namespace Appliance.Web.Compute.Servers;

/// <summary>Instance actions and events shaped as Nova's samples, times as "2018-04-25T01:26:29.594237" (UTC, no zone).</summary>
public static class InstanceActionView
{
    public static Dictionary<string, object?> Action(InstanceActionRecord action) => new()
    {
        ["action"] = action.Action,
        ["instance_uuid"] = action.ServerUuid,
        ["message"] = action.Message,
        // An automatic operation (the resize confirm window) has no user or project, as Nova's periodic tasks.
        ["project_id"] = action.ProjectId.Length == 0 ? null : action.ProjectId,
        ["request_id"] = action.RequestId,
        ["start_time"] = Time(action.StartTime),
        ["user_id"] = action.UserId.Length == 0 ? null : action.UserId,
    };

    public static Dictionary<string, object?> Event(InstanceActionEventRecord actionEvent, bool showTraceback)
    {
        var view = new Dictionary<string, object?>
        {
            ["event"] = actionEvent.Event,
            ["start_time"] = Time(actionEvent.StartTime),
            ["finish_time"] = Time(actionEvent.FinishTime),
            ["result"] = actionEvent.Result,
        };
        if (showTraceback)
        {
            view["traceback"] = actionEvent.Traceback;
        }

        return view;
    }

    /// <summary>Stored times end in 'Z'; Nova prints its naive UTC times without a zone.</summary>
    private static string? Time(string? stored) => stored?.TrimEnd('Z');
}
