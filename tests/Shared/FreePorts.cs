using System.Net;
using System.Net.Sockets;

namespace Chorus.Testing;

/// <summary>Loopback ports for the servers a test starts.</summary>
internal static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port nothing listens on now, and never one handed out before in this test process: the
    /// OS may give a just-released port again, and two servers given the same port made a node
    /// fail to bind (seen under load: n3's HTTP port was n2's peer port).
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>
    /// A base port for `chorus cluster up --port` with <paramref name="nodes"/> nodes: each node's
    /// RESP port (base + i), peer port (+10000) and HTTP port (+20000) are free now.
    /// </summary>
    public static int BaseFor(int nodes)
    {
        var random = new Random();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var candidate = random.Next(12000, 40000);
            if (Enumerable.Range(0, nodes).SelectMany(i => new[] { candidate + i, candidate + i + 10000, candidate + i + 20000 }).All(IsFree))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("no free ports for a local cluster");
    }

    /// <summary>Whether nothing listens on <paramref name="port"/> (loopback) now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
