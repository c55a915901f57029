using System.Collections.Concurrent;

namespace Chorus.Server.Resp;

/// <summary>The connected clients, for maxclients, the client memory limit, CLIENT LIST, CLIENT ID and INFO clients.</summary>
internal sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<long, ClientSession> _sessions = new();
    private long _nextId;
    private long _totalConnections;
    private int _count;
    private long _bufferedBytes;
    private long _rejected;
    private long _evicted;

    /// <summary>Connections refused because maxclients were connected.</summary>
    public long RejectedConnections => Interlocked.Read(ref _rejected);

    /// <summary>Connections closed for passing a client limit (maxmemory-clients, output buffer).</summary>
    public long EvictedClients => Interlocked.Read(ref _evicted);

    public int Count => Volatile.Read(ref _count);

    public long TotalConnections => Interlocked.Read(ref _totalConnections);

    /// <summary>What every connection's buffers hold together (Redis's maxmemory-clients counts this).</summary>
    public long BufferedBytes => Interlocked.Read(ref _bufferedBytes);

    public IEnumerable<ClientSession> All => _sessions.Values.OrderBy(s => s.Id);

    /// <summary>Admits <paramref name="session"/> unless <paramref name="maxClients"/> are connected already.</summary>
    public bool TryRegister(ClientSession session, int maxClients)
    {
        Interlocked.Increment(ref _totalConnections);
        if (Interlocked.Increment(ref _count) > maxClients)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _rejected);
            return false;
        }
        session.Id = Interlocked.Increment(ref _nextId);
        _sessions[session.Id] = session;
        return true;
    }

    public void Unregister(ClientSession session)
    {
        if (_sessions.TryRemove(session.Id, out _))
        {
            Interlocked.Decrement(ref _count);
        }
        ReportBuffered(session, 0);
    }

    public void CountEviction() => Interlocked.Increment(ref _evicted);

    /// <summary>Records that <paramref name="session"/>'s buffers now hold <paramref name="bytes"/>.</summary>
    public void ReportBuffered(ClientSession session, long bytes)
    {
        var previous = Interlocked.Exchange(ref session.BufferedBytes, bytes);
        Interlocked.Add(ref _bufferedBytes, bytes - previous);
    }

    /// <summary>
    /// Redis's client eviction: while the connections' buffers hold more than
    /// <paramref name="limitBytes"/> (0: no limit), disconnects the one holding the most.
    /// </summary>
    public void EvictOverLimit(long limitBytes)
    {
        while (limitBytes > 0 && BufferedBytes > limitBytes)
        {
            var biggest = _sessions.Values.MaxBy(s => Interlocked.Read(ref s.BufferedBytes));
            if (biggest is null || Interlocked.Read(ref biggest.BufferedBytes) == 0)
            {
                return;
            }
            CountEviction();
            biggest.Evict($"client memory limit: connections hold {BufferedBytes} bytes, more than maxmemory-clients ({limitBytes})");
            ReportBuffered(biggest, 0);
        }
    }
}
