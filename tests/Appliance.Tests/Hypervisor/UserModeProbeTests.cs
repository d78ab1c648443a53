using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Host;

namespace Appliance.Tests.Hypervisor;

/// <summary>passt only where libvirt's domain capabilities offer it; QEMU's SLIRP everywhere else, the test driver included.</summary>
[Collection(LibvirtCollection.Name)]
public sealed class UserModeProbeTests
{
    [Fact]
    public void DomainCapabilities_ThatListPasstAsABackendType_OfferPasst() =>
        Assert.True(UserModeProbe.OffersPasst("""
            <domainCapabilities><domain>qemu</domain><devices>
              <interface supported='yes'><enum name='backendType'><value>default</value><value>passt</value></enum></interface>
            </devices></domainCapabilities>
            """));

    /// <summary>Debian 12's libvirt 9.0.0 says nothing of interfaces, and refuses passt when asked.</summary>
    [Theory]
    [InlineData("<domainCapabilities><domain>qemu</domain><devices><disk supported='yes'/></devices></domainCapabilities>")]
    [InlineData("<domainCapabilities><devices><interface supported='yes'><enum name='backendType'><value>default</value></enum></interface></devices></domainCapabilities>")]
    [InlineData("not xml")]
    public void DomainCapabilities_WithoutPasst_DoNotOfferIt(string xml) => Assert.False(UserModeProbe.OffersPasst(xml));

    [SkippableFact]
    public void TheTestDriver_HasNoDomainCapabilities_SoItsGuestsGetSlirp()
    {
        LibvirtAvailability.RequireLibrary();
        using var host = new LibvirtHost(LibvirtAvailability.TestUri);
        Assert.Equal(UserModeBackend.QemuSlirp, UserModeProbe.Read(host, "test"));
    }
}
