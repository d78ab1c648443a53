using Appliance.Web.Microversions;

namespace Appliance.Tests.Hosting;

/// <summary>Gates tests of a microversion's behaviour: they skip, saying why, until the appliance advertises it.</summary>
internal static class AdvertisedMicroversion
{
    /// <summary>Use in a [SkippableFact]: the test runs only when the maximum reaches <paramref name="version"/>.</summary>
    public static void Require(ApiVersion version) =>
        Skip.If(ComputeMicroversions.Maximum < version,
            $"compute {version} is implemented but not yet advertised (maximum is {ComputeMicroversions.Maximum})");
}
