using System.Buffers.Binary;
using System.Text;

namespace Appliance.Hypervisor.Images;

/// <summary>
/// Tells a file's disk format from its magic bytes, without qemu: qemu's own probing is what lets a
/// "raw" upload that is really a qcow2 with a backing file read the host's files, so it is never used.
/// </summary>
public static class FormatSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> wants: enough to reach an ISO's volume descriptor.</summary>
    public const int HeaderBytes = 0x8006;

    /// <summary>The container format the header proves, or null when it looks like plain bytes.</summary>
    public static string? Sniff(ReadOnlySpan<byte> header)
    {
        if (StartsWith(header, 0, "QFI\xfb"))
        {
            return DiskFormat.Qcow2;
        }

        if (StartsWith(header, 0, "KDMV") || StartsWith(header, 0, "# Disk DescriptorFile"))
        {
            return DiskFormat.Vmdk;
        }

        if (StartsWith(header, 0, "vhdxfile"))
        {
            return DiskFormat.Vhdx;
        }

        if (StartsWith(header, 0, "conectix"))
        {
            return DiskFormat.Vhd;
        }

        if (header.Length >= 0x44 && BinaryPrimitives.ReadUInt32LittleEndian(header[0x40..]) == 0xbeda107f)
        {
            return DiskFormat.Vdi;
        }

        if (StartsWith(header, 0, "QED\0"))
        {
            return "qed";
        }

        if (StartsWith(header, 0, "LUKS\xba\xbe"))
        {
            return "luks";
        }

        if (StartsWith(header, 0x8001, "CD001"))
        {
            return DiskFormat.Iso;
        }

        return null;
    }

    /// <summary>Whether the bytes fit the declared format: raw-like formats may hold an ISO, nothing else.</summary>
    public static bool Matches(string declared, string? sniffed) => declared switch
    {
        DiskFormat.Raw or DiskFormat.Aki or DiskFormat.Ari or DiskFormat.Ami => sniffed is null or DiskFormat.Iso,
        DiskFormat.Iso => sniffed == DiskFormat.Iso,
        _ => sniffed == declared,
    };

    /// <summary>A qcow2 header that names a backing file (offset 8) or, in v3, an external data file (feature bit 2).</summary>
    public static string? Qcow2Hazard(ReadOnlySpan<byte> header)
    {
        if (Sniff(header) != DiskFormat.Qcow2 || header.Length < 80)
        {
            return null;
        }

        if (BinaryPrimitives.ReadUInt64BigEndian(header[8..]) != 0)
        {
            return "it has a backing file";
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        var incompatibleFeatures = BinaryPrimitives.ReadUInt64BigEndian(header[72..]);
        return version >= 3 && (incompatibleFeatures & 0b100) != 0 ? "it has an external data file" : null;
    }

    private static bool StartsWith(ReadOnlySpan<byte> data, int offset, string magic)
    {
        var bytes = Encoding.Latin1.GetBytes(magic);
        return data.Length >= offset + bytes.Length && data.Slice(offset, bytes.Length).SequenceEqual(bytes);
    }
}
