using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Chorus.Transport.Grpc.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chorus.Transport.Grpc;

/// <summary>
/// The leader's side of the <see cref="SnapshotStream"/>: a connection middleware on the peer
/// port, after TLS, that looks at a new connection's first bytes. A snapshot request is served
/// here; anything else (HTTP/2, whose first bytes are "PRI * HTTP/2.0") goes on to gRPC untouched,
/// nothing consumed. The caller is authenticated as for every peer call (<see cref="PeerAuthenticator"/>).
/// </summary>
public sealed class SnapshotStreamServer(Func<IServiceProvider> services)
{
    private ILogger? _logger;

    private ILogger Logger => _logger ??= services().GetRequiredService<ILogger<SnapshotStreamServer>>();

    private ISnapshotSource Snapshots() => services().GetRequiredService<ISnapshotSource>();

    private PeerAuthenticator Peers() => services().GetRequiredService<PeerAuthenticator>();

    /// <summary>How long a new connection may take to send its first bytes before it is handed on (gRPC's own timeouts apply there).</summary>
    private static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(10);

    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection => OnConnectionAsync(connection, next);

    private async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (await IsSnapshotRequestAsync(connection.Transport.Input, connection.ConnectionClosed))
        {
            try
            {
                await ServeAsync(connection);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or ConnectionResetException)
            {
                // The joiner sees the stream end early and asks again.
                Logger.LogWarning("snapshot stream to {Address} ended: {Reason}", connection.RemoteEndPoint, e.Message);
            }
            return;
        }
        await next(connection);
    }

    /// <summary>Consumes the magic if the connection starts with it; otherwise consumes nothing.</summary>
    private static async Task<bool> IsSnapshotRequestAsync(PipeReader input, CancellationToken closed)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(closed);
        timeout.CancelAfter(FirstBytesTimeout);
        var magic = SnapshotStream.Magic.Length;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            var buffer = result.Buffer;
            var seen = buffer.Slice(0, Math.Min(buffer.Length, magic)).ToArray();
            if (!SnapshotStream.Magic[..seen.Length].SequenceEqual(seen) || (result.IsCompleted && seen.Length < magic))
            {
                input.AdvanceTo(buffer.Start);
                return false;
            }
            if (seen.Length == magic)
            {
                input.AdvanceTo(buffer.GetPosition(magic));
                return true;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task ServeAsync(ConnectionContext connection)
    {
        var cancellationToken = connection.ConnectionClosed;
        var ssl = connection.Features.Get<ISslStreamFeature>()?.SslStream;
        // Past the request, bytes go straight to the TLS stream: no pipe copies them into 4 KiB blocks first.
        await using var output = ssl is null ? connection.Transport.Output.AsStream(leaveOpen: true) : null;
        Stream stream = ssl ?? output!;
        var claimed = await ReadCallerAsync(connection.Transport.Input, cancellationToken);
        var (caller, refusal) = Peers().Check(connection.Features.Get<Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature>()?.ClientCertificate, claimed);
        if (caller is not { } joiner)
        {
            Logger.LogWarning("refused a peer snapshot stream from '{Caller}' at {Address}: {Reason}", claimed, connection.RemoteEndPoint, refusal.Detail);
            await SnapshotStream.WriteRefusedAsync(stream, refusal.Detail, cancellationToken);
            return;
        }
        var started = Stopwatch.StartNew();
        using var snapshot = await Snapshots().CreateAsync(joiner.Value, SnapshotContents.ForInstall, cancellationToken);
        var (files, manifest) = SnapshotStream.Describe(snapshot);
        Logger.LogInformation("snapshot phase: checkpoint for {Requester} at {Position} ready in {Ms} ms; sending {Files} files, {Bytes} bytes on the snapshot stream",
            joiner, snapshot.Position, started.ElapsedMilliseconds, files.Length, manifest.TotalBytes);
        var sending = Stopwatch.StartNew();
        await SnapshotStream.WriteAcceptedAsync(stream, manifest, cancellationToken);
        byte[][] buffers = [new byte[SnapshotStream.BufferBytes], new byte[SnapshotStream.BufferBytes]];
        foreach (var file in files)
        {
            var sent = await SnapshotStream.SendFileAsync(file.FullName, stream, buffers, cancellationToken);
            if (sent != file.Length)
            {
                throw new IOException($"snapshot file {file.Name} changed while it was sent ({sent} of {file.Length} bytes)");
            }
        }
        await stream.FlushAsync(cancellationToken);
        Logger.LogInformation("snapshot phase: sent {Requester} {Bytes} bytes in {Ms} ms ({Rate:0} MB/s)",
            joiner, manifest.TotalBytes, sending.ElapsedMilliseconds, manifest.TotalBytes / 1e3 / Math.Max(1, sending.ElapsedMilliseconds));
    }

    /// <summary>The node id the request names (u16 length, UTF-8).</summary>
    private static async Task<string> ReadCallerAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= 2)
            {
                var length = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(0, 2).ToArray());
                if (buffer.Length >= 2 + length)
                {
                    var id = Encoding.UTF8.GetString(buffer.Slice(2, length));
                    input.AdvanceTo(buffer.GetPosition(2 + length));
                    return id;
                }
            }
            if (result.IsCompleted)
            {
                throw new IOException("the snapshot request ended early");
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
