namespace Appliance.Hypervisor;

/// <summary>What happened to a guest, as libvirt's lifecycle event types.</summary>
public enum LifecycleTransition
{
    Defined = 0,
    Undefined = 1,
    Started = 2,
    Suspended = 3,
    Resumed = 4,
    Stopped = 5,
    Shutdown = 6,
    PmSuspended = 7,
    Crashed = 8,
}

/// <summary>One lifecycle event of one guest; Detail is libvirt's per-transition reason code.</summary>
public sealed record LifecycleEvent(Guid InstanceUuid, string Name, LifecycleTransition Transition, int Detail, DateTimeOffset At);
