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
}
