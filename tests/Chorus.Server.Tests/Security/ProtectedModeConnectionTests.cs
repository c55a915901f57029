using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Chorus.Server.Configuration;
using Chorus.Server.Tests.Support;

namespace Chorus.Server.Tests.Security;

/// <summary>A node with no password that listens on every address (Host *), so clients can reach it from outside loopback.</summary>
public sealed class EveryAddressNode : SingleNode
{
    protected override void Configure(ChorusOptions options) => options.Host = "0.0.0.0";
}

/// <summary>
/// Issue 17, "What to build": protected mode, over real connections. With no password set, a
/// client whose address is not loopback gets Redis's `-DENIED …` explanation and is disconnected,
/// while a loopback client is served; switching protected mode off, or setting a password,
/// lets the remote client in (to AUTH, in the second case), as in Redis. The remote client is
/// this machine connecting from its own non-loopback address: the node decides "loopback" from
/// the connection's remote address (<see cref="Chorus.Server.Security.AccessControl.IsLoopback"/>),
/// and the kernel gives a socket bound to that address that very address as its source.
/// </summary>
public sealed class ProtectedModeConnectionTests(EveryAddressNode node) : IClassFixture<EveryAddressNode>
{
    [Fact]
    public async Task A_non_loopback_client_is_denied_until_protected_mode_is_off_or_a_password_is_set()
    {
        var remote = NonLoopbackAddress();
        if (remote is null)
        {
            Assert.Skip("this machine has no IPv4 address but loopback, so no client can reach the node from outside loopback; " +
                "protected mode's rule is covered by AclTests' unit test only");
        }

        using (var denied = await Raw.ConnectFromAsync(remote, node.Port))
        {
            var reply = await denied.LineAsync("PING");
            Assert.StartsWith("-DENIED Chorus is running in protected mode because protected mode is enabled and no password is set for the default user.", reply, StringComparison.Ordinal);
            await Assert.ThrowsAsync<IOException>(() => denied.ReadLineAsync()); // and the node closed the connection
        }
        using var local = await Raw.ConnectAsync(node.Port);
        Assert.Equal("+PONG", await local.LineAsync("PING"));

        Assert.Equal("+OK", await local.LineAsync("CONFIG", "SET", "protected-mode", "no"));
        using (var allowed = await Raw.ConnectFromAsync(remote, node.Port))
        {
            Assert.Equal("+PONG", await allowed.LineAsync("PING"));
            // The node saw this client at the non-loopback address: what it refused above was not a loopback client.
            Assert.Contains($"addr={remote}:", await allowed.BulkAsync("CLIENT", "INFO"), StringComparison.Ordinal);
        }

        Assert.Equal("+OK", await local.LineAsync("CONFIG", "SET", "protected-mode", "yes"));
        Assert.Equal("+OK", await local.LineAsync("CONFIG", "SET", "requirepass", "s3cret"));
        try
        {
            using var withPassword = await Raw.ConnectFromAsync(remote, node.Port);
            Assert.Equal("-NOAUTH Authentication required.", await withPassword.LineAsync("PING"));
            Assert.Equal("+OK", await withPassword.LineAsync("AUTH", "s3cret"));
            Assert.Equal("+PONG", await withPassword.LineAsync("PING"));
        }
        finally
        {
            // The fixture's own client connected without a password: leave the node as it was.
            Assert.Equal("+OK", await local.LineAsync("CONFIG", "SET", "requirepass", ""));
        }
    }

    /// <summary>An IPv4 address of this machine that is not loopback (an interface that is up, or whose state the platform does not report).</summary>
    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.NetworkInterfaceType != NetworkInterfaceType.Loopback && i.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
