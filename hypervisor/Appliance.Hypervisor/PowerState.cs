namespace Appliance.Hypervisor;

/// <summary>A guest's power state, numbered as Nova's power_state so the API can show it unchanged.</summary>
public enum PowerState
{
    NoState = 0,
    Running = 1,
    Paused = 3,
    Shutdown = 4,
    Crashed = 6,
    Suspended = 7,
}
