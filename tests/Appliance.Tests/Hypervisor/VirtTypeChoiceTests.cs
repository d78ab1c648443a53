using Appliance.Hypervisor.Host.Acceleration;

namespace Appliance.Tests.Hypervisor;

/// <summary>The virt type decision fed the inputs of five kinds of host, as virt-host-validate would judge them.</summary>
public sealed class VirtTypeChoiceTests
{
    private const string IntelWithVmx = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep vmx ssse3 sse4_1\n\n";
    private const string NestedAmd = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu vme de pse tsc msr svm hypervisor sse4_2\n\n";
    private const string GuestWithoutVmx = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse tsc msr pae hypervisor sse4_2 vmxnotaflag\n\n";

    private const string KvmCapabilities = "<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain><arch>x86_64</arch></domainCapabilities>";
    private const string QemuCapabilities = "<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>qemu</domain><arch>x86_64</arch></domainCapabilities>";

    [Fact]
    public void RealKvm_PicksKvm()
    {
        var choice = VirtTypeChoice.Choose(VirtTypeSetting.Auto, new KvmEvidence(true, true, IntelWithVmx, KvmEvidence.OffersKvm(KvmCapabilities)));

        Assert.Equal(("kvm", "KVM", null), (choice.VirtType, choice.Accelerator, choice.Problem));
        Assert.Equal("hardware virtualization: /dev/kvm is usable and the CPU has vmx/svm", choice.Reason);
    }

    [Fact]
    public void NestedKvm_PicksKvm_AndSaysItIsNested()
    {
        var choice = VirtTypeChoice.Choose(VirtTypeSetting.Auto, new KvmEvidence(true, true, NestedAmd, KvmEvidence.OffersKvm(KvmCapabilities)));

        Assert.Equal(("kvm", null), (choice.VirtType, choice.Problem));
        Assert.Equal("hardware virtualization through nested KVM (this host is itself a guest)", choice.Reason);
    }

    [Fact]
    public void NoKvm_PicksQemu_BecauseThereIsNoDevice()
    {
        var choice = VirtTypeChoice.Choose(VirtTypeSetting.Auto, new KvmEvidence(false, false, IntelWithVmx, false));

        Assert.Equal(("qemu", "TCG", null), (choice.VirtType, choice.Accelerator, choice.Problem));
        Assert.Equal("TCG emulation, slower: there is no /dev/kvm (kvm module not loaded, or virtualization off in the firmware)", choice.Reason);
    }

    [Fact]
    public void DeviceWithoutVmxOrSvm_PicksQemu_EvenThoughTheDeviceOpens()
    {
        // This project's CI machines: /dev/kvm exists and opens, but the CPU shows no vmx/svm and guests stop with "KVM: emulation failure".
        var choice = VirtTypeChoice.Choose(VirtTypeSetting.Auto, new KvmEvidence(true, true, GuestWithoutVmx, null));

        Assert.Equal("qemu", choice.VirtType);
        Assert.Equal("TCG emulation, slower: the CPU shows no hardware virtualization (no vmx or svm flag), so /dev/kvm runs no ordinary guest",
            choice.Reason);
    }

    [Fact]
    public void DeviceNotWritable_PicksQemu()
    {
        var choice = VirtTypeChoice.Choose(VirtTypeSetting.Auto, new KvmEvidence(true, false, IntelWithVmx, KvmEvidence.OffersKvm(KvmCapabilities)));

        Assert.Equal("qemu", choice.VirtType);
        Assert.Equal("TCG emulation, slower: /dev/kvm can't be opened read-write by the appliance's user", choice.Reason);
    }

    [Fact]
    public void LibvirtWithoutKvm_PicksQemu_WhateverTheDeviceSays()
    {
        var choice = VirtTypeChoice.Choose(VirtTypeSetting.Auto, new KvmEvidence(true, true, IntelWithVmx, KvmEvidence.OffersKvm(QemuCapabilities)));

        Assert.Equal(("qemu", "TCG emulation, slower: libvirt's domain capabilities do not offer kvm"), (choice.VirtType, choice.Reason));
    }

    [Fact]
    public void ForcedKvm_WhereItCannotWork_IsAProblemNamingWhy()
    {
        var choice = VirtTypeChoice.Choose(VirtTypeSetting.Kvm, new KvmEvidence(true, true, GuestWithoutVmx, null));

        Assert.Equal("virt type kvm cannot work on this host: the CPU shows no hardware virtualization (no vmx or svm flag), " +
            "so /dev/kvm runs no ordinary guest; use --virt-type auto (or qemu)", choice.Problem);
    }

    [Fact]
    public void ForcedKvm_WhereItWorks_IsKvm_AndForcedQemu_IsQemuEvenWithKvm()
    {
        var real = new KvmEvidence(true, true, IntelWithVmx, true);

        Assert.Equal(("kvm", null), (VirtTypeChoice.Choose(VirtTypeSetting.Kvm, real).VirtType, VirtTypeChoice.Choose(VirtTypeSetting.Kvm, real).Problem));
        Assert.Equal(("qemu", "set to qemu: TCG emulation"), (VirtTypeChoice.Choose(VirtTypeSetting.Qemu, real).VirtType, VirtTypeChoice.Choose(VirtTypeSetting.Qemu, real).Reason));
    }

    [Theory]
    [InlineData("flags\t\t: fpu vmx\n", true)]
    [InlineData("flags\t\t: fpu svm\n", true)]
    [InlineData("flags\t\t: fpu vmxnotaflag svm_lock\n", false)]
    [InlineData("model name\t: Intel vmx edition\nflags\t\t: fpu\n", false)]
    [InlineData("", false)]
    public void HardwareVirtualization_IsReadFromTheFlagsLineOnly(string cpuInfo, bool expected) =>
        Assert.Equal(expected, new KvmEvidence(true, true, cpuInfo, null).HasHardwareVirtualization);

    [Theory]
    [InlineData(KvmCapabilities, true)]
    [InlineData(QemuCapabilities, false)]
    [InlineData("not xml", false)]
    public void DomainCapabilities_OfferKvm_OnlyWhenTheirDomainIsKvm(string xml, bool expected) =>
        Assert.Equal(expected, KvmEvidence.OffersKvm(xml));
}
