using Appliance.Web.Ui.Backend;
using Microsoft.Extensions.Logging;

namespace Appliance.Web.Ui.Components;

/// <summary>What the page says when an operation fails: the user's own mistakes as they are, anything else without internals.</summary>
public static class UiErrors
{
    public const string Unexpected = "Something went wrong on the appliance; its log has the details.";

    public static string Describe(Exception error, ILogger logger)
    {
        if (error is UiException)
        {
            return error.Message;
        }

        logger.LogError(error, "Status page operation failed");
        return Unexpected;
    }
}
