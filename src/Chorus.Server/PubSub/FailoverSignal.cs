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
/// The client ignores a broadcast while it is already re-reading the topology — which it usually
/// is right after losing the old leader, before the election is over — so the signal is repeated
/// on a schedule (<see cref="RepeatAfter"/>) until the next change; each repeat costs the client
/// one topology read.
/// </para>
/// </summary>
internal sealed class FailoverSignal(PubSubHub hub, TimeProvider clock) : IDisposable
{
    public const string Channel = "__Booksleeve_MasterChanged";

    /// <summary>When the signal is published again after a change (a client's reconfiguration takes up to its connect timeout, 5 s by default).</summary>
    public static readonly TimeSpan[] RepeatAfter = [.. new[] { 0.5, 1, 2, 3, 5, 8, 13, 21, 34 }.Select(TimeSpan.FromSeconds)];

    private readonly Lock _lock = new();
    private readonly List<ITimer> _timers = [];

    /// <summary>The node learned of a new leader (called on the node's loop).</summary>
    public void OnLeaderChanged(NodeStatus status)
    {
        if (status.Leader is not { } leader)
        {
            return;
        }
        var endpoint = status.Settings.Find(leader)?.ClientEndpoint;
        endpoint = string.IsNullOrEmpty(endpoint) ? status.Link?.LeaderClientEndpoint : endpoint;
        var message = Encoding.UTF8.GetBytes(string.IsNullOrEmpty(endpoint) ? leader.Value : endpoint);
        var channel = Encoding.UTF8.GetBytes(Channel);
        hub.Publish(channel, message);
        lock (_lock)
        {
            CancelTimers();
            foreach (var delay in RepeatAfter)
            {
                _timers.Add(clock.CreateTimer(_ => hub.Publish(channel, message), null, delay, Timeout.InfiniteTimeSpan));
            }
        }
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
