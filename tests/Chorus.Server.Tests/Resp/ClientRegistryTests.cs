using Chorus.Commands.Execution;
using Chorus.Server.Resp;
using Chorus.Storage.InMemory;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// maxmemory-clients bookkeeping (issue 17). An evicted connection's loop keeps running for a
/// moment and can report its buffers again; that report used to count, so the total stayed over
/// the limit and a concurrent caller could close a connection within its share.
/// </summary>
public sealed class ClientRegistryTests
{
    private const long Limit = 32 << 20;
    private readonly ClientRegistry _clients = new();

    [Fact]
    public void The_connection_holding_the_most_is_closed_once_and_its_later_reports_count_nothing()
    {
        var closed = new List<string>();
        var small = Session("small", closed);
        var big = Session("big", closed);

        _clients.ReportBuffered(small, 5 << 20);
        _clients.EvictOverLimit(Limit);
        _clients.ReportBuffered(big, 40 << 20);
        _clients.EvictOverLimit(Limit);
        Assert.Equal(["big"], closed);
        Assert.Equal(5 << 20, _clients.BufferedBytes);

        // The evicted loop's last reports, before it sees the abort.
        _clients.ReportBuffered(big, 44 << 20);
        _clients.EvictOverLimit(Limit);
        _clients.ReportBuffered(small, 6 << 20);
        _clients.EvictOverLimit(Limit);

        Assert.Equal(["big"], closed);
        Assert.Equal(6 << 20, _clients.BufferedBytes);
        Assert.Equal(1, _clients.EvictedClients);
        _clients.Unregister(big);
        _clients.Unregister(small);
        Assert.Equal(0, _clients.BufferedBytes);
    }

    [Fact]
    public void Without_a_limit_nothing_is_closed()
    {
        var closed = new List<string>();
        var session = Session("any", closed);
        _clients.ReportBuffered(session, 1L << 40);
        _clients.EvictOverLimit(0);
        Assert.Empty(closed);
        Assert.Equal(1L << 40, _clients.BufferedBytes);
    }

    private ClientSession Session(string name, List<string> closed)
    {
        var session = new ClientSession(null, 0, new ReadContext(new InMemoryStorageEngine()))
        {
            Evict = _ => closed.Add(name),
        };
        Assert.True(_clients.TryRegister(session, 100));
        return session;
    }
}
