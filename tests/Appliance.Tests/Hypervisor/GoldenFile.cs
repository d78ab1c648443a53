using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace Appliance.Tests.Hypervisor;

/// <summary>Expected outputs kept beside the tests' sources, read from there so no build step copies them.</summary>
internal static class GoldenFile
{
    public static string Path(string name, [CallerFilePath] string caller = "") =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(caller)!, "Golden", name);

    /// <summary>The golden XML re-serialised, so formatting differences in the file do not count.</summary>
    public static string Xml(string name, [CallerFilePath] string caller = "") =>
        XElement.Load(Path(name, caller)).ToString();
}
