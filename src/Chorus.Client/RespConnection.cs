using System.Buffers;
using System.Net.Sockets;
using Chorus.Resp;

namespace Chorus.Client;

/// <summary>
/// One RESP2 connection to a node: send a command, read its reply. Not thread-safe; for tools,
/// tests and scripts rather than applications (use StackExchange.Redis there).
/// </summary>
public sealed class RespConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly ArrayBufferWriter<byte> _received = new();
    private int _consumed;   // bytes at the start of _received already parsed into replies

    private RespConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RespConnection> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await tcp.ConnectAsync(host, port, deadline.Token);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        return new RespConnection(tcp);
    }

    public Task<RespValue> CommandAsync(CancellationToken cancellationToken, params string[] args) =>
        CommandAsync(cancellationToken, args.Select(System.Text.Encoding.UTF8.GetBytes).ToArray());

    /// <summary>A command with binary arguments.</summary>
    public async Task<RespValue> CommandAsync(CancellationToken cancellationToken, params byte[][] args)
    {
        var request = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(request, RespProtocol.Resp2);
        writer.WriteArrayHeader(args.Length);
        foreach (var arg in args)
        {
            writer.WriteBulkString(arg);
        }
        await _stream.WriteAsync(request.WrittenMemory, cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    /// <summary>
    /// Sends the commands in one write (a pipeline) and reads their replies in order. Arguments
    /// are bytes, so keys and values may hold anything.
    /// </summary>
    public async Task<RespValue[]> PipelineAsync(IReadOnlyList<IReadOnlyList<byte[]>> commands, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var request = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(request, RespProtocol.Resp2);
        foreach (var command in commands)
        {
            writer.WriteArrayHeader(command.Count);
            foreach (var arg in command)
            {
                writer.WriteBulkString(arg);
            }
        }
        // Read while still writing: a server that answers a long pipeline stops reading it once
        // its own output backs up, so writing everything first could wait forever.
        var send = _stream.WriteAsync(request.WrittenMemory, cancellationToken).AsTask();
        var replies = new RespValue[commands.Count];
        for (var i = 0; i < replies.Length; i++)
        {
            replies[i] = await ReadReplyAsync(cancellationToken);
        }
        await send;
        return replies;
    }

    private async Task<RespValue> ReadReplyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var unread = _received.WrittenMemory[_consumed..];
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(unread));
            var status = RespReplyParser.TryParse(ref reader, out var value);
            if (status == OperationStatus.Done)
            {
                // Pipelined replies arrive together: step over this one and parse the next in place.
                _consumed += (int)reader.Consumed;
                return value!;
            }
            if (status == OperationStatus.InvalidData)
            {
                throw new IOException("the server sent a malformed reply");
            }
            var rest = unread.ToArray();
            _received.ResetWrittenCount();
            _received.Write(rest);
            _consumed = 0;
            var buffer = _received.GetMemory(16 * 1024);
            var read = await _stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the server closed the connection");
            }
            _received.Advance(read);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
