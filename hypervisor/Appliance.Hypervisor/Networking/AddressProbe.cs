using System.Net;
using System.Net.NetworkInformation;

namespace Appliance.Hypervisor.Networking;

/// <summary>Which of some guest addresses answer now: what Nova's os-fping asked of fping.</summary>
public interface IAddressProbe
{
    Task<IReadOnlySet<string>> AliveAsync(IReadOnlyCollection<string> addresses, CancellationToken cancellationToken = default);
}

/// <summary>
/// One ICMP echo to each address at once, each given <see cref="Timeout"/> to answer (fping's default wait is 500 ms, with
/// retries); an address that cannot be pinged at all counts as not alive, as fping reports it unreachable.
/// </summary>
public sealed class PingAddressProbe : IAddressProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public async Task<IReadOnlySet<string>> AliveAsync(IReadOnlyCollection<string> addresses, CancellationToken cancellationToken = default)
    {
        var answers = await Task.WhenAll(addresses.Distinct(StringComparer.Ordinal).Select(async address => (address, alive: await AnswersAsync(address, cancellationToken))));
        return answers.Where(answer => answer.alive).Select(answer => answer.address).ToHashSet(StringComparer.Ordinal);
    }

    private static async Task<bool> AnswersAsync(string address, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return false;
        }

        using var ping = new Ping();
        try
        {
            return (await ping.SendPingAsync(ip, Timeout, cancellationToken: cancellationToken)).Status == IPStatus.Success;
        }
        catch (PingException)
        {
            return false;
        }
    }
}
