using System.Buffers.Binary;
using System.Text;
using Chorus.Transport.Grpc.Protocol;
using Google.Protobuf;

namespace Chorus.Transport.Grpc;

/// <summary>
/// The snapshot stream: a snapshot's files as plain bytes on a connection of their own to the
/// peer port, after its TLS handshake, instead of gRPC messages. gRPC framed every 4 MiB chunk as
/// a protobuf message in 16 KiB HTTP/2 frames with flow-control round trips, parsed and copied it
/// again on the joiner, and the profile of a bootstrap put most of both nodes' CPU there; this
/// stream is one request and then the files back to back, read and written in large buffers.
/// <para>
/// Wire format (integers big-endian):
/// <code>
/// joiner → leader: "CHSNAP01" u16 len, the joiner's node id (UTF-8)
/// leader → joiner: "CHSNAP01" u8 status
///   status 0: u32 len, SnapshotManifest (protobuf); then for each file in manifest order:
///             its bytes (exactly the manifest's size), then u32 CRC-32C of those bytes
///   status 1: u16 len, why it was refused (UTF-8); then the leader closes
/// </code>
/// The peer port tells this stream from HTTP/2 by its first eight bytes (an HTTP/2 connection
/// starts with "PRI * HTTP/2.0"); see <see cref="SnapshotStreamServer"/>.
/// </para>
/// </summary>
public static class SnapshotStream
{
    /// <summary>Opens the request and the reply; a new format gets a new magic.</summary>
    public static ReadOnlySpan<byte> Magic => "CHSNAP01"u8;

    /// <summary>Read and write buffer: large enough that per-call costs vanish, small enough for the thread pool.</summary>
    public const int BufferBytes = 1 << 20;

    public const byte Accepted = 0;
    public const byte Refused = 1;

    /// <summary>A snapshot's files in the order they are sent, and the manifest that announces them.</summary>
    public static (FileInfo[] Files, SnapshotManifest Manifest) Describe(Snapshot snapshot)
    {
        var files = new DirectoryInfo(snapshot.Directory).GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
        var manifest = new SnapshotManifest
        {
            Epoch = snapshot.Position.Epoch.Value,
            Lsn = snapshot.Position.Lsn.Value,
            TotalBytes = (ulong)files.Sum(f => f.Length),
        };
        manifest.Files.AddRange(files.Select(f => new SnapshotFile { Name = f.Name, Size = (ulong)f.Length }));
        return (files, manifest);
    }

    public static async Task WriteRequestAsync(Stream stream, string from, CancellationToken cancellationToken)
    {
        var id = Encoding.UTF8.GetBytes(from);
        var request = new byte[Magic.Length + 2 + id.Length];
        Magic.CopyTo(request);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(Magic.Length), checked((ushort)id.Length));
        id.CopyTo(request, Magic.Length + 2);
        await stream.WriteAsync(request, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    public static async Task WriteAcceptedAsync(Stream stream, SnapshotManifest manifest, CancellationToken cancellationToken)
    {
        var body = manifest.ToByteArray();
        var header = new byte[Magic.Length + 1 + 4 + body.Length];
        Magic.CopyTo(header);
        header[Magic.Length] = Accepted;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(Magic.Length + 1), (uint)body.Length);
        body.CopyTo(header, Magic.Length + 5);
        await stream.WriteAsync(header, cancellationToken);
    }

    public static async Task WriteRefusedAsync(Stream stream, string reason, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetBytes(reason.Length > 1000 ? reason[..1000] : reason);
        var reply = new byte[Magic.Length + 1 + 2 + text.Length];
        Magic.CopyTo(reply);
        reply[Magic.Length] = Refused;
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(Magic.Length + 1), (ushort)text.Length);
        text.CopyTo(reply, Magic.Length + 3);
        await stream.WriteAsync(reply, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>The leader's reply: its manifest, or an <see cref="SnapshotStreamRefusedException"/>; a peer that does not speak the stream is an <see cref="SnapshotStreamUnsupportedException"/>.</summary>
    public static async Task<SnapshotManifest> ReadReplyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new byte[Magic.Length + 1];
        if (await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken) < head.Length || !head.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new SnapshotStreamUnsupportedException();
        }
        if (head[^1] == Refused)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(stream, 2, cancellationToken));
            throw new SnapshotStreamRefusedException(Encoding.UTF8.GetString(await ReadExactlyAsync(stream, length, cancellationToken)));
        }
        var size = BinaryPrimitives.ReadUInt32BigEndian(await ReadExactlyAsync(stream, 4, cancellationToken));
        if (size > 16 << 20)
        {
            throw new InvalidDataException($"snapshot manifest of {size} bytes");
        }
        return SnapshotManifest.Parser.ParseFrom(await ReadExactlyAsync(stream, (int)size, cancellationToken));
    }

    /// <summary>Sends one file's bytes and its checksum; returns the bytes sent. The next buffer is read while the one before is written.</summary>
    public static async Task<long> SendFileAsync(string path, Stream stream, byte[][] buffers, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var checksum = new SnapshotChecksum();
        long offset = 0;
        var next = 0;
        var sending = Task.CompletedTask;
        int read;
        while ((read = RandomAccess.Read(file, buffers[next], offset)) > 0)
        {
            checksum.Append(buffers[next].AsSpan(0, read));
            await sending;
            sending = stream.WriteAsync(buffers[next].AsMemory(0, read), cancellationToken).AsTask();
            offset += read;
            next ^= 1;
        }
        await sending;
        var trailer = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, checksum.Value);
        await stream.WriteAsync(trailer, cancellationToken);
        return offset;
    }

    /// <summary>Reads one file's checksum trailer and says whether it matches <paramref name="checksum"/>.</summary>
    public static async Task<bool> ReadChecksumMatchesAsync(Stream stream, SnapshotChecksum checksum, CancellationToken cancellationToken) =>
        BinaryPrimitives.ReadUInt32BigEndian(await ReadExactlyAsync(stream, 4, cancellationToken)) == checksum.Value;

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}

/// <summary>The leader refused the snapshot stream (the caller is not a member, or the snapshot could not be made).</summary>
public sealed class SnapshotStreamRefusedException(string reason) : IOException($"the leader refused the snapshot: {reason}");

/// <summary>The peer answered, but not with the snapshot stream: a node of a version before it.</summary>
public sealed class SnapshotStreamUnsupportedException() : IOException("the peer does not serve the snapshot stream");
