using Appliance.Core;
using Appliance.Core.Flavors;
using Appliance.Core.Images;
using Appliance.Web.Ui.Session;

namespace Appliance.Web.Ui.Backend;

/// <summary>Images and flavors through the core's image and flavor services, with Glance's and Nova's visibility rules.</summary>
public sealed class ImageShelf(UiCaller caller, ImageService images, FlavorService flavors) : IImageShelf
{
    public async Task<IReadOnlyList<ImageRow>> ListImagesAsync(CancellationToken cancellationToken = default)
    {
        var who = await caller.ImageCallerAsync(cancellationToken);
        var (page, _) = await images.ListAsync(who, new ImageQuery { Limit = 1000 }, cancellationToken);
        return page.Select(ImageRow.From).ToList();
    }

    public async Task<ImageRow?> FindImageAsync(string id, CancellationToken cancellationToken = default)
    {
        var who = await caller.ImageCallerAsync(cancellationToken);
        try
        {
            return ImageRow.From(await images.GetAsync(who, id, cancellationToken));
        }
        catch (ImageNotFoundException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<FlavorRow>> ListFlavorsAsync(CancellationToken cancellationToken = default)
    {
        var who = await caller.ImageCallerAsync(cancellationToken);
        var list = await flavors.ListAsync(new FlavorQuery(IsPublic: who.IsAdmin ? null : true), who.ProjectId, who.IsAdmin, cancellationToken);
        return list.Where(f => !f.Disabled).Select(f => new FlavorRow(f.FlavorId, f.Name, f.Vcpus, f.MemoryMb, f.RootGb, f.EphemeralGb, f.Swap, f.IsPublic)).ToList();
    }

    public async Task<ImageRow> UploadAsync(string name, string diskFormat, Stream data, CancellationToken cancellationToken = default)
    {
        var who = await caller.ImageCallerAsync(cancellationToken);
        try
        {
            var image = await images.CreateAsync(who, new NewImage
            {
                Name = name.Trim(),
                DiskFormat = diskFormat,
                ContainerFormat = "bare",
                Visibility = ImageVisibility.Private,
            }, cancellationToken);
            return ImageRow.From(await images.UploadAsync(who, image.Id, data, cancellationToken));
        }
        catch (RequestRefusedException e)
        {
            throw new UiException(e.Message, e);
        }
    }
}
