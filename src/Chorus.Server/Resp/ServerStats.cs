namespace Chorus.Server.Resp;

/// <summary>Counters INFO stats reports. Updated with interlocked operations from every connection.</summary>
internal sealed class ServerStats
{
    private long _commands;
    private long _errors;

    public long CommandsProcessed => Interlocked.Read(ref _commands);

    public long ErrorReplies => Interlocked.Read(ref _errors);

    public void CountCommands(int count) => Interlocked.Add(ref _commands, count);

    public void CountError() => Interlocked.Increment(ref _errors);

    private long _forwardedReads;

    /// <summary>Reads this follower had the leader serve (a read-your-writes strategy, or ONTIMEOUT forward).</summary>
    public long ForwardedReads => Interlocked.Read(ref _forwardedReads);

    public void CountForwardedRead() => Interlocked.Increment(ref _forwardedReads);
}
