namespace Appliance.Hypervisor;

/// <summary>A failed libvirt call, with libvirt's own error code, domain and message.</summary>
public sealed class LibvirtException(string operation, int code, int domain, string message) : Exception(message)
{
    public string Operation { get; } = operation;

    /// <summary>libvirt's virErrorNumber, e.g. 38 = VIR_ERR_SYSTEM_ERROR, 42 = VIR_ERR_NO_DOMAIN.</summary>
    public int Code { get; } = code;

    /// <summary>libvirt's virErrorDomain: which part of libvirt raised it.</summary>
    public int Domain { get; } = domain;
}
