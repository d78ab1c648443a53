using System.Net;
using System.Net.Sockets;

namespace Appliance.Core.Networks;

/// <summary>The host port a new forward listens on: the first in the range that no forward holds and nothing on the host is bound to.</summary>
internal static class ForwardPortPicker
{
    public static int Pick(IReadOnlySet<int> held, int first, int last, string address, Func<string, int, bool> isFree)
    {
        for (var port = first; port <= last; port++)
        {
            if (!held.Contains(port) && isFree(address, port))
            {
                return port;
            }
        }

        throw new PoolExhaustedException($"No host port is free for a forward on {address} in {first}-{last}.");
    }

    /// <summary>Whether a listener could bind address:port now: nothing else on the host holds it.</summary>
    public static bool IsFreeOnHost(string address, int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Parse(address), port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
