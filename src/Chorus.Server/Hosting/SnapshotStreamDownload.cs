using System.Diagnostics;
using Chorus.Core;
using Chorus.Transport.Grpc;
using Chorus.Transport.Grpc.Protocol;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// Receives a snapshot on the <see cref="SnapshotStream"/> into <paramref name="incoming"/>: each
/// file read from the connection in 1 MiB pieces and written straight to its place in the file
/// (past the page cache where it can: <see cref="SnapshotFileWriter"/>), its checksum compared
/// when it ends, and every file and the directory fsynced once, after the last one. The caller writes
/// the completion marker only after this returns; a transfer that breaks anywhere leaves no marker.
/// Each phase's duration goes to the log.
/// </summary>
internal sealed class SnapshotStreamDownload(string incoming, GrpcTransport transport, SnapshotProgress progress, ILogger logger)
{
    /// <summary>Bytes per write: a multiple of O_DIRECT's alignment, large enough that the disk's per-write cost vanishes.</summary>
    private const int PieceBytes = 4 << 20;

    /// <summary>Time spent in writes, in Stopwatch ticks (they run beside the receiving, for the phase log).</summary>
    private long _writingTicks;

    public async Task<SnapshotManifest> RunAsync(NodeId leader, CancellationToken cancellationToken)
    {
        var asked = Stopwatch.StartNew();
        var (stream, manifest) = await transport.OpenSnapshotStreamAsync(leader, cancellationToken);
        await using (stream)
        {
            progress.Manifest(new LogPosition(new Epoch(manifest.Epoch), new Lsn(manifest.Lsn)), (long)manifest.TotalBytes);
            logger.LogInformation("snapshot phase: the leader {Leader} answered in {Ms} ms (its checkpoint at {Epoch}:{Lsn}); receiving {Files} files, {Bytes} bytes",
                leader, asked.ElapsedMilliseconds, manifest.Epoch, manifest.Lsn, manifest.Files.Count, manifest.TotalBytes);
            var writers = new List<SnapshotFileWriter>(manifest.Files.Count);
            try
            {
                var receiving = Stopwatch.StartNew();
                Memory<byte>[] buffers = [SnapshotFileWriter.AlignedBuffer(PieceBytes), SnapshotFileWriter.AlignedBuffer(PieceBytes)];
                foreach (var file in manifest.Files)
                {
                    var writer = new SnapshotFileWriter(Path.Combine(incoming, SnapshotFetcher.SafeName(file.Name)), (long)file.Size);
                    writers.Add(writer);
                    await ReceiveFileAsync(stream, writer, file, buffers, cancellationToken);
                }
                logger.LogInformation("snapshot phase: received {Bytes} bytes in {Ms} ms ({Rate:0} MB/s; writing to files {WriteMs} ms, {Direct} of {Files} files with O_DIRECT); every file's checksum matches",
                    manifest.TotalBytes, receiving.ElapsedMilliseconds, manifest.TotalBytes / 1e3 / Math.Max(1, receiving.ElapsedMilliseconds), (long)Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _writingTicks)).TotalMilliseconds,
                    writers.Count(w => w.IsDirect), writers.Count);
                var syncing = Stopwatch.StartNew();
                foreach (var writer in writers)
                {
                    writer.Flush();
                }
                SnapshotFileWriter.FlushDirectory(incoming);
                logger.LogInformation("snapshot phase: {Files} files and their directory fsynced in {Ms} ms", writers.Count, syncing.ElapsedMilliseconds);
            }
            finally
            {
                foreach (var writer in writers)
                {
                    writer.Dispose();
                }
            }
        }
        return manifest;
    }

    /// <summary>
    /// One file: the next piece is read from the connection while the one before is written (an
    /// O_DIRECT write waits for the disk), in two buffers that alternate.
    /// </summary>
    private async Task ReceiveFileAsync(Stream stream, SnapshotFileWriter writer, SnapshotFile file, Memory<byte>[] buffers, CancellationToken cancellationToken)
    {
        var checksum = new SnapshotChecksum();
        var size = (long)file.Size;
        long offset = 0;
        var next = 0;
        var written = Task.CompletedTask;
        while (offset < size)
        {
            var buffer = buffers[next];
            var want = (int)Math.Min(buffer.Length, size - offset);
            // Every piece but the last fills the buffer, so offsets stay aligned for O_DIRECT.
            var read = await stream.ReadAtLeastAsync(buffer[..want], want, throwOnEndOfStream: true, cancellationToken);
            checksum.Append(buffer.Span[..read]);
            await written;
            var at = offset;
            written = Task.Run(() => Write(writer, buffer[..read], at), cancellationToken);
            offset += read;
            progress.Advance(read);
            next ^= 1;
        }
        await written;
        if (!await SnapshotStream.ReadChecksumMatchesAsync(stream, checksum, cancellationToken))
        {
            throw new IOException($"snapshot file {file.Name} arrived damaged: its checksum differs from the leader's");
        }
    }

    private void Write(SnapshotFileWriter writer, ReadOnlyMemory<byte> piece, long offset)
    {
        var started = Stopwatch.GetTimestamp();
        writer.Write(piece.Span, offset);
        Interlocked.Add(ref _writingTicks, Stopwatch.GetTimestamp() - started);
    }
}
