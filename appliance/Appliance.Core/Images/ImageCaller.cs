namespace Appliance.Core.Images;

/// <summary>Who is asking: the project whose images are "mine", and whether they may see every project's.</summary>
public sealed record ImageCaller(string ProjectId, bool IsAdmin)
{
    /// <summary>Glance's visibility rule: public and community images for all, the rest for the owner and admins.</summary>
    public bool CanSee(ImageRecord image) =>
        IsAdmin || image.Owner == ProjectId || image.Visibility is ImageVisibility.Public or ImageVisibility.Community;

    /// <summary>Only the owner (or an admin) changes or deletes an image.</summary>
    public bool CanChange(ImageRecord image) => IsAdmin || image.Owner == ProjectId;
}
