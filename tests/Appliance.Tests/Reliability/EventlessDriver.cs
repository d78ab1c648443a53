using System.Reflection;
using System.Runtime.ExceptionServices;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Reliability;

/// <summary>The appliance's own driver with its lifecycle events cut off: only the periodic power sync can learn of a change.</summary>
public class EventlessDriver : DispatchProxy
{
    private IComputeDriver _inner = null!;

    public static IComputeDriver Wrap(IComputeDriver inner)
    {
        var proxy = Create<IComputeDriver, EventlessDriver>();
        ((EventlessDriver)(object)proxy)._inner = inner;
        return proxy;
    }

    /// <summary>Replaces the registered driver with the same driver, its lifecycle events cut off (for ServerApiSession.ConfigureServices).</summary>
    public static void Replace(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IComputeDriver));
        services.AddSingleton(provider => Wrap((IComputeDriver)registered.ImplementationFactory!(provider)));
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name is "add_LifecycleChanged" or "remove_LifecycleChanged")
        {
            return null;
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
