using Chorus.Core;
using Chorus.Core.Versions;
using Chorus.Replication.Leaderless.Messages;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Sends this node's keys in some hash ranges to a peer, in chunks, under a rate limit (a token
/// bucket of <see cref="LeaderlessSettings.AntiEntropyKeysPerSecond"/>): the key exchange of
/// anti-entropy, and the streaming of a range to its new owner. One job at a time per peer and
/// session; jobs wait their turn rather than flood the network or the disk.
/// </summary>
internal sealed class RangeSender(LeaderlessContext context)
{
    /// <summary>Keys per <see cref="RangeKeys"/> message at most.</summary>
    public const int ChunkKeysMax = 256;

    /// <summary>Jobs waiting at most; more are dropped (anti-entropy tries again next pass).</summary>
    public const int JobsMax = 1024;

    private readonly Queue<Job> _jobs = new();
    private Job? _current;
    private bool _readInFlight;
    private double _tokens;
    private long _lastRefillMs = long.MinValue;

    public int Pending => _jobs.Count + (_current is null ? 0 : 1);

    /// <summary>Queues sending every key this node holds in <paramref name="ranges"/> to <paramref name="peer"/>.</summary>
    public bool Enqueue(NodeId peer, ulong session, IReadOnlyList<HashRange> ranges, bool sendYours)
    {
        if (_jobs.Count >= JobsMax || ranges.Count == 0)
        {
            return false;
        }
        _jobs.Enqueue(new Job(peer, session, ranges, sendYours));
        return true;
    }

    /// <summary>Refills the bucket and moves the jobs on, a chunk at a time, as far as the tokens allow.</summary>
    public void Tick()
    {
        var rate = context.Settings.AntiEntropyKeysPerSecond;
        if (_lastRefillMs != long.MinValue)
        {
            _tokens = Math.Min(rate, _tokens + ((context.NowMs - _lastRefillMs) * rate / 1000.0));
        }
        _lastRefillMs = context.NowMs;
        Continue();
    }

    /// <summary>Asks for the next chunk of the current job, while tokens last.</summary>
    private void Continue()
    {
        if (_readInFlight)
        {
            return;
        }
        _current ??= _jobs.TryDequeue(out var next) ? next : null;
        if (_current is not { } job || _tokens < 1)
        {
            return;
        }
        var range = job.Ranges[job.RangeIndex];
        var chunk = (int)Math.Min(ChunkKeysMax, _tokens);
        _readInFlight = true;
        context.ReadRange(job.NextHash ?? range.Start, range.End, chunk, (records, complete) => OnRead(job, records, complete));
    }

    private void OnRead(Job job, IReadOnlyList<StoredKeyVersions> records, bool complete)
    {
        _readInFlight = false;
        var keys = records.Select(r => (r.Key, KeyVersions.Encode(KeyVersions.FromRecord(r.Block, r.Body)))).ToList();
        _tokens -= keys.Count;
        context.Counters.KeysSent += keys.Count;
        if (records.Count > 0)
        {
            job.NextHash = KeyHash.Of(records[^1].Key) + 1;
        }
        var rangeDone = complete || job.NextHash >= job.Ranges[job.RangeIndex].End;
        var last = rangeDone && job.RangeIndex == job.Ranges.Count - 1;
        if (keys.Count > 0 || last)
        {
            context.Send(job.Peer, new RangeKeys(context.Config.Version, job.Session, job.Ranges, keys, last, last && job.SendYours));
        }
        if (rangeDone)
        {
            job.RangeIndex++;
            job.NextHash = null;
        }
        if (last)
        {
            _current = null;
        }
        Continue();
    }

    private sealed class Job(NodeId peer, ulong session, IReadOnlyList<HashRange> ranges, bool sendYours)
    {
        public NodeId Peer { get; } = peer;
        public ulong Session { get; } = session;
        public IReadOnlyList<HashRange> Ranges { get; } = ranges;
        public bool SendYours { get; } = sendYours;
        public int RangeIndex { get; set; }
        public ulong? NextHash { get; set; }
    }
}
