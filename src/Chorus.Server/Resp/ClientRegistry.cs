using System.Collections.Concurrent;

namespace Chorus.Server.Resp;

/// <summary>The connected clients, for CLIENT LIST, CLIENT ID and INFO clients.</summary>
internal sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<long, ClientSession> _sessions = new();
    private long _nextId;
    private long _totalConnections;

    public int Count => _sessions.Count;

    public long TotalConnections => Interlocked.Read(ref _totalConnections);

    public IEnumerable<ClientSession> All => _sessions.Values.OrderBy(s => s.Id);

    public long Register(ClientSession session)
    {
        var id = Interlocked.Increment(ref _nextId);
        Interlocked.Increment(ref _totalConnections);
        _sessions[id] = session;
        return id;
    }

    public void Unregister(long id) => _sessions.TryRemove(id, out _);
}
