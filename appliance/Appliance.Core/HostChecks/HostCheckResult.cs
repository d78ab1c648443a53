namespace Appliance.Core.HostChecks;

public enum CheckLevel
{
    Pass,
    Warn,
    Fail,
}

/// <summary>One line of <c>appliance check</c>: what was checked, how it went, and what to do about it.</summary>
public sealed record HostCheckResult(CheckLevel Level, string Name, string Detail)
{
    public static HostCheckResult Pass(string name, string detail) => new(CheckLevel.Pass, name, detail);

    public static HostCheckResult Warn(string name, string detail) => new(CheckLevel.Warn, name, detail);

    public static HostCheckResult Fail(string name, string detail) => new(CheckLevel.Fail, name, detail);
}
