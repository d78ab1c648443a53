namespace Appliance.Tests.Quotas;

/// <summary>Nova's /limits api_samples ("absolute") with the seed's defaults and the given usage.</summary>
public static class LimitsBodies
{
    public static string Absolute(int instances = 10, long instancesUsed = 0, long coresUsed = 0, long ramUsed = 0) => $$$"""
        {"maxImageMeta": 128, "maxPersonality": 5, "maxPersonalitySize": 10240, "maxSecurityGroupRules": 20, "maxSecurityGroups": 10,
         "maxServerMeta": 128, "maxTotalCores": 20, "maxTotalFloatingIps": 10, "maxTotalInstances": {{{instances}}}, "maxTotalKeypairs": 100,
         "maxTotalRAMSize": 51200, "maxServerGroups": 10, "maxServerGroupMembers": 10,
         "totalCoresUsed": {{{coresUsed}}}, "totalInstancesUsed": {{{instancesUsed}}}, "totalRAMUsed": {{{ramUsed}}},
         "totalSecurityGroupsUsed": 0, "totalFloatingIpsUsed": 0, "totalServerGroupsUsed": 0}
        """;

    public const string AbsoluteV236 = """
        {"maxImageMeta": 128, "maxPersonality": 5, "maxPersonalitySize": 10240, "maxServerMeta": 128, "maxTotalCores": 20,
         "maxTotalInstances": 10, "maxTotalKeypairs": 100, "maxTotalRAMSize": 51200, "maxServerGroups": 10, "maxServerGroupMembers": 10,
         "totalCoresUsed": 0, "totalInstancesUsed": 0, "totalRAMUsed": 0, "totalServerGroupsUsed": 0}
        """;

    public const string AbsoluteV239 = """
        {"maxPersonality": 5, "maxPersonalitySize": 10240, "maxServerMeta": 128, "maxTotalCores": 20,
         "maxTotalInstances": 10, "maxTotalKeypairs": 100, "maxTotalRAMSize": 51200, "maxServerGroups": 10, "maxServerGroupMembers": 10,
         "totalCoresUsed": 0, "totalInstancesUsed": 0, "totalRAMUsed": 0, "totalServerGroupsUsed": 0}
        """;

    /// <summary>The old v2 rate section for the seed's rules, each with its remaining count and the given next-available.</summary>
    public static string Rate(string nextAvailable, int post = 120, int serverPost = 120, int put = 120, int changesSince = 120, int delete = 120, int value = 120, int fping = 12) => $$$"""
        [
          {"uri": "*", "regex": ".*", "limit": [
            {"verb": "POST", "value": {{{value}}}, "remaining": {{{post}}}, "unit": "MINUTE", "next-available": "{{{nextAvailable}}}"},
            {"verb": "PUT", "value": {{{value}}}, "remaining": {{{put}}}, "unit": "MINUTE", "next-available": "{{{nextAvailable}}}"},
            {"verb": "DELETE", "value": {{{value}}}, "remaining": {{{delete}}}, "unit": "MINUTE", "next-available": "{{{nextAvailable}}}"}]},
          {"uri": "*/servers", "regex": "^/servers", "limit": [
            {"verb": "POST", "value": {{{value}}}, "remaining": {{{serverPost}}}, "unit": "MINUTE", "next-available": "{{{nextAvailable}}}"}]},
          {"uri": "*changes-since*", "regex": ".*changes-since.*", "limit": [
            {"verb": "GET", "value": {{{value}}}, "remaining": {{{changesSince}}}, "unit": "MINUTE", "next-available": "{{{nextAvailable}}}"}]},
          {"uri": "*/os-fping", "regex": "^/os-fping", "limit": [
            {"verb": "GET", "value": 12, "remaining": {{{fping}}}, "unit": "MINUTE", "next-available": "{{{nextAvailable}}}"}]}
        ]
        """;
}
