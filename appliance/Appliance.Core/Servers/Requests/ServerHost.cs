using System.Security.Cryptography;
using System.Text;
using Appliance.Core.Caching;

namespace Appliance.Core.Servers;

/// <summary>The one compute host of the appliance: its name, and a per-project hostId hash of it.</summary>
public static class ServerHost
{
    public static string Name { get; } = Environment.MachineName;

    /// <summary>
    /// An opaque 56-hex-digit hash of project id and host, the length of Nova's sha224 hostId: a project can
    /// tell its co-located servers apart without learning the host name. (.NET has no SHA-224, hence SHA-256 cut short.)
    /// </summary>
    public static string HostIdFor(string projectId) => HostIds.Get(projectId);

    private static readonly BoundedMemo<string, string> HostIds = new(Compute, 4096);

    private static string Compute(string projectId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(projectId + Name)))[..56];
}
