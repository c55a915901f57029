using System.Diagnostics;
using System.Globalization;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// Hosts of their own on one machine: a Linux network namespace per node, each with a real
/// address on a bridge (10.77.S.1, .2, ...), reached by the tests from the bridge's address
/// (10.77.S.254) — not loopback. Partitions are blackhole routes inside the namespaces, so the
/// nodes lose each other while the tests can still reach every one. Needs root (CAP_NET_ADMIN)
/// and iproute2's `ip`; <see cref="TryCreateAsync"/> says why when the machine does not allow it.
/// </summary>
internal sealed class NetworkNamespaces : IAsyncDisposable
{
    private readonly string _prefix;
    private readonly int _subnet;
    private readonly List<string> _created = [];
    private bool _bridge;

    private NetworkNamespaces(int size, string prefix, int subnet) => (Size, _prefix, _subnet) = (size, prefix, subnet);

    public int Size { get; }

    public string Address(int node) => $"10.77.{Text(_subnet)}.{Text(node)}";

    private string Namespace(int node) => $"{_prefix}n{Text(node)}";

    private string Bridge => $"{_prefix}br";

    /// <summary>The command prefix that runs a program inside node <paramref name="node"/>'s namespace.</summary>
    public IReadOnlyList<string> Launcher(int node) => ["ip", "netns", "exec", Namespace(node)];

    /// <summary>Creates the namespaces, or returns why this machine cannot (no root, no `ip`, namespaces forbidden).</summary>
    public static async Task<(NetworkNamespaces? Network, string? Why)> TryCreateAsync(int size)
    {
        // Short names: interface names are at most 15 characters. A random tag and subnet keep
        // concurrent test runs on one machine apart.
        var tag = Guid.NewGuid().ToString("N")[..5];
        var network = new NetworkNamespaces(size, "ch" + tag, Random.Shared.Next(1, 250));
        try
        {
            await network.CreateAsync();
            return (network, null);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            await network.DisposeAsync();
            return (null, e.Message);
        }
    }

    private async Task CreateAsync()
    {
        await RunAsync("ip", "link", "add", Bridge, "type", "bridge");
        _bridge = true;
        await RunAsync("ip", "addr", "add", $"10.77.{Text(_subnet)}.254/24", "dev", Bridge);
        await RunAsync("ip", "link", "set", Bridge, "up");
        for (var node = 1; node <= Size; node++)
        {
            var ns = Namespace(node);
            var outside = $"{_prefix}{Text(node)}h";
            var inside = $"{_prefix}{Text(node)}n";
            await RunAsync("ip", "netns", "add", ns);
            _created.Add(ns);
            await RunAsync("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
            await RunAsync("ip", "link", "set", outside, "master", Bridge);
            await RunAsync("ip", "link", "set", outside, "up");
            await RunAsync("ip", "link", "set", inside, "netns", ns);
            await InAsync(node, "ip", "link", "set", "lo", "up");
            await InAsync(node, "ip", "link", "set", inside, "name", "eth0");
            await InAsync(node, "ip", "addr", "add", Address(node) + "/24", "dev", "eth0");
            await InAsync(node, "ip", "link", "set", "eth0", "up");
        }
    }

    /// <summary>Cuts <paramref name="node"/> off from every other node, both ways; the tests' own address still reaches it.</summary>
    public Task IsolateAsync(int node) => BlackholesAsync(node, "add");

    public Task HealAsync(int node) => BlackholesAsync(node, "del");

    /// <summary>Adds or deletes the blackhole routes between <paramref name="node"/> and every other node, on both sides.</summary>
    private async Task BlackholesAsync(int node, string action)
    {
        foreach (var other in Enumerable.Range(1, Size).Where(n => n != node))
        {
            await InAsync(node, "ip", "route", action, "blackhole", Address(other) + "/32");
            await InAsync(other, "ip", "route", action, "blackhole", Address(node) + "/32");
        }
    }

    /// <summary>Delays every packet <paramref name="node"/> sends by <paramref name="delayMs"/> (tc netem); false when the kernel has no netem.</summary>
    public async Task<bool> TryAddLatencyAsync(int node, int delayMs)
    {
        try
        {
            await InAsync(node, "tc", "qdisc", "add", "dev", "eth0", "root", "netem", "delay", Text(delayMs) + "ms");
            return true;
        }
        catch (InvalidOperationException e) when (e.Message.Contains("qdisc kind is unknown", StringComparison.Ordinal))
        {
            return false;
        }
    }

    private Task InAsync(int node, params string[] command) => RunAsync(["ip", "netns", "exec", Namespace(node), .. command]);

    private static async Task RunAsync(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        _ = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{string.Join(' ', command)}` failed ({process.ExitCode}): {(await errors).Trim()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var ns in _created)
        {
            await TryAsync("ip", "netns", "del", ns); // takes its veth ends, and so their peers, with it
        }
        if (_bridge)
        {
            await TryAsync("ip", "link", "del", Bridge);
        }
    }

    private static async Task TryAsync(params string[] command)
    {
        try
        {
            await RunAsync(command);
        }
        catch (InvalidOperationException)
        {
            // best effort: what is left is removed with the machine
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
