using System.Buffers;
using System.Text;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Versions;
using Chorus.Replication.Leaderless.Messages;
using Set = Chorus.Core.Versions.DottedVersionVectorSet<Chorus.Core.Versions.VersionedValue>;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Hinted handoff (DDIA ch. 5, "Sloppy quorums and hinted handoff"): writes this node holds for
/// home replicas that were down — as a stand-in in a sloppy quorum, or as a coordinator whose
/// home replica never acknowledged. Hints are durable (node-local records, written before the
/// write they stand for is acknowledged), kept in memory as well, and handed to the home node
/// once it is heard from again; a hint is deleted only after the home confirms it stored it, and
/// only if nothing newer was added to it meanwhile.
/// <code>local key: 'h' | len+home | key      value: wire versions</code>
/// </summary>
internal sealed class HintStore(LeaderlessContext context)
{
    private static readonly byte[] Prefix = "h"u8.ToArray();
    private const int LoadChunkRecords = 4096;

    private readonly Dictionary<NodeId, Dictionary<byte[], Set>> _byHome = [];
    private readonly Dictionary<ulong, (NodeId Home, byte[] Key, Set Sent, long SentAtMs)> _inFlight = [];
    private readonly List<(NodeId Home, byte[] Key, Set Versions, Action<bool> Then)> _beforeLoad = [];
    private long _nextDeliveryMs;
    private long _rehomedUnderRing;

    /// <summary>Merges versions into this node's own store, then calls back in the Ready that stores them (a hint whose key this node now holds).</summary>
    public Action<byte[], Set, Action>? StoreHere { get; set; }

    /// <summary>Whether the hints stored before this start are back in memory (until then new hints wait).</summary>
    public bool Loaded { get; private set; }

    public int Count => _byHome.Values.Sum(h => h.Count);

    public IReadOnlyDictionary<NodeId, int> CountByHome => _byHome.Where(h => h.Value.Count > 0).ToDictionary(h => h.Key, h => h.Value.Count);

    /// <summary>Reads the stored hints back, in chunks.</summary>
    public void Load() => LoadFrom(null);

    /// <summary>Keeps <paramref name="versions"/> of <paramref name="key"/> for <paramref name="home"/>; <paramref name="then"/>(stored).</summary>
    public void Add(NodeId home, byte[] key, Set versions, Action<bool> then)
    {
        if (!Loaded)
        {
            _beforeLoad.Add((home, key, versions, then));
            return;
        }
        if (context.Settings.DropHints)
        {
            then(true); // BROKEN variant: acknowledged, never kept
            return;
        }
        var hints = HintsFor(home);
        var existing = hints.GetValueOrDefault(key);
        if (existing is null && Count >= context.Settings.HintsMax)
        {
            context.Counters.HintsRefused++;
            then(false);
            return;
        }
        var merged = existing is null ? versions : existing.Merge(versions);
        hints[key] = merged;
        context.Pending.LocalWrites.Add(new LocalWrite(LocalKey(home, key), KeyVersions.Encode(merged)));
        context.Counters.HintsStored++;
        then(true);
    }

    /// <summary>Every hint this node holds for <paramref name="key"/>, merged (a stand-in answering a read).</summary>
    public Set For(byte[] key)
    {
        var merged = KeyVersions.Empty;
        foreach (var hints in _byHome.Values)
        {
            if (hints.TryGetValue(key, out var versions))
            {
                merged = merged.Merge(versions);
            }
        }
        return merged;
    }

    /// <summary>Offers hints to the home nodes that are up, a bounded number at a time; retries what went unconfirmed.</summary>
    public void Tick()
    {
        if (!Loaded || context.NowMs < _nextDeliveryMs)
        {
            return;
        }
        _nextDeliveryMs = context.NowMs + context.Settings.HintDeliveryIntervalMs;
        RehomeAfterRingChange();
        foreach (var (id, sent) in _inFlight.Where(f => context.NowMs - f.Value.SentAtMs > context.Settings.RequestTimeoutMs).ToList())
        {
            _inFlight.Remove(id);
        }
        foreach (var (home, hints) in _byHome)
        {
            if (!context.IsUp(home) || !context.Ring.Nodes.Contains(home))
            {
                continue;
            }
            foreach (var (key, versions) in hints)
            {
                if (_inFlight.Count >= context.Settings.HintsInFlightMax)
                {
                    return;
                }
                if (_inFlight.Values.Any(f => f.Home == home && ByteArrayComparer.Instance.Equals(f.Key, key)))
                {
                    continue;
                }
                var id = context.NextRequestId();
                _inFlight[id] = (home, key, versions, context.NowMs);
                context.Send(home, new Store(context.Config.Version, id, key, KeyVersions.Encode(versions), null));
            }
        }
    }

