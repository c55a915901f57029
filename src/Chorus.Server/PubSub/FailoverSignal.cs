using System.Text;
using Chorus.Replication;

namespace Chorus.Server.PubSub;

/// <summary>
/// Tells Redis-aware clients that the leader changed, on the channel they listen to:
/// StackExchange.Redis subscribes to <c>__Booksleeve_MasterChanged</c> on every endpoint and, on
/// a message there, re-reads the topology at once instead of at its periodic check (60 s by
/// default). Every node publishes when it learns of a new leader, with the leader's client
/// endpoint as the message, so a client hears it from whichever nodes it can still reach.
/// <para>
/// The client ignores a broadcast while it is already re-reading the topology, and a re-read that
/// starts while a dead node is in the client's reconnect back-off waits for that node's next
/// connection attempt (StackExchange.Redis 3.4: 2.5–3.5 s after it lost the node, with its default
/// 5 s connect timeout). A broadcast that comes before the election is over therefore does harm:
/// the re-read it starts sees no primary, and it swallows the election's own broadcast. So only
/// the leader repeats the signal (<see cref="RepeatAfter"/>) — it is alive by definition, and its
/// repeats reach a client whose re-read was held up — and a node stops repeating the moment it
/// stops leading. Followers publish once, when they hear from a new leader.
/// </para>
/// <para>
/// Sentinel-aware clients get Redis Sentinel's <c>+switch-master</c> message too, once per change
/// of leader (docs/failover.md, "Sentinel-aware clients").
/// </para>
/// </summary>
internal sealed class FailoverSignal(PubSubHub hub, Sentinel.ClientAddressBook addresses, string masterName, TimeProvider clock) : IDisposable
{
    public const string Channel = "__Booksleeve_MasterChanged";

    /// <summary>
    /// When the leader publishes the signal again after it was elected: densely for the first
    /// seconds, when a client's held-up re-read ends (its reconnect back-off of the dead node), then
    /// sparsely up to a client's connect timeout and beyond.
    /// </summary>
    public static readonly TimeSpan[] RepeatAfter = [.. new[] { 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 8, 13, 21, 34 }.Select(TimeSpan.FromSeconds)];

    private readonly Lock _lock = new();
    private readonly List<ITimer> _timers = [];

    /// <summary>The node learned of a new leader (called on the node's loop).</summary>
    public void OnLeaderChanged(NodeStatus status)
    {
        var (leader, previous) = addresses.Learn(status);
        lock (_lock)
        {
            // Whatever changed, the last leader is no longer news: a node that stopped leading or
            // lost its leader must not announce it again.
            CancelTimers();
        }
        if (leader is null || status.Leader is null)
        {
            return;
        }
        var message = Encoding.UTF8.GetBytes(leader.Endpoint);
        var channel = Encoding.UTF8.GetBytes(Channel);
        hub.Publish(channel, message);
        if (previous is not null)
        {
            // Redis Sentinel's announcement, once per failover, as a Sentinel sends it.
            hub.Publish(SwitchMasterChannel, SwitchMasterMessage(masterName, previous.Endpoint, leader.Endpoint));
        }
        if (status.Leader != status.Self)
        {
            return;
        }
        lock (_lock)
        {
            foreach (var delay in RepeatAfter)
            {
                _timers.Add(clock.CreateTimer(_ => hub.Publish(channel, message), null, delay, Timeout.InfiniteTimeSpan));
            }
        }
    }

    /// <summary>Redis Sentinel's channel for a completed failover.</summary>
    public static readonly byte[] SwitchMasterChannel = "+switch-master"u8.ToArray();

    /// <summary><c>&lt;master name&gt; &lt;old ip&gt; &lt;old port&gt; &lt;new ip&gt; &lt;new port&gt;</c>, as Redis Sentinel publishes it.</summary>
    public static byte[] SwitchMasterMessage(string masterName, string oldEndpoint, string newEndpoint)
    {
        var (oldHost, oldPort) = Commands.InfoBuilder.SplitEndpoint(oldEndpoint);
        var (newHost, newPort) = Commands.InfoBuilder.SplitEndpoint(newEndpoint);
        return Encoding.UTF8.GetBytes($"{masterName} {oldHost} {oldPort} {newHost} {newPort}");
    }

    public void Dispose()
    {
        lock (_lock)
        {
            CancelTimers();
        }
    }

    private void CancelTimers()
    {
        _timers.ForEach(t => t.Dispose());
        _timers.Clear();
    }
}
