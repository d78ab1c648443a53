using System.Xml.Linq;
using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Interop;

namespace Appliance.Hypervisor.Host;

/// <summary>
/// Which user-mode stack this libvirt can give a guest. passt only where libvirt says so in its domain capabilities
/// (<c>&lt;interface&gt;&lt;enum name='backendType'&gt;</c> with passt, which libvirt reports since 10.x): not by version, as
/// Debian 12 ships 9.0.0 with passt turned off at parse time (its patch "Disable passt support"), and a refused
/// definition is the only other sign. Everywhere else, QEMU's SLIRP with hostfwd on QEMU's command line.
/// </summary>
public static class UserModeProbe
{
    public static UserModeBackend Read(LibvirtHost host, string virtType)
    {
        try
        {
            return OffersPasst(host.DomainCapabilities(virtType)) ? UserModeBackend.Passt : UserModeBackend.QemuSlirp;
        }
        catch (Exception e) when (e is LibvirtException or HypervisorUnavailableException)
        {
            return UserModeBackend.QemuSlirp;
        }
    }

    /// <summary>True when the domain capabilities list passt among the interface backend types.</summary>
    public static bool OffersPasst(string domainCapabilitiesXml)
    {
        try
        {
            return XElement.Parse(domainCapabilitiesXml).Element("devices")?.Element("interface")?.Elements("enum")
                .Where(e => (string?)e.Attribute("name") == "backendType")
                .SelectMany(e => e.Elements("value"))
                .Any(v => v.Value == "passt") == true;
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }
}
