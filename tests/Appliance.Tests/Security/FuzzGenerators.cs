using System.Text.Json;
using CsCheck;

namespace Appliance.Tests.Security;

/// <summary>
/// CsCheck generators for malformed and mutated requests: every route of the app, its ids real or made up,
/// its path bent, foreign or forged credentials, odd headers and query strings, and its valid bodies mutated
/// field by field or replaced by garbage.
/// </summary>
public static class FuzzGenerators
{
    private const string Printable = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~:@!$&'()*+,;= /?#[]%\"<>\\^`{|}";

    private static readonly Gen<string> PrintableText = Gen.String[Gen.Char[Printable], 0, 24];

    /// <summary>JSON values that break schemas: wrong types, edges of int/long/double, odd strings, deep nesting, huge strings.</summary>
    public static readonly Gen<string> JsonLiteral = Gen.Frequency(
        (10, Gen.OneOf(
            "null", "true", "false", "0", "-1", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
            "18446744073709551616", "1e308", "1e309", "-1e309", "-0", "0.5", "1.0e2", "1E-400", "\"\"", "\" \"", "\"x\"", "[]", "{}", "[null]",
            "{\"a\": {}}", "[[]]", "\"2024-01-01T00:00:00Z\"", "\"2024-13-45T99:99:99\"", "\"0001-01-01\"", "\"9999-12-31T23:59:59.9999999Z\"",
            "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u202e\"", "\"😀\"", "\"../../etc/passwd\"", "\"%s%n%x\"", "\"' OR 1=1 --\"",
            "\"<script>\"", "\"00000000-0000-0000-0000-000000000000\"", "\"SOFT\"", "\"HARD\"", "\"AUTO\"", "\"public\"", "\"private\"", "\"admin\"",
            "\"-1\"", "\"1.5\"", "\"0x10\"", "\"NaN\"", "\"Infinity\"", "\"true\"", "\"default\"", "\"42\"", "[\"a\", 1, null, {}]",
            "{\"op\": \"add\", \"path\": \"/x\", \"value\": 1}", "[{\"op\": \"remove\", \"path\": \"/\"}]", "\"ssh-rsa AAAA\"", "\"QFI\\u00fb\"")),
        (3, PrintableText.Select(text => JsonSerializer.Serialize(text))),
        (2, Gen.String[0, 16].Select(text => JsonSerializer.Serialize(text))),
        (2, Gen.Int.Select(number => number.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Long.Select(number => number.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Double.Where(double.IsFinite).Select(number => number.ToString("R", System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Int[1, 400].Select(depth => new string('[', depth) + new string(']', depth))),
        (1, Gen.Int[1, 200].Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))),
        (1, Gen.Int[200, 70_000].Select(length => "\"" + new string('a', length) + "\"")));

    /// <summary>Names the API knows (so mutations hit real fields) and some it does not.</summary>
    private static readonly Gen<string> Key = Gen.Frequency(
        (6, Gen.OneOf(
            "name", "imageRef", "flavorRef", "adminPass", "metadata", "meta", "server", "flavor", "keypair", "public_key", "type", "tags", "tag",
            "quota_set", "instances", "cores", "ram", "force", "user", "project", "role", "password", "auth", "identity", "methods", "scope",
            "domain", "id", "enabled", "description", "visibility", "disk_format", "container_format", "min_ram", "min_disk", "protected", "op",
            "path", "value", "networks", "block_device_mapping_v2", "block_device_mapping", "boot_index", "uuid", "source_type", "destination_type",
            "volume_size", "user_data", "config_drive", "key_name", "availability_zone", "min_count", "max_count", "return_reservation_id",
            "accessIPv4", "accessIPv6", "OS-DCF:diskConfig", "security_groups", "personality", "contents", "length", "extra_specs", "tenant",
            "os-flavor-access:is_public", "vcpus", "disk", "swap", "rxtx_factor", "OS-FLV-EXT-DATA:ephemeral", "os_hidden", "kernel_id",
            "ramdisk_id", "default_project_id", "email", "options", "token", "application_credential", "os-getConsoleOutput", "reboot",
            "createImage", "changePassword", "lock", "unlock", "os-start", "os-stop", "pause", "suspend", "trigger_crash_dump", "rebuild",
            "resize", "confirmResize", "revertResize", "addTenantAccess", "removeTenantAccess", "key_pairs", "metadata_items", "server_groups",
            "server_group_members", "injected_files", "fixed_ips", "floating_ips", "locked_reason", "hostname", "trusted_image_certificates",
            "host", "hypervisor_hostname", "os:scheduler_hints", "x-openstack-request-id")),
        (1, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz_:-"], 1, 12]),
        (1, Gen.String[0, 6]));

    private static readonly Gen<Mutation> MutationGen =
        Gen.Select(Gen.Enum<MutationKind>(), Gen.Double[0, 1], JsonLiteral, Key, (kind, where, literal, key) => new Mutation(kind, where, literal, key));

    private static readonly string[] ContentTypes =
    [
        "application/json", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/json; charset=utf-16",
        "application/json-patch+json", "application/openstack-images-v2.1-json-patch", "application/openstack-images-v2.0-json-patch",
        "application/octet-stream", "multipart/form-data; boundary=x", "application/vnd.openstack.compute+json", "application/xml", "*/*",
        "application/json; charset=", "application/json;;", "x", "",
    ];

    private static readonly Gen<BodyRecipe> OtherBody = Gen.Frequency(
        (3, JsonLiteral.Select(json => new BodyRecipe(-1, [], json, null, false, "application/json", false))),
        (2, Gen.Byte.Array[0, 64].Select(bytes => new BodyRecipe(-1, [], null, bytes, false, "application/json", false))),
        (1, Gen.Const(new BodyRecipe(-1, [], "", null, false, "application/json", false))),
        (1, Gen.Int[113 * 1024, 140 * 1024].Select(size => new BodyRecipe(-1, [], "{\"x\": \"" + new string('a', size) + "\"}", null, false, "application/json", false))));

    private static Gen<BodyRecipe> BodyFor(int seeds) =>
        seeds == 0
            ? Gen.Frequency((8, Gen.Const(BodyRecipe.None)), (2, OtherBody))
            : Gen.Frequency(
                (14, Gen.Select(Gen.Int[0, seeds - 1], MutationGen.Array[0, 3], (seed, mutations) => new BodyRecipe(seed, mutations, null, null, true, null, false))),
                (2, Gen.Int[0, seeds - 1].Select(seed => new BodyRecipe(seed, [], null, null, true, null, false))),
                (3, OtherBody),
                (1, Gen.Const(BodyRecipe.None)));

    /// <summary>Declared type and transfer: mostly the seed's own, sometimes any other, sometimes chunked.</summary>
    private static Gen<BodyRecipe> WithTransfer(Gen<BodyRecipe> body) =>
        Gen.Select(body, Gen.Int[0, 9], Gen.OneOf(ContentTypes).Null(0.15), Gen.Int[0, 9], (recipe, typeRoll, type, chunkRoll) =>
            recipe with { KeepContentType = recipe.KeepContentType && typeRoll < 8, ContentType = typeRoll < 8 ? recipe.ContentType : type, Chunked = chunkRoll == 0 });

    // No %00 in paths: Kestrel refuses it with its own 400 before the app, and the in-process test server throws instead.
    private static readonly Gen<PathValue> LiteralValue = Gen.Frequency(
        (6, Gen.OneOf(
            "", "0", "-1", "1", "99999999999999999999", "detail", "..", "%2e%2e", "%2F", "a b", "%ZZ", "ü漢😀", "null", "<x>", "'", "*",
            "; DROP TABLE servers", "00000000-0000-0000-0000-000000000000", "default", "admin", "member", "latest", "v2.1", "file", "action",
            "private", "public", "os-keypairs", "%252e%252e", "\\", "~", ".", "AUTO").Select(text => new PathValue(ValueSource.Literal, text, false))),
        (2, PrintableText.Select(text => new PathValue(ValueSource.Literal, text, true))),
        (1, Gen.Guid.Select(guid => new PathValue(ValueSource.Literal, guid.ToString(), false))),
        (1, Gen.Int[256, 6000].Select(length => new PathValue(ValueSource.Literal, new string('a', length), false))));

    private static readonly Gen<PathValue> Value = Gen.Frequency(
        (10, Gen.Const(new PathValue(ValueSource.OwnedByA, "", false))),
        (3, Gen.Const(new PathValue(ValueSource.OwnedByB, "", false))),
        (2, Gen.Const(new PathValue(ValueSource.Public, "", false))),
        (5, LiteralValue));

    private static readonly Gen<string> MicroversionValue = Gen.Frequency(
        (4, Gen.Int[0, 60].Select(minor => $"2.{minor}")),
        (2, Gen.OneOf("latest", "LATEST", "2.", "2", "3.0", "1.9", "2.1.1", "-2.5", "2.99999999999", "2.0x10", " 2.5 ", "", "abc", "2.-1", "٢.٥")),
        (1, PrintableText));

    private static readonly Gen<KeyValuePair<string, string>> Header = Gen.Frequency(
        (4, MicroversionValue.Select(version => KeyValuePair.Create("OpenStack-API-Version", "compute " + version))),
        (1, MicroversionValue.Select(version => KeyValuePair.Create("OpenStack-API-Version", version))),
        (1, Gen.OneOf("volume 3.0", "compute 2.10, compute 2.20", "image 2.5, compute latest", "compute").Select(value => KeyValuePair.Create("OpenStack-API-Version", value))),
        (2, MicroversionValue.Select(version => KeyValuePair.Create("X-OpenStack-Nova-API-Version", version))),
        (1, Gen.OneOf("application/xml", "*/*", "text/html", "application/json;q=0", "garbage/", "application/vnd.openstack.compute+json")
            .Select(value => KeyValuePair.Create("Accept", value))),
        (2, Gen.OneOf(
            KeyValuePair.Create("X-Identity-Status", "Confirmed"), KeyValuePair.Create("X-Roles", "admin"), KeyValuePair.Create("X-Role", "admin"),
            KeyValuePair.Create("X-Project-Id", "{A}"), KeyValuePair.Create("X-Tenant-Id", "{A}"), KeyValuePair.Create("X-User-Id", "{userA}"),
            KeyValuePair.Create("X-Service-Catalog", "[{]"), KeyValuePair.Create("X-Is-Admin-Project", "True"), KeyValuePair.Create("X-Forwarded-For", "203.0.113.9"),
            KeyValuePair.Create("X-Forwarded-Proto", "gopher"), KeyValuePair.Create("X-Forwarded-Host", "evil.example"), KeyValuePair.Create("Range", "bytes=5-1"),
            KeyValuePair.Create("Range", "bytes=0-10"), KeyValuePair.Create("If-None-Match", "*"), KeyValuePair.Create("Expect", "100-continue"),
            KeyValuePair.Create("X-Subject-Token", "{victim}"), KeyValuePair.Create("X-Subject-Token", "garbage"), KeyValuePair.Create("X-Subject-Token", ""),
            KeyValuePair.Create("X-Auth-Token", "{A}"), KeyValuePair.Create("Cookie", "a=b; .AspNetCore.Antiforgery=x"))),
        (1, PrintableText.Select(text => KeyValuePair.Create("X-Fuzz-" + text.Length, text.Replace("\"", "", StringComparison.Ordinal)))));

    private static readonly Gen<string> QueryName = Gen.Frequency(
        (6, Gen.OneOf(
            "limit", "marker", "sort_key", "sort_dir", "changes-since", "changes-before", "name", "status", "all_tenants", "user_id", "project_id",
            "tenant_id", "deleted", "visibility", "member_status", "tag", "tags", "tags-any", "not-tags", "not-tags-any", "fields", "is_public",
            "minDisk", "minRam", "ip", "ip6", "flavor", "image", "host", "reservation_id", "locked", "description", "key_name", "created_at",
            "updated_at", "os_distro", "owner", "container_format", "disk_format", "size_min", "size_max", "protected", "os_hidden", "detailed",
            "usage", "type", "domain_id", "enabled", "scope.project.id", "user.id", "role.id", "effective", "include_names", "nocatalog",
            "allow_expired", "parent_id", "availability_zone", "config_drive", "launched_at", "terminated_at", "power_state", "task_state",
            "vm_state", "access_ip_v4", "uuid", "progress", "node", "kernel_id", "length", "start", "end", "id", "checksum", "os_hash_value")),
        (1, PrintableText));

    private static readonly Gen<string> QueryValue = Gen.Frequency(
        (6, Gen.OneOf(
            "", "0", "-1", "1", "2147483648", "99999999999999999999", "1e3", "true", "false", "True", "None", "yes", "asc", "desc", "sideways",
            "2024-01-01T00:00:00Z", "2024-13-45", "2024-01-01T00:00:00+99:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "now", "ACTIVE",
            "active", "deleted", "all", "private", "public", "shared", "community", "in:a,b", "gte:5", "nin:1", "{A}", "{userA}", "uuid", "created_at",
            "display_name", "name,id", "^[", "(a|a)*$", ".*", "%", "%00", "\u0000", "ü", "a,b,,c", "00000000-0000-0000-0000-000000000000")),
        (2, PrintableText),
        (1, Gen.Int[200, 5000].Select(length => new string('9', length))));

    private static readonly Gen<string> Query = Gen.Frequency(
        (5, Gen.Const("")),
        (8, Gen.Select(QueryName, QueryValue).Array[1, 4].Select(pairs =>
            "?" + string.Join("&", pairs.Select(pair => Uri.EscapeDataString(pair.Item1) + "=" + Uri.EscapeDataString(pair.Item2)))
                .Replace("%7BA%7D", "{A}", StringComparison.Ordinal).Replace("%7BuserA%7D", "{userA}", StringComparison.Ordinal))),
        (1, Gen.OneOf("?", "?&&==&", "?%zz=1", "?a[]=1&a[]=2", "?limit=1&limit=2&limit=x", "?=", "?;", "?marker", "?%00=%00", "?limit=%ff%fe")));

    private static readonly Gen<FuzzCaller> Caller = Gen.Frequency(
        (30, Gen.Const(FuzzCaller.OwnerA)), (12, Gen.Const(FuzzCaller.ForeignB)), (20, Gen.Const(FuzzCaller.Admin)), (10, Gen.Const(FuzzCaller.NoToken)),
        (10, Gen.Const(FuzzCaller.GarbageToken)), (5, Gen.Const(FuzzCaller.Unscoped)), (5, Gen.Const(FuzzCaller.Revoked)));

    private static readonly Gen<PathShape> Shape = Gen.Frequency(
        (40, Gen.Const(PathShape.AsIs)), (2, Gen.Const(PathShape.TrailingSlash)), (1, Gen.Const(PathShape.DoubleSlash)), (1, Gen.Const(PathShape.UpperCase)),
        (2, Gen.Const(PathShape.ExtraSegment)), (1, Gen.Const(PathShape.DropLastSegment)), (2, Gen.Const(PathShape.ProjectInUrlOfA)),
        (1, Gen.Const(PathShape.ProjectInUrlOfB)), (1, Gen.Const(PathShape.SwapVersion)), (3, Gen.Const(PathShape.Unrouted)));

    private static readonly Gen<string> UnroutedPath = Gen.Frequency(
        (3, Gen.OneOf(
            "/", "/v2.1/os-hypervisors", "/v2.1/os-services", "/v2.1/servers/detail/extra", "/v3/auth/tokens", "/identity/v2.0/tokens", "/identity/v3/OS-FEDERATION",
            "/identity/v3/credentials", "/image/v1/images", "/image/v2/schemas/image", "/image/v2/images/x/members", "/v2.1/os-server-groups", "/v2.1/os-volumes",
            "/ui/", "/ui/servers", "/ui/nonexistent", "/ui/_blazor/negotiate", "/ui/_framework/blazor.web.js", "/ui/../v2.1/servers", "/healthz/x",
            "/v2.1/%2e%2e/identity/v3/users", "/image/v2/images/%2e%2e%2f%2e%2e", "/v2.1/servers/%0d%0aX-Injected:%201", "/favicon.ico")),
        (1, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_./"], 1, 40].Select(path => "/" + path)));

    private static readonly Gen<string?> OtherMethod = Gen.Frequency(
        (17, Gen.Const((string?)null)),
        (3, Gen.OneOf<string?>("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "CONNECT")));

    /// <summary>Cases over <paramref name="routes"/>; <paramref name="seedCount"/> says how many valid bodies each route has.</summary>
    public static Gen<FuzzCase> Cases(IReadOnlyList<ApiRoute> routes, Func<ApiRoute, int> seedCount) =>
        Gen.Int[0, routes.Count - 1].SelectMany(index => CaseFor(routes, index, seedCount));

    /// <summary>A case on the route at <paramref name="index"/>: how a run makes sure every route is drawn at least once.</summary>
    public static Gen<FuzzCase> CaseFor(IReadOnlyList<ApiRoute> routes, int index, Func<ApiRoute, int> seedCount)
    {
        var route = routes[index];
        return Gen.Select(
            OtherMethod, Value.Array[route.Parameters.Count], Shape, UnroutedPath, Caller, Query, Header.Array[0, 3], WithTransfer(BodyFor(seedCount(route))),
            (method, values, shape, unrouted, caller, query, headers, body) => new FuzzCase(index, method, values, shape, unrouted, caller, query, headers, body));
    }
}
