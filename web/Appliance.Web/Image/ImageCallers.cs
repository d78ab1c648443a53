using Appliance.Core.Identity;
using Appliance.Core.Images;
using Appliance.Web.Faults;
using Appliance.Web.Identity;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Image;

public static class ImageCallers
{
    /// <summary>The caller as the image store sees them: their project, and whether they are admin.</summary>
    public static ImageCaller ImageCaller(this HttpContext context)
    {
        var caller = context.RequireRequestContext();
        return new ImageCaller(caller.ProjectId!, caller.IsAdmin);
    }

    /// <summary>Readers only read: creating, changing and deleting images takes the member or admin role.</summary>
    public static ImageCaller ImageWriter(this HttpContext context)
    {
        var caller = context.RequireRequestContext();
        return Policy.CanWrite(caller, caller.ProjectId!)
            ? new ImageCaller(caller.ProjectId!, caller.IsAdmin)
            : throw new FaultException(new Fault(403, "You are not authorized to complete this action."));
    }
}
