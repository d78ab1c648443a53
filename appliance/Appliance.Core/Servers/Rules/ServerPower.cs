using Appliance.Hypervisor;
using Appliance.Hypervisor.Driver;

namespace Appliance.Core.Servers;

/// <summary>The guest's power state as the end of an operation records it; a guest that is gone or does not answer is NOSTATE.</summary>
internal static class ServerPower
{
    public static PowerState Of(IComputeDriver driver, Guid id)
    {
        try
        {
            return driver.GetPowerState(id);
        }
        catch (Exception e) when (e is InstanceNotFoundException or HypervisorOperationException)
        {
            return PowerState.NoState;
        }
    }
}
