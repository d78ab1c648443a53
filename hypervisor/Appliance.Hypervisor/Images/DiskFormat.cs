namespace Appliance.Hypervisor.Images;

/// <summary>The disk formats Glance knows, and what qemu calls the ones it can open.</summary>
public static class DiskFormat
{
    public const string Raw = "raw";
    public const string Qcow2 = "qcow2";
    public const string Iso = "iso";
    public const string Vmdk = "vmdk";
    public const string Vdi = "vdi";
    public const string Vhd = "vhd";
    public const string Vhdx = "vhdx";
    public const string Aki = "aki";
    public const string Ari = "ari";
    public const string Ami = "ami";
    public const string Ploop = "ploop";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Raw, Qcow2, Iso, Vmdk, Vdi, Vhd, Vhdx, Aki, Ari, Ami, Ploop,
    };

    /// <summary>The name qemu-img takes with -f; the kernel/ramdisk/machine formats are plain bytes.</summary>
    public static string? QemuName(string diskFormat) => diskFormat switch
    {
        Raw or Iso or Aki or Ari or Ami => "raw",
        Qcow2 => "qcow2",
        Vmdk => "vmdk",
        Vdi => "vdi",
        Vhd => "vpc",
        Vhdx => "vhdx",
        _ => null,
    };
}
