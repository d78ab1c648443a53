namespace Appliance.Core.Configuration;

/// <summary>Where each kind of state lives under the data dir; the one place these names are spelled.</summary>
public sealed class DataPaths(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Database => Path.Combine(Root, "appliance.db");

    /// <summary>Uploaded image bytes, one file per image id.</summary>
    public string Images => Path.Combine(Root, "images");

    public string ImageFile(string imageId) => Path.Combine(Images, imageId);

    /// <summary>The first admin's credentials as OS_* variables, readable by the owner only.</summary>
    public string AdminOpenRc => Path.Combine(Root, "admin-openrc");
}
