using System.Net;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Requests;
using Chorus.Resp;
using Chorus.Node;

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

    /// <summary>This connection's quorum settings (CHORUS.QUORUM), for a leaderless node's reads and writes.</summary>
    public QuorumOverrides Quorum { get; set; } = QuorumOverrides.None;

    /// <summary>Set by QUIT: reply, then close.</summary>
    public bool CloseRequested { get; set; }

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
