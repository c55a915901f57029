using System.Net.Sockets;
using System.Text;
using Chorus.Client;
using Chorus.Resp;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab;

/// <summary>
/// One client session of a lab run (a user, a service): a RESP connection per node it talks
/// to, every command recorded as an <see cref="Operation"/> of the session. A command that gets
/// no reply in time, or whose connection breaks, is recorded as it is: a write may or may not
/// have happened (indeterminate), a read did nothing (failed). The connection is then replaced.
/// </summary>
internal sealed class LabSession(string name, LabCluster cluster, LabRecorder recorder) : IAsyncDisposable
{
    private readonly Dictionary<string, RespConnection> _connections = new(StringComparer.Ordinal);
    private int _sessionIndex;

    public string Name { get; } = name;

    /// <summary>The token CHORUS.TOKEN returned after the last command that asked for one.</summary>
    public string? Token { get; private set; }

    /// <summary>
    /// Runs <paramref name="command"/> at <paramref name="node"/> and records it as an operation of
    /// <paramref name="kind"/> on <paramref name="key"/>; with <paramref name="withToken"/>,
    /// CHORUS.TOKEN follows in the same pipeline and <see cref="Token"/> keeps its answer.
    /// </summary>
    public Task<Operation> RunAsync(string node, OpKind kind, string key, string? value, string[] command, TimeSpan timeout, CancellationToken cancellationToken, bool withToken = false) =>
        RunAsync(node, kind, [key], value, command, timeout, cancellationToken, withToken);

    /// <summary>As above, for an operation on several keys (MGET: a <see cref="OpKind.MultiRead"/>, one value per key).</summary>
    public async Task<Operation> RunAsync(string node, OpKind kind, IReadOnlyList<string> keys, string? value, string[] command, TimeSpan timeout, CancellationToken cancellationToken, bool withToken = false)
    {
        var id = recorder.NextId();
        var index = _sessionIndex++;
        var invokedUs = recorder.NowUs;
        RespValue? reply = null;
        string? failure = null;
        var sent = false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var connection = await ConnectionAsync(node, timeout, deadline.Token);
            sent = true;
            if (withToken)
            {
                var replies = await connection.PipelineAsync([Bytes(command), Bytes(["CHORUS.TOKEN"])], deadline.Token);
                reply = replies[0];
                Token = replies[1].IsError ? Token : replies[1].AsString();
            }
            else
            {
                reply = await connection.CommandAsync(deadline.Token, command);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            failure = e is OperationCanceledException ? $"no reply within {timeout.TotalMilliseconds:0} ms" : e.Message;
            await DropAsync(node);
        }
        var operation = Describe(id, index, kind, keys, value, invokedUs, recorder.NowUs, node, reply, failure, sent);
        recorder.Add(operation);
        return operation;
    }

    private Operation Describe(int id, int index, OpKind kind, IReadOnlyList<string> keys, string? value, long invokedUs, long completedUs, string node, RespValue? reply, string? failure, bool sent)
    {
        var write = kind is not (OpKind.Read or OpKind.MultiRead);
        // Not connected: the command never left. Sent without a reply: a write may have happened.
        var outcome = reply is null
            ? write && sent ? OpOutcome.Indeterminate : OpOutcome.Failed
            : !reply.IsError ? OpOutcome.Ok
            // NOREPLICAS: applied at the leader, not confirmed by enough followers — it may survive or not.
            : write && reply.AsString()!.StartsWith("NOREPLICAS", StringComparison.Ordinal) ? OpOutcome.Indeterminate
            : OpOutcome.Failed;
        var operation = new Operation(id, Name, index, kind, keys, value, invokedUs, completedUs, outcome, node)
        {
            Error = failure ?? (reply is { IsError: true } ? reply.AsString() : null),
        };
        if (outcome != OpOutcome.Ok)
        {
            return operation;
        }
        return kind switch
        {
            OpKind.Read => operation with { Values = [reply!.IsNull ? null : reply.AsString()] },
            OpKind.MultiRead => operation with { Values = [.. reply!.Items!.Select(item => item.IsNull ? null : item.AsString())] },
            OpKind.Append or OpKind.Increment => operation with { Integer = reply!.Integer },
            _ => operation,
        };
    }

    private async Task<RespConnection> ConnectionAsync(string node, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_connections.TryGetValue(node, out var connection))
        {
            var member = cluster[node];
            connection = await RespConnection.ConnectAsync(member.Host, member.Port, timeout, cancellationToken);
            _connections[node] = connection;
        }
        return connection;
    }

    private async Task DropAsync(string node)
    {
        if (_connections.Remove(node, out var connection))
        {
            await connection.DisposeAsync();
        }
    }

    private static byte[][] Bytes(string[] command) => [.. command.Select(Encoding.UTF8.GetBytes)];

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _connections.Keys.ToList())
        {
            await DropAsync(node);
        }
    }
}
