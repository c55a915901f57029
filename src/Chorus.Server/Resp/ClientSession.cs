using System.Net;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Requests;
using Chorus.Resp;
using Chorus.Node;
using Chorus.Node.Sessions;
using Chorus.Server.Consistency;
using Chorus.Server.Security;

namespace Chorus.Server.Resp;

/// <summary>One client connection's state: protocol version, name, and what it has written.</summary>
internal sealed class ClientSession(EndPoint? remote, long connectedAtMs, ReadContext reads) : IDisposable
{
    /// <summary>This connection's read context (its own random source for SRANDMEMBER and friends).</summary>
    public ReadContext Reads { get; } = reads;

    public long Id { get; set; }

    public EndPoint? Remote { get; } = remote;

    public long ConnectedAtMs { get; } = connectedAtMs;

    public RespProtocol Protocol { get; set; } = RespProtocol.Resp2;

    /// <summary>The selected database (SELECT): reads and writes of this connection use it.</summary>
    public int Db
    {
        get => Reads.Db;
        set => Reads.Db = Writes.Db = value;
    }

    public string? Name { get; set; }

    public string? LibraryName { get; set; }

    public string? LibraryVersion { get; set; }

    public string LastCommand { get; set; } = "NULL";

    /// <summary>The log position after this client's latest write (what WAIT waits for, and read-your-writes).</summary>
    public Lsn LastWriteLsn { get => Position.Written; set => Position.Written = value; }

    /// <summary>Where this session stands: what it wrote and what it has read (its token).</summary>
    public SessionPosition Position { get; } = new();

    /// <summary>The named session this connection is bound to (CHORUS.SESSION), shared with its other connections and devices; null: none.</summary>
    public NamedSession? Bound { get; set; }

    /// <summary>The newest rollback notice of <see cref="Bound"/> this connection has been told.</summary>
    public long NoticesDelivered { get; set; }

    /// <summary>
    /// The entries this connection's latest write group made (zero: none, or it failed):
    /// <c>CHORUS.SESSION LASTWRITE</c> hands them to a client that names its session per command,
    /// so the leader can attribute exactly those LSNs to the session (rollback notices).
    /// </summary>
    public WriteGroup LastWriteGroup { get; set; }

    /// <summary>This connection's read guarantee (CHORUS.CONSISTENCY); eventual unless set.</summary>
    public ConsistencySettings Consistency { get; set; } = ConsistencySettings.Eventual;

    /// <summary>This connection's quorum settings (CHORUS.QUORUM), for a leaderless node's reads and writes.</summary>
    public QuorumOverrides Quorum { get; set; } = QuorumOverrides.None;
    /// <summary>Who this connection is authenticated as (null: nobody yet; every command but AUTH, HELLO and QUIT gets NOAUTH).</summary>
    public AclUser? User { get; set; }

    /// <summary>The <see cref="AccessControl.Version"/> <see cref="User"/> was looked up at.</summary>
    public long UserVersion { get; set; }

    /// <summary>Set by QUIT: reply, then close.</summary>
    public bool CloseRequested { get; set; }

    /// <summary>Bytes this connection's buffers hold (see <see cref="ClientRegistry.ReportBuffered"/>).</summary>
    public long BufferedBytes;

    /// <summary>
    /// Set when the client memory limit closed this connection. Its loop can still be running and
    /// reporting its buffers for a moment; from here on they count as nothing.
    /// </summary>
    public volatile bool EvictedForMemory;

    /// <summary>Closes the connection at once, for the reason given (a client limit was passed).</summary>
    public Action<string> Evict { get; set; } = _ => { };

    /// <summary>A large request still arriving (see <see cref="QuerySpill"/>).</summary>
    public QuerySpill Spill { get; } = new();

    /// <summary>Parsed, not yet executed commands.</summary>
    public RequestBatch Requests { get; } = new();

    /// <summary>Reused for every group of write commands.</summary>
    public ClientWriteBatch Writes { get; } = new();

    /// <summary>Serializes writes to the connection: command replies, and pub/sub messages from other connections.</summary>
    public SemaphoreSlim OutputLock { get; } = new(1, 1);

    /// <summary>The connection's output (set by the connection handler), where a subscriber's messages go.</summary>
    public System.IO.Pipelines.PipeWriter? Output { get; set; }

    /// <summary>Cancelled when the connection ends.</summary>
    public CancellationToken Closing { get; set; }

    /// <summary>Fires when the client's connection closes (its FIN or a reset): a blocked command stops waiting.</summary>
    public CancellationToken Disconnected { get; set; }

    /// <summary>Set at the first SUBSCRIBE or PSUBSCRIBE.</summary>
    public PubSub.Subscriber? Subscriber { get; private set; }

    /// <summary>Whether a RESP2 connection is in Redis's subscribed context (only (P)(UN)SUBSCRIBE, PING, QUIT run).</summary>
    public bool InSubscribedContext => Protocol == RespProtocol.Resp2 && Subscriber is { Count: > 0 };

    /// <summary>This connection's subscriber, created (with its message pump) on first use.</summary>
    public PubSub.Subscriber SubscriberFor(Commands.NodeServices node)
    {
        if (Subscriber is null)
        {
            Subscriber = new PubSub.Subscriber { Overflow = reason => Evict(reason) };
            if (Output is { } output)
            {
                _ = Subscriber.PumpAsync(output, OutputLock, Closing).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            }
        }
        return Subscriber;
    }

    /// <summary>MULTI ... EXEC, and WATCH.</summary>
    public SessionTransaction Transaction { get; } = new();

    public void Dispose()
    {
        Transaction.Dispose();
        Requests.Dispose();
        Writes.Dispose();
    }
}
