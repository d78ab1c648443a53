namespace Appliance.Tests.Quotas;

/// <summary>Nova's api_samples for os-quota-sets with the seed's defaults (nova-network's 10 / 20 / 10, fixed_ips unlimited).</summary>
public static class QuotaSetBodies
{
    public static string Show(string projectId, int instances = 10, int cores = 20) => $$$"""
        {"quota_set": {"cores": {{{cores}}}, "fixed_ips": -1, "floating_ips": 10, "id": "{{{projectId}}}",
          "injected_file_content_bytes": 10240, "injected_file_path_bytes": 255, "injected_files": 5,
          "instances": {{{instances}}}, "key_pairs": 100, "metadata_items": 128, "ram": 51200,
          "security_group_rules": 20, "security_groups": 10, "server_groups": 10, "server_group_members": 10}}
        """;

    public static string ShowV236(string projectId) => $$$"""
        {"quota_set": {"cores": 20, "id": "{{{projectId}}}", "injected_file_content_bytes": 10240, "injected_file_path_bytes": 255,
          "injected_files": 5, "instances": 10, "key_pairs": 100, "metadata_items": 128, "ram": 51200,
          "server_groups": 10, "server_group_members": 10}}
        """;

    public static string Updated(int instances = 10, int cores = 20) => $$$"""
        {"quota_set": {"cores": {{{cores}}}, "fixed_ips": -1, "floating_ips": 10,
          "injected_file_content_bytes": 10240, "injected_file_path_bytes": 255, "injected_files": 5,
          "instances": {{{instances}}}, "key_pairs": 100, "metadata_items": 128, "ram": 51200,
          "security_group_rules": 20, "security_groups": 10, "server_groups": 10, "server_group_members": 10}}
        """;

    private static string Entry(long inUse, int limit) => $$$"""{"in_use": {{{inUse}}}, "limit": {{{limit}}}, "reserved": 0}""";

    public static string Detail(string projectId, long instances = 0, long cores = 0, long ram = 0) => $$$"""
        {"quota_set": {
          "cores": {{{Entry(cores, 20)}}}, "fixed_ips": {{{Entry(0, -1)}}}, "floating_ips": {{{Entry(0, 10)}}}, "id": "{{{projectId}}}",
          "injected_file_content_bytes": {{{Entry(0, 10240)}}}, "injected_file_path_bytes": {{{Entry(0, 255)}}},
          "injected_files": {{{Entry(0, 5)}}}, "instances": {{{Entry(instances, 10)}}}, "key_pairs": {{{Entry(0, 100)}}},
          "metadata_items": {{{Entry(0, 128)}}}, "ram": {{{Entry(ram, 51200)}}}, "security_group_rules": {{{Entry(0, 20)}}},
          "security_groups": {{{Entry(0, 10)}}}, "server_group_members": {{{Entry(0, 10)}}}, "server_groups": {{{Entry(0, 10)}}}
        }}
        """;
}
