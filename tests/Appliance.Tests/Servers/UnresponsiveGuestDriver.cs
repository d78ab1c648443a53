using System.Reflection;
using System.Runtime.ExceptionServices;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>
/// The real driver, except that its guests ignore ACPI: a soft reboot waits (until cancelled) as for a guest that never
/// shuts down. test:///default stops a domain at once, so a soft reboot could never be caught in progress otherwise.
/// Gates on spawn, snapshot and destroy likewise hold a build, a snapshot or a delete where a test wants to look.
/// </summary>
public class UnresponsiveGuestDriver : DispatchProxy
{
    private IComputeDriver _inner = null!;

    /// <summary>Completes each time a soft reboot starts waiting for the guest.</summary>
    public TaskCompletionSource SoftRebootWaiting { get; private set; } = NewSignal();

    /// <summary>Completing it lets a waiting soft reboot end as if the guest had come back at last.</summary>
    public TaskCompletionSource GuestAnswers { get; } = NewSignal();

    /// <summary>While set and not completed, DestroyAsync (a delete's first step) waits for it.</summary>
    public TaskCompletionSource? HoldDestroy { get; set; }

    /// <summary>While set and not completed, SnapshotAsync waits for it (SnapshotWaiting completes when it starts to).</summary>
    public TaskCompletionSource? HoldSnapshot { get; set; }

    public TaskCompletionSource SnapshotWaiting { get; } = NewSignal();

    /// <summary>While set, SpawnAsync waits for it and then fails with the exception it completes with.</summary>
    public TaskCompletionSource<Exception>? FailSpawn { get; set; }

    /// <summary>Replaces the registered driver with one wrapping it; returns a handle to the wrapper once it is resolved.</summary>
    public static Func<UnresponsiveGuestDriver> Wrap(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IComputeDriver));
        UnresponsiveGuestDriver? proxy = null;
        services.AddSingleton(provider =>
        {
            var inner = (IComputeDriver)registered.ImplementationFactory!(provider);
            var driver = Create<IComputeDriver, UnresponsiveGuestDriver>();
            proxy = (UnresponsiveGuestDriver)(object)driver;
            proxy._inner = inner;
            return driver;
        });
        return () => proxy ?? throw new InvalidOperationException("the driver has not been resolved yet");
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IComputeDriver.RebootAsync) && args![1] is RebootKind.Soft)
        {
            return IgnoreAcpiAsync((CancellationToken)args[2]!);
        }

        if (targetMethod.Name == nameof(IComputeDriver.SpawnAsync) && FailSpawn is { } failure)
        {
            return FailAfterAsync(failure.Task, (CancellationToken)args![1]!);
        }

        if (targetMethod.Name == nameof(IComputeDriver.SnapshotAsync) && HoldSnapshot is { } snapshotHold)
        {
            return SnapshotAfterAsync(snapshotHold.Task, (Guid)args![0]!, (string)args[1]!, (CancellationToken)args[2]!);
        }

        if (targetMethod.Name == nameof(IComputeDriver.DestroyAsync) && HoldDestroy is { } hold)
        {
            return DestroyAfterAsync(hold.Task, (Guid)args![0]!, (CancellationToken)args[1]!);
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

    private async Task<RebootKind> IgnoreAcpiAsync(CancellationToken cancellationToken)
    {
        var waiting = SoftRebootWaiting;
        SoftRebootWaiting = NewSignal();
        waiting.SetResult();
        await GuestAnswers.Task.WaitAsync(cancellationToken);
        return RebootKind.Soft;
    }

    private static async Task<SpawnReport> FailAfterAsync(Task<Exception> failure, CancellationToken cancellationToken) =>
        throw await failure.WaitAsync(cancellationToken);

    private async Task SnapshotAfterAsync(Task hold, Guid uuid, string targetPath, CancellationToken cancellationToken)
    {
        SnapshotWaiting.TrySetResult();
        await hold.WaitAsync(cancellationToken);
        await _inner.SnapshotAsync(uuid, targetPath, cancellationToken);
    }

    private async Task DestroyAfterAsync(Task hold, Guid uuid, CancellationToken cancellationToken)
    {
        await hold.WaitAsync(cancellationToken);
        await _inner.DestroyAsync(uuid, cancellationToken);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Tests each on a <see cref="ServerApiSession"/> of their own whose compute driver is an <see cref="UnresponsiveGuestDriver"/>.</summary>
public abstract class UnresponsiveGuestTests : IAsyncLifetime
{
    private Func<UnresponsiveGuestDriver> _driver = null!;

    protected ServerApiSession Session { get; private set; } = null!;

    /// <summary>The wrapper around the session's driver (resolved once the session has started).</summary>
    protected UnresponsiveGuestDriver Driver => _driver();

    public Task InitializeAsync()
    {
        Session = new ServerApiSession { ConfigureServices = services => _driver = UnresponsiveGuestDriver.Wrap(services) };
        return Session.InitializeAsync();
    }

    public Task DisposeAsync() => Session.DisposeAsync();
}
