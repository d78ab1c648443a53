using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Appliance.Web.Ui.Components;

public static class UiRenderMode
{
    /// <summary>Interactive over the circuit from the first paint: no prerender, so a page never renders twice or signed out by mistake.</summary>
    public static readonly IComponentRenderMode Interactive = new InteractiveServerRenderMode(prerender: false);
}
