using System.CommandLine;
using Appliance.Core;
using Appliance.Core.Identity;
using Appliance.Core.Networks;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Cli;

/// <summary>
/// <c>appliance network create-provider NAME --bridge br0 --cidr 192.168.1.0/24 --pool FIRST-LAST</c>, a network on the LAN's
/// bridge for every project; <c>appliance network create-user NAME [--forward-address 127.0.0.1] [--forward-port 22]</c>, a
/// user-mode network whose guests are reached through host port forwards; and <c>appliance network list</c> with each
/// network's pool use.
/// </summary>
public static class NetworkCommand
{
    public static Command Create()
    {
        var dataDir = DataDirCore.DataDirOption();
        var name = new Argument<string>("name") { Description = "The network's name, as addresses will show it" };
        var bridge = new Option<string>("--bridge") { Description = "An existing host bridge on the LAN, e.g. br0", Required = true };
        var cidr = new Option<string>("--cidr") { Description = "The LAN's subnet, e.g. 192.168.1.0/24", Required = true };
        var pool = new Option<string>("--pool") { Description = "The addresses guests may have, FIRST-LAST, e.g. 192.168.1.200-192.168.1.220", Required = true };
        var gateway = new Option<string?>("--gateway") { Description = "The LAN's router, the guests' default route" };
        var dns = new Option<string[]>("--dns") { Description = "A DNS server for the guests (repeat for more)", AllowMultipleArgumentsPerToken = true };
        var lanDhcp = new Option<bool>("--lan-dhcp") { Description = "The LAN's DHCP server gives the addresses (default: set statically from network_data.json)" };
        var external = new Option<bool>("--external") { Description = "router:external: floating IPs come from the pool, NAT'd to guests on the appliance's own networks" };
        var create = new Command("create-provider", "Create a network on an existing host bridge, shared with every project")
            { name, bridge, cidr, pool, gateway, dns, lanDhcp, external, dataDir };
        create.SetAction((parse, cancellationToken) => CreateProviderAsync(parse.GetValue(dataDir), parse.GetValue(name)!, parse.GetValue(bridge)!,
            parse.GetValue(cidr)!, parse.GetValue(pool)!, parse.GetValue(gateway), parse.GetValue(dns) ?? [], parse.GetValue(lanDhcp), parse.GetValue(external), cancellationToken));

        var userDataDir = DataDirCore.DataDirOption();
        var userName = new Argument<string>("name") { Description = "The network's name, as addresses will show it" };
        var forwardAddress = new Option<string>("--forward-address")
        {
            Description = "The host address the forwards listen on",
            DefaultValueFactory = _ => UserNetworks.DefaultForwardAddress,
        };
        var forwardPorts = new Option<int[]>("--forward-port")
        {
            Description = "A guest TCP port each server gets a forward to (repeat for more; default 22)",
            AllowMultipleArgumentsPerToken = true,
        };
        var userCidr = new Option<string>("--cidr")
        {
            Description = "The subnet the user-mode stack serves each guest",
            DefaultValueFactory = _ => UserNetworks.DefaultCidr,
        };
        var createUser = new Command("create-user", "Create a user-mode network (no bridge), shared with every project: guests are reached through host port forwards")
            { userName, forwardAddress, forwardPorts, userCidr, userDataDir };
        createUser.SetAction((parse, cancellationToken) => CreateUserAsync(parse.GetValue(userDataDir), parse.GetValue(userName)!,
            parse.GetValue(forwardAddress)!, parse.GetValue(forwardPorts) ?? [], parse.GetValue(userCidr)!, cancellationToken));

        var listDataDir = DataDirCore.DataDirOption();
        var list = new Command("list", "List networks with their subnets and pool use") { listDataDir };
        list.SetAction((parse, cancellationToken) => ListAsync(parse.GetValue(listDataDir), cancellationToken));
        return new Command("network", "Manage guest networks") { create, createUser, list };
    }

    private static async Task<int> CreateProviderAsync(string? dataDir, string name, string bridge, string cidr, string pool, string? gateway,
        string[] dns, bool lanDhcp, bool external, CancellationToken cancellationToken)
    {
        var ends = pool.Split('-', 2, StringSplitOptions.TrimEntries);
        if (ends.Length != 2)
        {
            await Console.Error.WriteLineAsync($"appliance: --pool {pool} is not FIRST-LAST, e.g. 192.168.1.200-192.168.1.220");
            return 2;
        }

        await using var services = await DataDirCore.OpenAsync(dataDir, cancellationToken);
        if (services is null)
        {
            return 2;
        }

        var admin = await services.GetRequiredService<ProjectService>().FindAsync(IdentityBootstrap.AdminName, cancellationToken);
        try
        {
            var network = await services.GetRequiredService<ProviderNetworks>().CreateAsync(
                new NewProviderNetwork(name, admin?.Id ?? "", bridge, cidr, ends[0], ends[1]) { Gateway = gateway, DnsServers = dns, LanDhcp = lanDhcp, External = external },
                cancellationToken);
            Console.WriteLine($"Created network {network.Name} ({network.Id}) on bridge {network.Bridge}{(network.RouterExternal ? ", external (floating IPs)" : "")}");
            return 0;
        }
        catch (RequestRefusedException e)
        {
            await Console.Error.WriteLineAsync($"appliance: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> CreateUserAsync(string? dataDir, string name, string forwardAddress, int[] forwardPorts, string cidr,
        CancellationToken cancellationToken)
    {
        await using var services = await DataDirCore.OpenAsync(dataDir, cancellationToken);
        if (services is null)
        {
            return 2;
        }

        var admin = await services.GetRequiredService<ProjectService>().FindAsync(IdentityBootstrap.AdminName, cancellationToken);
        try
        {
            var network = await services.GetRequiredService<UserNetworks>().CreateAsync(
                new NewUserNetwork(name, admin?.Id ?? "")
                {
                    ForwardAddress = forwardAddress,
                    ForwardPorts = forwardPorts.Length > 0 ? forwardPorts : UserNetworks.DefaultForwardPorts,
                    Cidr = cidr,
                },
                cancellationToken);
            Console.WriteLine($"Created network {network.Name} ({network.Id}): user-mode, guest ports {string.Join(", ", network.ForwardPorts)} " +
                $"forwarded from {network.ForwardAddress}");
            return 0;
        }
        catch (RequestRefusedException e)
        {
            await Console.Error.WriteLineAsync($"appliance: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> ListAsync(string? dataDir, CancellationToken cancellationToken)
    {
        await using var services = await DataDirCore.OpenAsync(dataDir, cancellationToken);
        if (services is null)
        {
            return 2;
        }

        var networks = await services.GetRequiredService<NetworkOverview>().ListAsync("", isAdmin: true, cancellationToken);
        var rows = networks.Select(n => new[] { n.Id, n.Name, n.Kind, n.Cidr ?? "-", n.Bridge.Length == 0 ? "-" : n.Bridge, $"{n.AddressesUsed}/{n.PoolSize}" }).ToList();
        string[] header = ["ID", "Name", "Kind", "Subnet", "Bridge", "Used"];
        var widths = header.Select((title, column) => rows.Select(row => row[column].Length).Append(title.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        }

        return 0;
    }
}
