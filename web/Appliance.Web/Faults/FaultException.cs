namespace Appliance.Web.Faults;

/// <summary>Thrown where a request cannot go on; the fault middleware answers with its fault.</summary>
public sealed class FaultException(Fault fault) : Exception(fault.Message)
{
    public Fault Fault { get; } = fault;
}
