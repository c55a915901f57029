using System.Buffers.Binary;
using Chorus.Core;
using Chorus.Core.Versions;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Drops the copies this node keeps of key ranges it lost in a membership change (DDIA ch. 6,
/// "Rebalancing partitions": after the move, the old owner deletes what it handed over).
/// <para>
/// When it is safe: only after the handover of the ring this node runs has ended here — every node
/// that gained ranges said it received them all from the old holders, so the new owners hold every
/// acknowledged write — and a grace (<see cref="GraceMs"/>) later, so that requests still counting
/// joint quorums under the old ring, their retries and read repairs are over. Hints are node-local
/// records, not data, and are left alone; a read still asking this node under the old ring meets
/// its quorum in the new replica sets too, which hold the keys.
/// </para>
/// <para>
/// How: the ring version whose handover ended is recorded durably (a node-local record) when it
/// ends; then a sweep scans the data in hash order, a chunk per tick, and deletes every key this
/// node is not a home replica of under that ring. Each deletion is an ordinary collected-key image
/// in the node's own log, applied in the same atomic batch as the entry, so a crash never leaves a
/// half-applied chunk, and the expiry index goes with the record. After a restart the recorded
/// version equals the ring's and the sweep is not marked done, so it runs again from the start and
/// finishes what a crash interrupted (keys already dropped are simply not found). Once every
/// deletion of a finished sweep is stored, the record says so (written after them, in order), and
/// later restarts do not scan again. Deleting key by key rather than with
/// one storage range delete keeps the expiry index (ordered by time, not hash) right and gives an
/// exact count; the price is an image per dropped key in the node's own log, which retention
/// trims like any other entry.
/// </para>
/// <para>
/// What it does not catch: a write or repair still travelling under the old ring that stores a key
/// here after the sweep passed it keeps that copy (space, not correctness, as before); a node that
/// restarts during a handover forgets the old ring, never sees the handover end, and keeps its
/// copies until a later change ends here.
/// </para>
/// <code>local key: 'r'   value: u64 big-endian ring version whose handover ended | u8 swept (0: due, 1: done)</code>
/// </summary>
internal sealed class RangeDropper(LeaderlessContext context, VersionStore store)
{
    private static readonly byte[] LocalKey = "r"u8.ToArray();

    /// <summary>Records a sweep reads per tick: bounds one loop round's work.</summary>
    public const int ChunkRecords = 256;

    private long? _sweepVersion;
    private long _sweepStartMs;
    private ulong _nextHash;
    private bool _readInFlight;
    private int _deletesOutstanding;
    private bool _scanned;
    private int _generation;

    /// <summary>How long after the handover ends the sweep waits: requests under the old ring, their retries and repairs must be over.</summary>
    public long GraceMs => (context.Settings.RequestTimeoutMs * 2) + context.Settings.RetryIntervalMs;

    /// <summary>Whether a sweep is due or running.</summary>
    public bool Dropping => _sweepVersion is not null;

    /// <summary>At start: if the recorded handover is the current ring's, a sweep (perhaps cut short by a crash) runs again.</summary>
    public void Load() =>
        context.ReadLocal(LocalKey, null, 1, records =>
        {
            if (records.Count == 1 && records[0].Key.AsSpan().SequenceEqual(LocalKey) && records[0].Value.Length == 9)
            {
                var version = (long)BinaryPrimitives.ReadUInt64BigEndian(records[0].Value);
                if (version == context.Config.Version && records[0].Value[8] == 0)
                {
                    Schedule(version);
                }
            }
        });

    /// <summary>The handover of the current ring ended at this node: record it durably, then sweep after the grace.</summary>
    public void HandoverEnded()
    {
        Record(context.Config.Version, swept: false);
        Schedule(context.Config.Version);
    }

    private void Record(long version, bool swept)
    {
        var value = new byte[9];
        BinaryPrimitives.WriteUInt64BigEndian(value, (ulong)version);
        value[8] = swept ? (byte)1 : (byte)0;
        context.Pending.LocalWrites.Add(new LocalWrite(LocalKey, value));
    }

    /// <summary>A new ring was adopted: a sweep under the old one stops (the new handover decides again).</summary>
    public void RingChanged()
    {
        if (_sweepVersion is { } version && version != context.Config.Version)
        {
            Stop();
        }
    }

    public void Tick()
    {
        if (_sweepVersion is not { } version || _readInFlight || _deletesOutstanding > 0 || context.NowMs < _sweepStartMs)
        {
            return;
        }
        if (version != context.Config.Version || context.Previous is not null || !context.IsMember)
        {
            Stop(); // another change began, or this node left the ring (a removed node keeps its copies)
            return;
        }
        if (_scanned)
        {
            // No deletion is outstanding: their images are in an earlier Ready or in this one, and a
            // Ready stores its log entries before its local records, so this record never says
            // done before they are stored.
            context.Counters.RangeSweepsCompleted++;
            context.Pending.Notices.Add(new LogNotice($"{context.Self}: dropped the copies of ranges it no longer holds under ring v{version} ({context.Counters.KeysDropped} keys dropped since start)"));
            Record(version, swept: true);
            Stop();
            return;
        }
        _readInFlight = true;
        var generation = _generation;
        context.ReadRange(_nextHash, KeyHash.SpaceEnd, ChunkRecords, (records, complete) => OnChunk(generation, records, complete));
    }

    private void Schedule(long version)
    {
        _generation++;
        _sweepVersion = version;
        _sweepStartMs = context.NowMs + GraceMs;
        _nextHash = 0;
        _readInFlight = false;
        _deletesOutstanding = 0;
        _scanned = false;
    }

    private void Stop()
    {
        _generation++;
        _sweepVersion = null;
        _readInFlight = false;
        _deletesOutstanding = 0;
    }

    private void OnChunk(int generation, IReadOnlyList<StoredKeyVersions> records, bool complete)
    {
        if (generation != _generation)
        {
            return;
        }
        _readInFlight = false;
        foreach (var record in records)
        {
            var hash = KeyHash.Of(record.Key);
            // Keys sharing the last hash of a full chunk (a 63-bit collision) are read again by the next chunk: harmless.
            _nextHash = hash + 1;
            if (context.Ring.PreferenceList(hash, context.Settings.N).Contains(context.Self))
            {
                continue;
            }
            _deletesOutstanding++;
            // Decided again when the key's stored state is in hand: a ring adopted meanwhile keeps it.
            store.Change(record.Key, current => generation == _generation && !current.IsEmpty ? KeyVersions.Empty : current, (before, after) =>
            {
                if (generation != _generation)
                {
                    return;
                }
                _deletesOutstanding--;
                if (!before.IsEmpty && after.IsEmpty)
                {
                    context.Counters.KeysDropped++;
                }
            });
        }
        _scanned = complete || _nextHash >= KeyHash.SpaceEnd || records.Count == 0;
    }
}
