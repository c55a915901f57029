using Chorus.Node;
using Chorus.Resp;

namespace Chorus.Server.Resp;

/// <summary>
/// A connection's MULTI state: the queued commands, whether one was refused while queuing
/// (EXEC then answers EXECABORT and applies nothing), and its WATCHed keys.
/// </summary>
internal sealed class SessionTransaction : IDisposable
{
    /// <summary>Between MULTI and EXEC or DISCARD.</summary>
    public bool Active { get; private set; }

    /// <summary>A command was refused while queuing (unknown, wrong arity, not permitted, too large).</summary>
    public bool Refused { get; set; }

    /// <summary>Whether a queued command writes (then the transaction runs on the leader).</summary>
    public bool Writes { get; private set; }

    public RequestBatch Queued { get; } = new();

    public WatchSet Watch { get; } = new();

    public void Begin() => Active = true;

    public void Queue(RespCommand command, bool writes)
    {
        Queued.AddFrom(command);
        Writes |= writes;
    }

    /// <summary>EXEC ran or DISCARD: the queue is emptied and every key unwatched.</summary>
    public void End(KeyWatches watches)
    {
        Active = Refused = Writes = false;
        Queued.Clear();
        watches.Unwatch(Watch);
    }

    public void Dispose() => Queued.Dispose();
}