    /// <summary>
    /// Once a membership change has completed (the old ring dropped), a hint whose home no longer
    /// holds the key — removed from the ring, or its range moved to another node — goes to the
    /// key's home replicas under the new ring instead: each one that is another node gets it as a
    /// hint of its own, and this node, if it is one of them, stores it. Otherwise a write that was
    /// acknowledged through a stand-in could reach the node that gained the range only by
    /// anti-entropy, and a hint for a removed node would wait forever. Moving the record and
    /// deleting the old one travel in the same Ready, so a crash keeps one or the other.
    /// </summary>
    private void RehomeAfterRingChange()
    {
        if (context.Previous is not null || context.Config.Version == _rehomedUnderRing)
        {
            return;
        }
        _rehomedUnderRing = context.Config.Version;
        foreach (var (home, hints) in _byHome.ToList())
        {
            foreach (var (key, versions) in hints.ToList())
            {
                var homes = context.Homes(KeyHash.Of(key), context.Settings.N);
                if (homes.Contains(home))
                {
                    continue;
                }
                hints.Remove(key);
                _inFlight.Where(f => f.Value.Home == home && ByteArrayComparer.Instance.Equals(f.Value.Key, key)).Select(f => f.Key).ToList().ForEach(id => _inFlight.Remove(id));
                context.Counters.HintsRehomed++;
                LocalWrite? forgetOld = new(LocalKey(home, key), null);
                if (homes.Contains(context.Self) && StoreHere is { } store)
                {
                    // Forgotten in the Ready that stores the versions here, never before.
                    var forget = forgetOld;
                    store(key, versions, () => context.Pending.LocalWrites.Add(forget));
                    forgetOld = null;
                }
                foreach (var target in homes.Where(h => h != context.Self))
                {
                    var targetHints = HintsFor(target);
                    var merged = targetHints.TryGetValue(key, out var existing) ? existing.Merge(versions) : versions;
                    targetHints[key] = merged;
                    context.Pending.LocalWrites.Add(new LocalWrite(LocalKey(target, key), KeyVersions.Encode(merged)));
                }
                if (forgetOld is not null)
                {
                    context.Pending.LocalWrites.Add(forgetOld);
                }
            }
        }
    }

    /// <summary>A home node confirmed a delivered hint: delete it, unless something newer was added since.</summary>
    public bool OnStored(NodeId from, Stored stored)
    {
        if (!_inFlight.Remove(stored.RequestId, out var delivery) || delivery.Home != from)
        {
            return false;
        }
        var hints = HintsFor(delivery.Home);
        if (hints.TryGetValue(delivery.Key, out var current) && current.SameVersionsAs(delivery.Sent))
        {
            hints.Remove(delivery.Key);
            context.Pending.LocalWrites.Add(new LocalWrite(LocalKey(delivery.Home, delivery.Key), null));
            context.Counters.HintsDelivered++;
        }
        return true;
    }

    /// <summary>
    /// Drops every hint for <paramref name="key"/> that a collected deletion with
    /// <paramref name="deletion"/> as its context superseded (each of its values has a dot the
    /// deletion saw); hints with a value the deletion did not see stay. Returns how many went.
    /// </summary>
    public int Prune(byte[] key, VersionVector deletion)
    {
        var pruned = 0;
        foreach (var (home, hints) in _byHome)
        {
            if (hints.TryGetValue(key, out var versions) && versions.Discard(deletion).SiblingCount == 0)
            {
                hints.Remove(key);
                context.Pending.LocalWrites.Add(new LocalWrite(LocalKey(home, key), null));
                pruned++;
            }
        }
        return pruned;
    }

    /// <summary>Deliver now rather than at the next interval (a home node came back).</summary>
    public void DeliverSoon() => _nextDeliveryMs = 0;

    private void LoadFrom(byte[]? after) =>
        context.ReadLocal(Prefix, after, LoadChunkRecords, records =>
        {
            foreach (var record in records)
            {
                if (TryParseKey(record.Key, out var home, out var key))
                {
                    HintsFor(home)[key] = KeyVersions.Decode(record.Value);
                }
            }
            if (records.Count == LoadChunkRecords)
            {
                LoadFrom(records[^1].Key);
                return;
            }
            Loaded = true;
            foreach (var (home, key, versions, then) in _beforeLoad)
            {
                Add(home, key, versions, then);
            }
            _beforeLoad.Clear();
        });

    private Dictionary<byte[], Set> HintsFor(NodeId home)
    {
        if (!_byHome.TryGetValue(home, out var hints))
        {
            hints = new Dictionary<byte[], Set>(ByteArrayComparer.Instance);
            _byHome[home] = hints;
        }
        return hints;
    }

    private static byte[] LocalKey(NodeId home, byte[] key)
    {
        var output = new ArrayBufferWriter<byte>(key.Length + home.Value.Length + 4);
        var writer = new ByteWriter(output);
        writer.WriteRaw(Prefix);
        writer.WriteLengthPrefixed(Encoding.ASCII.GetBytes(home.Value));
        writer.WriteRaw(key);
        return output.WrittenSpan.ToArray();
    }

    private static bool TryParseKey(byte[] localKey, out NodeId home, out byte[] key)
    {
        var reader = new ByteReader(localKey);
        reader.ReadRaw(Prefix.Length);
        var parsed = NodeId.TryParse(Encoding.ASCII.GetString(reader.ReadLengthPrefixed()), out home);
        key = reader.Rest.ToArray();
        return parsed;
    }
}
