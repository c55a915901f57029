using System.Net.Sockets;
using System.Text;

namespace Chorus.Benchmarks.Load;

/// <summary>
/// A minimal pipelining RESP client for load generation: send prebuilt request bytes, then read
/// back a number of replies. Replies are scanned, not materialised, except when asked for text.
/// </summary>
public sealed class RawRespClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;

    private RawRespClient(Socket socket) => _socket = socket;

    /// <summary>Error replies seen so far (e.g. -NOREPLICAS).</summary>
    public long Errors { get; private set; }

    public string? LastError { get; private set; }

    public static async Task<RawRespClient> ConnectAsync(int port, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port, cancellationToken);
        return new RawRespClient(socket);
    }

    public static byte[] Command(params string[] args) => Command(args.Select(Encoding.UTF8.GetBytes).ToArray());

    public static byte[] Command(params byte[][] args)
    {
        using var output = new MemoryStream();
        Write(output, $"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            Write(output, $"${arg.Length}\r\n");
            output.Write(arg);
            Write(output, "\r\n");
        }
        return output.ToArray();
    }

    private static void Write(MemoryStream output, string text) => output.Write(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        while (!request.IsEmpty)
        {
            var sent = await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
            request = request[sent..];
        }
    }

    /// <summary>Reads <paramref name="count"/> whole replies.</summary>
    public async Task ReadRepliesAsync(int count, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            int consumed;
            while ((consumed = Scan(_buffer.AsSpan(_start, _end - _start))) < 0)
            {
                await FillAsync(cancellationToken);
            }
            _start += consumed;
        }
    }

    /// <summary>Sends one command and returns its reply as text (bulk payload or the line).</summary>
    public async Task<string> QueryAsync(byte[] request, CancellationToken cancellationToken = default)
    {
        await SendAsync(request, cancellationToken);
        int consumed;
        while ((consumed = Scan(_buffer.AsSpan(_start, _end - _start))) < 0)
        {
            await FillAsync(cancellationToken);
        }
        var reply = Encoding.UTF8.GetString(_buffer, _start, consumed);
        _start += consumed;
        return reply;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            throw new InvalidOperationException("reply larger than the client buffer");
        }
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new IOException("the server closed the connection");
        }
        _end += read;
    }

    /// <summary>The length of the first complete reply in <paramref name="data"/>, or -1.</summary>
    private int Scan(ReadOnlySpan<byte> data)
    {
        var lineEnd = data.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            return -1;
        }
        switch (data[0])
        {
            case (byte)'$':
                var length = ParseLength(data[1..lineEnd]);
                if (length < 0)
                {
                    return lineEnd + 2;
                }
                var total = lineEnd + 2 + length + 2;
                return data.Length >= total ? total : -1;
            case (byte)'*':
                var items = ParseLength(data[1..lineEnd]);
                var offset = lineEnd + 2;
                for (var i = 0; i < items; i++)
                {
                    var item = Scan(data[offset..]);
                    if (item < 0)
                    {
                        return -1;
                    }
                    offset += item;
                }
                return offset;
            case (byte)'-':
                Errors++;
                LastError = Encoding.UTF8.GetString(data[..lineEnd]);
                return lineEnd + 2;
            default:
                return lineEnd + 2;
        }
    }

    private static int ParseLength(ReadOnlySpan<byte> digits) =>
        int.Parse(Encoding.ASCII.GetString(digits), System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _socket.Dispose();
}
