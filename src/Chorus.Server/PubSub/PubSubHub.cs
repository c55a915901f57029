using Chorus.Commands.Data.Keys;
using Chorus.Core;

namespace Chorus.Server.PubSub;

/// <summary>
/// This node's channels and patterns and who listens on them (Redis's pubsub_channels and
/// pubsub_patterns). The hub delivers to this node's subscribers only; <see cref="PubSubRelay"/>
/// passes a client's PUBLISH to the other nodes (docs/pubsub.md). Thread-safe; one lock, held while a message is queued
/// to each receiver (queuing never waits).
/// </summary>
internal sealed class PubSubHub
{
    private readonly Lock _lock = new();
    private readonly Dictionary<byte[], HashSet<Subscriber>> _channels = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], HashSet<Subscriber>> _patterns = new(ByteArrayComparer.Instance);

    /// <summary>Subscribes; returns the subscriber's channel and pattern count afterwards.</summary>
    public int Subscribe(Subscriber subscriber, byte[] channel, bool pattern)
    {
        lock (_lock)
        {
            var (index, own) = pattern ? (_patterns, subscriber.Patterns) : (_channels, subscriber.Channels);
            if (own.Add(channel))
            {
                if (!index.TryGetValue(channel, out var set))
                {
                    index[channel] = set = [];
                }
                set.Add(subscriber);
            }
            return subscriber.Count;
        }
    }

    /// <summary>Unsubscribes; returns the subscriber's count afterwards.</summary>
    public int Unsubscribe(Subscriber subscriber, byte[] channel, bool pattern)
    {
        lock (_lock)
        {
            var (index, own) = pattern ? (_patterns, subscriber.Patterns) : (_channels, subscriber.Channels);
            if (own.Remove(channel) && index.TryGetValue(channel, out var set))
            {
                set.Remove(subscriber);
                if (set.Count == 0)
                {
                    index.Remove(channel);
                }
            }
            return subscriber.Count;
        }
    }

    /// <summary>The subscriber's channels (or patterns), in no order: what a bare UNSUBSCRIBE removes.</summary>
    public List<byte[]> SubscriptionsOf(Subscriber subscriber, bool pattern)
    {
        lock (_lock)
        {
            return [.. pattern ? subscriber.Patterns : subscriber.Channels];
        }
    }

    /// <summary>The connection closed: every subscription goes.</summary>
    public void RemoveAll(Subscriber subscriber)
    {
        foreach (var channel in SubscriptionsOf(subscriber, pattern: false))
        {
            Unsubscribe(subscriber, channel, pattern: false);
        }
        foreach (var pattern in SubscriptionsOf(subscriber, pattern: true))
        {
            Unsubscribe(subscriber, pattern, pattern: true);
        }
    }

    /// <summary>PUBLISH: queues the message to every subscriber of the channel and of each matching pattern; returns how many receive it.</summary>
    public int Publish(byte[] channel, byte[] message)
    {
        var receivers = 0;
        lock (_lock)
        {
            if (_channels.TryGetValue(channel, out var subscribers))
            {
                foreach (var subscriber in subscribers)
                {
                    subscriber.Deliver(null, channel, message);
                    receivers++;
                }
            }
            foreach (var (pattern, set) in _patterns)
            {
                if (!GlobPattern.IsMatch(pattern, channel))
                {
                    continue;
                }
                foreach (var subscriber in set)
                {
                    subscriber.Deliver(pattern, channel, message);
                    receivers++;
                }
            }
        }
        return receivers;
    }

    /// <summary>PUBSUB CHANNELS [pattern]: channels with at least one subscriber.</summary>
    public List<byte[]> Channels(byte[]? pattern)
    {
        lock (_lock)
        {
            return [.. _channels.Keys.Where(c => pattern is null || GlobPattern.IsMatch(pattern, c))];
        }
    }

    /// <summary>PUBSUB NUMSUB: subscribers of one channel (patterns not counted, as in Redis).</summary>
    public int SubscriberCount(byte[] channel)
    {
        lock (_lock)
        {
            return _channels.TryGetValue(channel, out var set) ? set.Count : 0;
        }
    }

    /// <summary>PUBSUB NUMPAT: distinct patterns subscribed to.</summary>
    public int PatternCount
    {
        get
        {
            lock (_lock)
            {
                return _patterns.Count;
            }
        }
    }
}
