namespace Appliance.Core.Images;

/// <summary>No image by this id, or not one the caller may see; Glance's wording.</summary>
public sealed class ImageNotFoundException(string id) : NotFoundException($"No image found with ID {id}");
