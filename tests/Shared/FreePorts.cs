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
}
