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

    private async Task<RespValue> ReadReplyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_received.WrittenMemory));
            var status = RespReplyParser.TryParse(ref reader, out var value);
            if (status == OperationStatus.Done)
            {
                var rest = _received.WrittenMemory[(int)reader.Consumed..].ToArray();
                _received.Clear();
                _received.Write(rest);
                return value!;
            }
            if (status == OperationStatus.InvalidData)
            {
                throw new IOException("the server sent a malformed reply");
            }
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
