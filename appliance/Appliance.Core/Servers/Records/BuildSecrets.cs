namespace Appliance.Core.Servers;

/// <summary>What a build needs but the database never holds: the admin password and personality files go only to the config drive.</summary>
public sealed record BuildSecrets(string AdminPass, IReadOnlyList<(string Path, byte[] Contents)> Personality);
