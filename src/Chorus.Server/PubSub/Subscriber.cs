using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Server.PubSub;

/// <summary>
/// One connection's subscriptions and its outgoing messages. A PUBLISH on another connection
/// queues the message here (encoded for this connection's protocol) and returns at once; a pump
/// writes queued messages to the connection between its own replies (the output lock), so a
/// message never lands inside a reply. A subscriber that does not read its messages is
/// disconnected once they pass the pubsub client-output-buffer-limit (Redis's default hard limit, 32 MiB).
/// </summary>
internal sealed class Subscriber
{
    /// <summary>Redis's client-output-buffer-limit for pubsub clients: 32 MiB hard.</summary>
    public const long PendingBytesMax = 32L << 20;

    private readonly Channel<byte[]> _pending = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private long _pendingBytes;

    public HashSet<byte[]> Channels { get; } = new(ByteArrayComparer.Instance);

    public HashSet<byte[]> Patterns { get; } = new(ByteArrayComparer.Instance);

    /// <summary>Channels and patterns together (guarded by the hub's lock).</summary>
    public int Count => Channels.Count + Patterns.Count;

    /// <summary>The protocol messages are encoded in (the connection's, as of its last HELLO).</summary>
    public RespProtocol Protocol { get; set; } = RespProtocol.Resp2;

    /// <summary>Called when the subscriber falls too far behind (the connection closes).</summary>
    public Action<string> Overflow { get; init; } = _ => { };

    /// <summary>Queues a message, or a pmessage when <paramref name="pattern"/> is set.</summary>
    public void Deliver(byte[]? pattern, byte[] channel, byte[] message)
    {
        var frame = new ArrayBufferWriter<byte>(channel.Length + message.Length + 48);
        var writer = new RespWriter(frame, Protocol);
        writer.WritePushHeader(pattern is null ? 3 : 4);
        writer.WriteBulkString(pattern is null ? "message"u8 : "pmessage"u8);
        if (pattern is not null)
        {
            writer.WriteBulkString(pattern);
        }
        writer.WriteBulkString(channel);
        writer.WriteBulkString(message);
        var bytes = frame.WrittenSpan.ToArray();
        if (Interlocked.Add(ref _pendingBytes, bytes.Length) > PendingBytesMax)
        {
            Overflow($"its unread pub/sub messages passed the pubsub client-output-buffer-limit ({PendingBytesMax} bytes)");
            return;
        }
        _pending.Writer.TryWrite(bytes);
    }

    /// <summary>Writes queued messages to <paramref name="output"/> until the connection ends, holding <paramref name="outputLock"/> while it writes.</summary>
    public async Task PumpAsync(PipeWriter output, SemaphoreSlim outputLock, CancellationToken cancellationToken)
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            await outputLock.WaitAsync(cancellationToken);
            try
            {
                while (reader.TryRead(out var frame))
                {
                    output.Write(frame);
                    Interlocked.Add(ref _pendingBytes, -frame.Length);
                }
                await output.FlushAsync(cancellationToken);
            }
            finally
            {
                outputLock.Release();
            }
        }
    }

    public void Complete() => _pending.Writer.TryComplete();
}
