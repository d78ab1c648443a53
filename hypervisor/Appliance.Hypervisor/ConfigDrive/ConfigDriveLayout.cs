using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Appliance.Hypervisor.ConfigDrive;

/// <summary>
/// The files of a config drive, path by path, laid out as Nova's metadata_for_config_drive: the EC2 tree
/// for every EC2 version and latest, the openstack tree for every dated version and latest, and content/.
/// </summary>
public static class ConfigDriveLayout
{
    /// <summary>Nova's EC2 VERSIONS; latest means the last.</summary>
    public static readonly IReadOnlyList<string> Ec2Versions =
        ["1.0", "2007-01-19", "2007-03-01", "2007-08-29", "2007-10-10", "2007-12-15", "2008-02-01", "2008-09-01", "2009-04-04"];

    /// <summary>Nova's OPENSTACK_VERSIONS (Folsom .. Epoxy); latest means the last.</summary>
    public static readonly IReadOnlyList<string> OpenStackVersions =
        ["2012-08-10", "2013-04-04", "2013-10-17", "2015-10-15", "2016-06-30", "2016-10-06", "2017-02-22", "2018-08-27", "2020-10-14", "2025-04-04"];

    private const string Grizzly = "2013-04-04";
    private const string Havana = "2013-10-17";
    private const string Liberty = "2015-10-15";
    private const string NewtonOne = "2016-06-30";
    private const string NewtonTwo = "2016-10-06";
    private const string Victoria = "2020-10-14";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };

    public static IEnumerable<(string Path, byte[] Content)> Files(InstanceMetadata metadata)
    {
        foreach (var version in Ec2Versions.Append("latest"))
        {
            var resolved = version == "latest" ? Ec2Versions[^1] : version;
            if (metadata.UserData is not null)
            {
                yield return ($"ec2/{version}/user-data", metadata.UserData);
            }

            yield return ($"ec2/{version}/meta-data.json", Json(Ec2MetaData(metadata, resolved)));
        }

        foreach (var version in OpenStackVersions.Append("latest"))
        {
            var resolved = version == "latest" ? OpenStackVersions[^1] : version;
            yield return ($"openstack/{version}/meta_data.json", Json(MetaData(metadata, resolved)));
            if (metadata.UserData is not null)
            {
                yield return ($"openstack/{version}/user_data", metadata.UserData);
            }

            if (AtLeast(resolved, Havana))
            {
                yield return ($"openstack/{version}/vendor_data.json", Json(metadata.VendorData.DeepClone()));
            }

            if (AtLeast(resolved, Liberty))
            {
                yield return ($"openstack/{version}/network_data.json", Json(metadata.NetworkData.DeepClone()));
            }

            if (AtLeast(resolved, NewtonTwo))
            {
                yield return ($"openstack/{version}/vendor_data2.json", Json(new JsonObject { ["static"] = metadata.VendorData.DeepClone() }));
            }
        }

        for (var i = 0; i < metadata.Files.Count; i++)
        {
            yield return ($"openstack/content/{ContentKey(i)}", metadata.Files[i].Content);
        }
    }

    /// <summary>meta_data.json for one openstack version, keys in Nova's order.</summary>
    public static JsonObject MetaData(InstanceMetadata metadata, string version)
    {
        var json = new JsonObject { ["uuid"] = metadata.Uuid.ToString("D") };
        if (metadata.Meta.Count > 0)
        {
            json["meta"] = new JsonObject(metadata.Meta.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        }

        if (metadata.Files.Count > 0)
        {
            json["files"] = new JsonArray(metadata.Files.Select((f, i) => (JsonNode?)new JsonObject
            {
                ["path"] = f.Path,
                ["content_path"] = $"/content/{ContentKey(i)}",
            }).ToArray());
        }

        if (metadata.AdminPass is not null)
        {
            json["admin_pass"] = metadata.AdminPass;
        }

        if (metadata.KeyPair is { } key)
        {
            json["public_keys"] = new JsonObject { [key.Name] = key.PublicKey };
            json["keys"] = new JsonArray(new JsonObject { ["name"] = key.Name, ["type"] = key.Type, ["data"] = key.PublicKey });
        }

        json["hostname"] = metadata.Hostname;
        json["name"] = metadata.Name;
        json["launch_index"] = metadata.LaunchIndex;
        json["availability_zone"] = metadata.AvailabilityZone;
        if (AtLeast(version, Grizzly))
        {
            json["random_seed"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(512));
        }

        if (AtLeast(version, Liberty))
        {
            json["project_id"] = metadata.ProjectId;
        }

        if (AtLeast(version, NewtonOne))
        {
            json["devices"] = new JsonArray();
        }

        if (AtLeast(version, Victoria))
        {
            json["dedicated_cpus"] = new JsonArray();
        }

        return json;
    }

    /// <summary>ec2 meta-data.json for one EC2 version, gated as Nova gates it.</summary>
    public static JsonObject Ec2MetaData(InstanceMetadata metadata, string version)
    {
        var json = new JsonObject
        {
            ["ami-id"] = metadata.Ec2ImageId,
            ["ami-launch-index"] = metadata.LaunchIndex,
            ["ami-manifest-path"] = "FIXME", // Nova's literal value: EC2 guests read the key, nothing uses the path
            ["instance-id"] = metadata.Ec2InstanceId,
            ["hostname"] = metadata.Hostname,
            ["local-ipv4"] = "",
            ["reservation-id"] = metadata.ReservationId,
            ["security-groups"] = new JsonArray(metadata.SecurityGroups.Select(g => (JsonNode?)g).ToArray()),
        };
        if (metadata.KeyPair is { } key)
        {
            json["public-keys"] = new JsonObject { ["0"] = new JsonObject { ["openssh-key"] = key.PublicKey } };
        }

        if (Ec2AtLeast(version, "2007-01-19"))
        {
            json["local-hostname"] = metadata.Hostname;
            json["public-hostname"] = metadata.Hostname;
            json["public-ipv4"] = "";
        }

        if (Ec2AtLeast(version, "2007-08-29"))
        {
            json["instance-type"] = metadata.FlavorName;
        }

        if (Ec2AtLeast(version, "2007-12-15"))
        {
            json["block-device-mapping"] = new JsonObject { ["ami"] = "vda", ["root"] = "/dev/vda" };
        }

        if (Ec2AtLeast(version, "2008-02-01"))
        {
            json["placement"] = new JsonObject { ["availability-zone"] = metadata.AvailabilityZone };
        }

        if (Ec2AtLeast(version, "2008-09-01"))
        {
            json["instance-action"] = "none";
        }

        return json;
    }

    private static string ContentKey(int index) => index.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    // Dated versions compare as strings; Nova compares by position in the list, which is the same order.
    private static bool AtLeast(string version, string required) => string.CompareOrdinal(version, required) >= 0;

    private static bool Ec2AtLeast(string version, string required) =>
        Ec2Versions.ToList().IndexOf(version) >= Ec2Versions.ToList().IndexOf(required);

    private static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(s_json));
}
