namespace Appliance.Hypervisor.Images;

/// <summary>What qemu-img says of an image opened with its declared format.</summary>
/// <param name="BackingFile">Set when the image would read another file: always refused.</param>
/// <param name="DataFile">A qcow2 external data file: always refused.</param>
public sealed record ImageFacts(string Format, long VirtualSize, string? BackingFile, string? DataFile);
