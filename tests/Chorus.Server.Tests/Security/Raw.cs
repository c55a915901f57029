using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chorus.Server.Tests.Security;

/// <summary>A plain RESP connection that shows replies as the bytes on the wire, for exact error strings.</summary>
internal sealed class Raw : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<byte> _pending = [];

    public static async Task<Raw> ConnectAsync(int port)
    {
        var raw = new Raw();
        await raw._socket.ConnectAsync("127.0.0.1", port);
        return raw;
    }

    /// <summary>
    /// Connects from <paramref name="address"/>, one of this machine's own addresses, to the node
    /// listening there: a client the node sees as coming from that address, not from loopback.
    /// </summary>
    public static async Task<Raw> ConnectFromAsync(IPAddress address, int port)
    {
        var raw = new Raw();
        raw._socket.Bind(new IPEndPoint(address, 0));
        await raw._socket.ConnectAsync(address, port);
        return raw;
    }

    /// <summary>Sends one command; returns the first line of its reply, without CRLF (the whole reply for bulk strings and arrays is not needed here).</summary>
    public async Task<string> LineAsync(params string[] args)
    {
        var request = new StringBuilder($"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            request.Append($"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToString()));
        return await ReadLineAsync();
    }

    /// <summary>Sends one command and returns its whole reply as text, reading until nothing more arrives for the command (bulk and integer replies).</summary>
    public async Task<string> BulkAsync(params string[] args)
    {
        var first = await LineAsync(args);
        if (!first.StartsWith('$') || first == "$-1")
        {
            return first;
        }
        var length = int.Parse(first[1..]);
        while (_pending.Count < length + 2)
        {
            await ReceiveAsync();
        }
        var text = Encoding.UTF8.GetString(_pending.GetRange(0, length).ToArray());
        _pending.RemoveRange(0, length + 2);
        return text;
    }

    public async Task<string> ReadLineAsync()
    {
        while (true)
        {
            var end = IndexOfCrlf();
            if (end >= 0)
            {
                var line = Encoding.UTF8.GetString(_pending.GetRange(0, end).ToArray());
                _pending.RemoveRange(0, end + 2);
                return line;
            }
            await ReceiveAsync();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        if (read == 0)
        {
            throw new IOException("the server closed the connection");
        }
        _pending.AddRange(buffer.AsSpan(0, read));
    }

    private int IndexOfCrlf()
    {
        for (var i = 0; i + 1 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    public void Dispose() => _socket.Dispose();
}
