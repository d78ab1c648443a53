namespace Appliance.Tests.Hypervisor;

/// <summary>A minimal domain for the test driver, with a name no other test uses.</summary>
internal static class TestDomainXml
{
    public static (Guid Uuid, string Name, string Xml) Unique()
    {
        var uuid = Guid.NewGuid();
        var name = $"appliance-test-{uuid:N}";
        var xml = $"""
            <domain type='qemu'>
              <name>{name}</name>
              <uuid>{uuid}</uuid>
              <memory unit='MiB'>64</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type></os>
            </domain>
            """;
        return (uuid, name, xml);
    }
}
