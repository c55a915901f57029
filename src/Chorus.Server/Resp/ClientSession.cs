using System.Net;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Resp;
using Chorus.Node;
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

    public string? Name { get; set; }

    public string? LibraryName { get; set; }

    public string? LibraryVersion { get; set; }

    public string LastCommand { get; set; } = "NULL";

    /// <summary>The log position after this client's latest write (what WAIT waits for).</summary>
    public Lsn LastWriteLsn { get; set; }

    /// <summary>Who this connection is authenticated as (null: nobody yet; every command but AUTH, HELLO and QUIT gets NOAUTH).</summary>
    public AclUser? User { get; set; }

    /// <summary>The <see cref="AccessControl.Version"/> <see cref="User"/> was looked up at.</summary>
    public long UserVersion { get; set; }

    /// <summary>Set by QUIT: reply, then close.</summary>
    public bool CloseRequested { get; set; }

    /// <summary>Bytes this connection's buffers hold (see <see cref="ClientRegistry.ReportBuffered"/>).</summary>
    public long BufferedBytes;

    /// <summary>Closes the connection at once, for the reason given (a client limit was passed).</summary>
    public Action<string> Evict { get; set; } = _ => { };

    /// <summary>A large request still arriving (see <see cref="QuerySpill"/>).</summary>
    public QuerySpill Spill { get; } = new();

    /// <summary>Parsed, not yet executed commands.</summary>
    public RequestBatch Requests { get; } = new();

    /// <summary>Reused for every group of write commands.</summary>
    public ClientWriteBatch Writes { get; } = new();

    public void Dispose()
    {
        Requests.Dispose();
        Writes.Dispose();
    }
}
