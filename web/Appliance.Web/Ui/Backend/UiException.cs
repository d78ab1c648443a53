namespace Appliance.Web.Ui.Backend;

/// <summary>A failure the user caused or can act on; its message is shown on the page as it is.</summary>
public sealed class UiException(string message, Exception? inner = null) : Exception(message, inner);
