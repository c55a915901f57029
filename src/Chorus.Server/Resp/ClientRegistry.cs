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
    private readonly Lock _evicting = new();

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
        var counted = session.EvictedForMemory ? 0 : bytes;
        var previous = Interlocked.Exchange(ref session.BufferedBytes, counted);
        Interlocked.Add(ref _bufferedBytes, counted - previous);
        // The eviction may have run between the check and the exchange: take the report back.
        if (counted != 0 && session.EvictedForMemory)
        {
            ReportBuffered(session, 0);
        }
    }

    /// <summary>
    /// Redis's client eviction: while the connections' buffers hold more than
    /// <paramref name="limitBytes"/> (0: no limit), disconnects the one holding the most.
    /// </summary>
    /// <remarks>
    /// Every connection's loop calls this. One at a time, re-checking the total under the lock:
    /// otherwise a second caller that saw the total over the limit before the first evicted the
    /// biggest connection would then find the next biggest, a connection within its share, and
    /// close it too.
    /// </remarks>
    public void EvictOverLimit(long limitBytes)
    {
        if (limitBytes <= 0 || BufferedBytes <= limitBytes)
        {
            return;
        }
        lock (_evicting)
        {
            while (BufferedBytes > limitBytes)
            {
                var biggest = _sessions.Values.Where(s => !s.EvictedForMemory).MaxBy(s => Interlocked.Read(ref s.BufferedBytes));
                if (biggest is null || Interlocked.Read(ref biggest.BufferedBytes) == 0)
                {
                    return;
                }
                var held = BufferedBytes;
                biggest.EvictedForMemory = true;
                ReportBuffered(biggest, 0);
                CountEviction();
                biggest.Evict($"client memory limit: connections hold {held} bytes, more than maxmemory-clients ({limitBytes})");
            }
        }
    }
}
