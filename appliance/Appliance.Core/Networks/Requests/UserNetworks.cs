using System.Net;
using System.Net.Sockets;
using Appliance.Core.Servers;

namespace Appliance.Core.Networks;

/// <summary>
/// The admin's user-mode network (sandboxes, hosts where no bridge can be made): each guest has the hypervisor's user-mode
/// stack to itself, serving it one address of the subnet by DHCP, and is reached through TCP forwards from host ports on the
/// forward address (127.0.0.1 unless the admin names another) to the guest ports the network names.
/// </summary>
public sealed class UserNetworks(NetworkRepository repository)
{
    /// <summary>QEMU's SLIRP subnet; its gateway (the host) is .2 and its DNS .3, and it hands out addresses from .15.</summary>
    public const string DefaultCidr = "10.0.2.0/24";

    public const string DefaultForwardAddress = "127.0.0.1";

    public static readonly IReadOnlyList<int> DefaultForwardPorts = [22];

    private const int FirstGuestHost = 15;

    public async Task<NetworkRecord> CreateAsync(NewUserNetwork request, CancellationToken cancellationToken = default)
    {
        if (!IPAddress.TryParse(request.ForwardAddress, out var forwardAddress) || forwardAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new InvalidRequestException($"'{request.ForwardAddress}' is not an IPv4 address for the forwards to listen on, such as 127.0.0.1");
        }

        if (request.ForwardPorts.Count == 0 || request.ForwardPorts.Any(port => port is < 1 or > 65535))
        {
            throw new InvalidRequestException("the forwarded guest ports must be one or more TCP ports, 1-65535");
        }

        if (!Ipv4Cidr.TryParse(request.Cidr, out var cidr) || cidr.Value.PrefixLength > 24)
        {
            throw new InvalidRequestException($"'{request.Cidr}' is not an IPv4 subnet of /24 or larger, such as {DefaultCidr}");
        }

        if ((await repository.NetworksAsync(cancellationToken)).Any(n => n.Name == request.Name))
        {
            throw new AlreadyExistsException($"A network named {request.Name} exists already.");
        }

        var range = cidr.Value;
        var now = Timestamps.Now();
        var id = Guid.NewGuid().ToString();
        var network = new NetworkRecord
        {
            Id = id,
            Name = request.Name,
            ProjectId = request.ProjectId,
            Shared = true,
            Kind = NetworkKinds.User,
            Bridge = "",
            ForwardAddress = forwardAddress.ToString(),
            ForwardPorts = request.ForwardPorts.Distinct().Order().ToList(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var subnet = new SubnetRecord
        {
            Id = Guid.NewGuid().ToString(),
            NetworkId = id,
            ProjectId = request.ProjectId,
            Name = $"{request.Name}-subnet",
            Cidr = range.ToString(),
            // The user-mode stack's own: the host answers on .2 and relays DNS on .3.
            GatewayIp = Ipv4Cidr.Format(range.Network + 2),
            EnableDhcp = true,
            DnsNameservers = [Ipv4Cidr.Format(range.Network + 3)],
            AllocationPools = [new AllocationPool(Ipv4Cidr.Format(range.Network + FirstGuestHost), Ipv4Cidr.Format(range.LastHost))],
            CreatedAt = now,
            UpdatedAt = now,
        };
        await repository.CreateNetworkAsync(network, subnet, cancellationToken);
        return network;
    }
}

/// <summary>A user network to make: its name, where its forwards listen, and which guest ports they reach.</summary>
public sealed record NewUserNetwork(string Name, string ProjectId)
{
    public string ForwardAddress { get; init; } = UserNetworks.DefaultForwardAddress;

    public IReadOnlyList<int> ForwardPorts { get; init; } = UserNetworks.DefaultForwardPorts;

    public string Cidr { get; init; } = UserNetworks.DefaultCidr;
}
