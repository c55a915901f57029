using Chorus.Core;
using Chorus.Core.Messaging;

namespace Chorus.Server.Hosting;

/// <summary>
/// Keeps a node's peers hearing from it while its loop is busy with one long round. A leader that
/// stores a 31 MiB overwrite (a 62 MiB log entry plus the value: ~93 MB into RocksDB, with the
/// copies around it) spends 0.5–3 s in one round on a loaded two-core machine, more under heavy
/// load; the core sends nothing meanwhile, so followers whose election timeout (1–2 s) ran out
/// elected another leader. Here the host remembers, per peer, the latest message the core marked
/// <see cref="Envelope.KeepAlive"/> (a heartbeat, an acknowledgement) and, while a round has run
/// longer than a heartbeat interval, sends it again every heartbeat interval.
/// <para>
/// The core stays deterministic and decides every byte: a copy is a duplicate of a message it
/// sent, which its protocol tolerates (the simulator's network duplicates too). What changes is
/// only what "alive" means to a peer: the node's process runs and its loop makes progress, rather
/// than "it answered within an election timeout". Two limits keep a node that is in trouble from
/// hiding behind copies: a round longer than <see cref="BusyMsMax"/> gets no more copies (a stuck
/// loop is replaced as a dead one would be), and every remembered message is forgotten when the
/// node learns of another leader or stops leading (<see cref="Forget"/>), so a deposed leader never
/// keeps followers loyal to its old epoch.
/// </para>
/// Thread-safe: the loop records and forgets, a timer repeats.
/// </summary>
internal sealed class BusyLoopKeepAlive(Action<Envelope> send, int intervalMs)
{
    /// <summary>A round longer than this is a node in trouble, not a large write: its peers may give up on it.</summary>
    public const long BusyMsMax = 30_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<NodeId, (Envelope Message, long SentAtMs)> _latest = [];
    private long _roundStartedAtMs = -1;
    private long _repeats;

    /// <summary>Messages sent again so far; readable from any thread.</summary>
    public long Repeats => Interlocked.Read(ref _repeats);

    /// <summary>A message the core sent: a keep-alive one becomes the one to repeat to its peer.</summary>
    public void Record(Envelope message, long nowMs)
    {
        if (!message.KeepAlive)
        {
            return;
        }
        lock (_lock)
        {
            _latest[message.To] = (message, nowMs);
        }
    }

    /// <summary>The node's leader changed (or it stopped leading): what it said before may no longer be true.</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _latest.Clear();
        }
    }

    /// <summary>The loop began a round at <paramref name="nowMs"/>.</summary>
    public void RoundStarted(long nowMs) => Volatile.Write(ref _roundStartedAtMs, nowMs);

    /// <summary>The loop finished its round: it speaks for itself again.</summary>
    public void RoundEnded() => Volatile.Write(ref _roundStartedAtMs, -1);

    /// <summary>
    /// Called every few milliseconds from a timer: while the current round has run longer than a
    /// heartbeat interval (and not past <see cref="BusyMsMax"/>), sends each remembered message
    /// that was last sent a heartbeat interval ago or more. Returns how many it sent.
    /// </summary>
    public int RepeatDue(long nowMs)
    {
        var started = Volatile.Read(ref _roundStartedAtMs);
        if (started < 0 || nowMs - started < intervalMs || nowMs - started > BusyMsMax)
        {
            return 0;
        }
        List<Envelope> due = [];
        lock (_lock)
        {
            foreach (var (message, sentAtMs) in _latest.Values)
            {
                if (nowMs - sentAtMs >= intervalMs)
                {
                    due.Add(message);
                }
            }
            foreach (var message in due)
            {
                _latest[message.To] = (message, nowMs);
            }
            _repeats += due.Count;
        }
        foreach (var message in due)
        {
            send(message);
        }
        return due.Count;
    }
}
