using System.Text;
using System.Text.Json.Nodes;
using Appliance.Hypervisor.ConfigDrive;
using Appliance.Hypervisor.Processes;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Hypervisor;

public sealed class ConfigDriveTests : IDisposable
{
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static InstanceMetadata Metadata() => new()
    {
        Uuid = Guid.Parse("6f1d7c2e-0a4b-4c38-9d61-2b7c1e5a9f10"),
        Hostname = "web-1",
        Name = "Web 1",
        ProjectId = "project-a",
        Meta = new Dictionary<string, string> { ["role"] = "web" },
        KeyPair = new KeyPairMetadata("k1", "ssh", "ssh-ed25519 AAAA test"),
        Files = [("/etc/motd", "hello from personality\n"u8.ToArray())],
        AdminPass = "s3cret",
        UserData = "#!/bin/sh\necho user-data-ran\n"u8.ToArray(),
    };

    private async Task<string> BuildAsync()
    {
        var iso = Path.Combine(_dir.Path, "disk.config");
        await ConfigDriveBuilder.BuildAsync(Metadata(), iso);
        return iso;
    }

    private static Task<string> ReadAsync(string iso, string path) =>
        HostCommand.RunAsync("isoinfo", ["-i", iso, "-R", "-x", path]);

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Iso_IsLabelledConfig2_OwnerOnly_AndLeavesNoTempFile()
    {
        var iso = await BuildAsync();
        Assert.Contains("Volume id: config-2", await HostCommand.RunAsync("isoinfo", ["-d", "-i", iso]));
        Assert.Equal(["disk.config"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
        // It carries the admin password: readable by its owner only (libvirt lends it to QEMU).
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(iso));
    }

    [Fact]
    public async Task LatestMetaData_ReadBackFromTheIso_CarriesTheInstance()
    {
        var iso = await BuildAsync();
        var json = JsonNode.Parse(await ReadAsync(iso, "/openstack/latest/meta_data.json"))!.AsObject();
        Assert.Equal("6f1d7c2e-0a4b-4c38-9d61-2b7c1e5a9f10", (string?)json["uuid"]);
        Assert.Equal("web-1", (string?)json["hostname"]);
        Assert.Equal("Web 1", (string?)json["name"]);
        Assert.Equal(0, (int?)json["launch_index"]);
        Assert.Equal("nova", (string?)json["availability_zone"]);
        Assert.Equal("project-a", (string?)json["project_id"]);
        Assert.Equal("web", (string?)json["meta"]!["role"]);
        Assert.Equal("ssh-ed25519 AAAA test", (string?)json["public_keys"]!["k1"]);
        Assert.Equal("ssh", (string?)json["keys"]![0]!["type"]);
        Assert.Equal("s3cret", (string?)json["admin_pass"]);
        Assert.Equal(512, Convert.FromBase64String((string)json["random_seed"]!).Length);
        Assert.Equal("/content/0000", (string?)json["files"]![0]!["content_path"]);
        Assert.Empty(json["devices"]!.AsArray());
    }

    [Fact]
    public async Task UserDataAndPersonalityContent_AreOnTheIsoByteForByte()
    {
        var iso = await BuildAsync();
        Assert.Equal("#!/bin/sh\necho user-data-ran\n", await ReadAsync(iso, "/openstack/latest/user_data"));
        Assert.Equal("#!/bin/sh\necho user-data-ran\n", await ReadAsync(iso, "/ec2/latest/user-data"));
        Assert.Equal("hello from personality\n", await ReadAsync(iso, "/openstack/content/0000"));
        // The plain ISO 9660 name (lower case kept by -allow-lowercase), as a guest without Rock Ridge or Joliet sees it.
        var plain = await HostCommand.RunAsync("isoinfo", ["-i", iso, "-x", "/openstack/latest/meta_data.json;1"]);
        Assert.Contains("\"uuid\":\"6f1d7c2e-0a4b-4c38-9d61-2b7c1e5a9f10\"", plain);
    }

    [Fact]
    public async Task EveryVersion_HasItsFiles_AndNoMore()
    {
        var iso = await BuildAsync();
        var listing = (await HostCommand.RunAsync("isoinfo", ["-i", iso, "-R", "-f"])).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        foreach (var version in ConfigDriveLayout.OpenStackVersions.Append("latest"))
        {
            Assert.Contains($"/openstack/{version}/meta_data.json", listing);
            Assert.Contains($"/openstack/{version}/user_data", listing);
        }

        foreach (var version in ConfigDriveLayout.Ec2Versions.Append("latest"))
        {
            Assert.Contains($"/ec2/{version}/meta-data.json", listing);
        }

        Assert.Contains("/openstack/latest/network_data.json", listing);
        Assert.Contains("/openstack/latest/vendor_data.json", listing);
        Assert.Contains("/openstack/latest/vendor_data2.json", listing);
        Assert.DoesNotContain("/openstack/2012-08-10/vendor_data.json", listing);
        Assert.DoesNotContain("/openstack/2013-10-17/network_data.json", listing);
        Assert.DoesNotContain("/openstack/2016-06-30/vendor_data2.json", listing);
        Assert.Equal("{\"static\":{}}", await ReadAsync(iso, "/openstack/latest/vendor_data2.json"));
    }

    [Fact]
    public void OldVersions_LackWhatNovaAddedLater()
    {
        var folsom = ConfigDriveLayout.MetaData(Metadata(), "2012-08-10");
        Assert.False(folsom.ContainsKey("random_seed"));
        Assert.False(folsom.ContainsKey("project_id"));
        var ec2First = ConfigDriveLayout.Ec2MetaData(Metadata(), "1.0");
        Assert.False(ec2First.ContainsKey("local-hostname"));
        Assert.True(ConfigDriveLayout.Ec2MetaData(Metadata(), "2009-04-04").ContainsKey("instance-action"));
    }

    [Fact]
    public async Task NoUserData_NoUserDataFiles()
    {
        var iso = Path.Combine(_dir.Path, "disk.config");
        await ConfigDriveBuilder.BuildAsync(Metadata() with { UserData = null }, iso);
        var listing = await HostCommand.RunAsync("isoinfo", ["-i", iso, "-R", "-f"]);
        Assert.DoesNotContain("user_data", listing);
        Assert.DoesNotContain("user-data", listing);
        Assert.True(Encoding.UTF8.GetByteCount(listing) > 0);
    }
}
