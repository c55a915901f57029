using Chorus.Core;
using Chorus.Replication;
using Chorus.Transport.Grpc;
using Chorus.Transport.Grpc.Protocol;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Chorus.Server.Hosting;

/// <summary>
/// Downloads a snapshot from the leader into &lt;data&gt;/snapshot-incoming while the node keeps
/// serving, with progress in <see cref="SnapshotProgress"/>; once complete and fsynced, asks the
/// host to restart the node on it (see <see cref="SnapshotSwap"/>).
/// </summary>
internal sealed class SnapshotFetcher(string dataDirectory, GrpcTransport transport, SnapshotProgress progress, TimeProvider clock, ILogger logger)
{
    private int _running;

    /// <summary>After a failed download the fetcher stays busy this long, ignoring the leader's repeated requests.</summary>
    private readonly RetryPause _afterFailure = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>Carries out Merkle resyncs; without it every resync is a snapshot download.</summary>
    public MerkleResyncFetcher? Merkle { get; init; }

    /// <summary>
    /// Starts a download unless one is running (then false); <paramref name="downloaded"/> runs
    /// when it is ready to install.
    /// </summary>
    public bool Start(NodeId leader, FollowerResync method, Action downloaded, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return false;
        }
        var merkle = method == FollowerResync.Merkle && Merkle is not null;
        logger.LogWarning("the leader {Leader} no longer has the entries this node needs (or it is new): {Action}", leader,
            merkle ? "resyncing by Merkle diff (copying only the rows that differ)" : "reloading from a snapshot");
        _ = Task.Run(async () =>
        {
            try
            {
                await (merkle ? Merkle!.RunAsync(leader, cancellationToken) : DownloadAsync(leader, cancellationToken));
                _afterFailure.Succeeded();
                downloaded();
            }
            catch (Exception e) when (e is RpcException or IOException or InvalidOperationException or OperationCanceledException or Chorus.Core.Encoding.CorruptDataException
                or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or InvalidDataException)
            {
                progress.Failed(e.Message);
                var pause = _afterFailure.AfterFailure();
                logger.LogError("{Method} from {Leader} failed: {Reason}; trying again when the leader asks, in {Seconds} s at the earliest",
                    merkle ? "Merkle resync" : "snapshot download", leader, e.Message, pause.TotalSeconds);
                await PauseAsync(pause, cancellationToken);
                Interlocked.Exchange(ref _running, 0);
            }
        }, CancellationToken.None);
        return true;
    }

    private async Task PauseAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(pause, clock, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The node is stopping: nothing more to fetch.
        }
    }

    private async Task DownloadAsync(NodeId leader, CancellationToken cancellationToken)
    {
        var incoming = Path.Combine(dataDirectory, SnapshotSwap.IncomingDirectory);
        ResetDirectory(incoming);
        progress.Begin(leader.Value, NowMs);
        SnapshotManifest manifest;
        try
        {
            manifest = await new SnapshotStreamDownload(incoming, transport, progress, logger).RunAsync(leader, cancellationToken);
        }
        catch (SnapshotStreamUnsupportedException)
        {
            logger.LogWarning("the leader {Leader} does not serve the snapshot stream (an older version): fetching the snapshot over gRPC", leader);
            ResetDirectory(incoming);
            manifest = await DownloadOverGrpcAsync(leader, incoming, cancellationToken);
        }
        var verifying = System.Diagnostics.Stopwatch.StartNew();
        Verify(incoming, manifest);
        SnapshotSwap.WriteMarker(incoming, new LogPosition(new Epoch(manifest.Epoch), new Lsn(manifest.Lsn)));
        progress.Downloaded(NowMs);
        logger.LogInformation("snapshot phase: sizes verified and marked complete in {Ms} ms", verifying.ElapsedMilliseconds);
        logger.LogInformation("snapshot received: {Bytes} bytes at {Rate:0.0} MB/s; restarting on it", progress.BytesDone, progress.RateMegabytesPerSecond(NowMs));
    }

    private static void ResetDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        Directory.CreateDirectory(directory);
    }

    /// <summary>The gRPC FetchSnapshot stream, for a leader of a version before the snapshot stream.</summary>
    private async Task<SnapshotManifest> DownloadOverGrpcAsync(NodeId leader, string incoming, CancellationToken cancellationToken)
    {
        using var call = transport.FetchSnapshot(leader, cancellationToken);
        SnapshotManifest? manifest = null;
        SafeFileHandle? file = null;
        var fileIndex = -1;
        long fileOffset = 0;
        try
        {
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (chunk.Manifest is { } m)
                {
                    manifest = m;
                    CreateEmptyFiles(incoming, m);
                    progress.Manifest(new LogPosition(new Epoch(m.Epoch), new Lsn(m.Lsn)), (long)m.TotalBytes);
                    logger.LogInformation("receiving a snapshot at {Epoch}:{Lsn} from {Leader}: {Files} files, {Bytes} bytes", m.Epoch, m.Lsn, leader, m.Files.Count, m.TotalBytes);
                    continue;
                }
                if (manifest is null || chunk.File >= manifest.Files.Count)
                {
                    throw new InvalidOperationException("snapshot chunk without a manifest entry");
                }
                if ((int)chunk.File != fileIndex)
                {
                    Close(file);
                    file = null;
                    fileIndex = (int)chunk.File;
                    fileOffset = 0;
                    file = File.OpenHandle(Path.Combine(incoming, SafeName(manifest.Files[fileIndex].Name)), FileMode.Open, FileAccess.Write, FileShare.None, FileOptions.Asynchronous);
                }
                if ((long)chunk.Offset != fileOffset || fileOffset + chunk.Data.Length > (long)manifest.Files[fileIndex].Size)
                {
                    throw new InvalidOperationException($"snapshot chunk at {chunk.Offset} of {manifest.Files[fileIndex].Name}, expected {fileOffset} within {manifest.Files[fileIndex].Size} bytes");
                }
                // Straight from the parsed message to the file: no stream buffer copies it once more.
                await RandomAccess.WriteAsync(file!, chunk.Data.Memory, fileOffset, cancellationToken);
                fileOffset += chunk.Data.Length;
                progress.Advance(chunk.Data.Length);
            }
            Close(file);
            file = null;
        }
        finally
        {
            file?.Dispose();
        }
        return manifest ?? throw new InvalidOperationException("the leader sent no snapshot manifest");
    }

    /// <summary>Every file exists from the start: empty ones (a fresh WAL) get no chunks at all.</summary>
    private static void CreateEmptyFiles(string directory, SnapshotManifest manifest)
    {
        foreach (var file in manifest.Files)
        {
            using var created = new FileStream(Path.Combine(directory, SafeName(file.Name)), FileMode.Create, FileAccess.Write);
            created.Flush(flushToDisk: true);
        }
    }

    /// <summary>A received file is on disk before the next one starts (the marker is written only after all of them).</summary>
    private static void Close(SafeFileHandle? file)
    {
        if (file is null)
        {
            return;
        }
        RandomAccess.FlushToDisk(file);
        file.Dispose();
    }

    /// <summary>Every file arrived whole: a truncated snapshot is never installed.</summary>
    private static void Verify(string directory, SnapshotManifest manifest)
    {
        foreach (var expected in manifest.Files)
        {
            var path = Path.Combine(directory, SafeName(expected.Name));
            var length = File.Exists(path) ? new FileInfo(path).Length : -1;
            if (length != (long)expected.Size)
            {
                throw new IOException($"snapshot file {expected.Name} has {length} bytes, expected {expected.Size}");
            }
        }
    }

    /// <summary>File names come from the network: no directories, no escapes.</summary>
    internal static string SafeName(string name)
    {
        var file = Path.GetFileName(name);
        return file.Length == 0 || file is "." or ".." || file != name ? throw new InvalidOperationException($"bad snapshot file name '{name}'") : file;
    }

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
