using Appliance.Web.Microversions;

namespace Appliance.Tests.Servers;

/// <summary>A fact that needs a compute microversion above what the API advertises yet: skipped, with the reason, until it is raised.</summary>
public sealed class MicroversionFactAttribute : FactAttribute
{
    public MicroversionFactAttribute(int major, int minor)
    {
        if (ComputeMicroversions.Maximum < new ApiVersion(major, minor))
        {
            Skip = $"needs compute {major}.{minor}; the advertised maximum is {ComputeMicroversions.Maximum}";
        }
    }
}
