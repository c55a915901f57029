using Chorus.Transport.Grpc.Protocol;
using Google.Protobuf;

namespace Chorus.Transport.Grpc;

/// <summary>
/// The leader's side of a snapshot's bytes (the FetchSnapshot stream): each file in order, in
/// chunks, the next chunk read from disk while the one before it is being sent. Two buffers
/// alternate and are wrapped into chunks, not copied: gRPC serialises a message into its HTTP/2
/// stream before the write completes, and a buffer is filled again only after the write that
/// carried it completed.
/// </summary>
internal static class SnapshotChunks
{
    /// <summary>Bytes per chunk: few enough messages that framing costs little, far below the 64 MiB message limit.</summary>
    public const int ChunkBytes = 4 << 20;

    public static async Task SendAsync(IReadOnlyList<FileInfo> files, Func<SnapshotChunk, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        byte[][] buffers = [new byte[ChunkBytes], new byte[ChunkBytes]];
        var next = 0;
        Task sending = Task.CompletedTask;
        for (var i = 0; i < files.Count; i++)
        {
            using var file = File.OpenHandle(files[i].FullName, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.SequentialScan);
            long offset = 0;
            int read;
            while ((read = await RandomAccess.ReadAsync(file, buffers[next], offset, cancellationToken)) > 0)
            {
                await sending;
                sending = write(new SnapshotChunk { File = (uint)i, Offset = (ulong)offset, Data = UnsafeByteOperations.UnsafeWrap(buffers[next].AsMemory(0, read)) }, cancellationToken);
                offset += read;
                next ^= 1;
            }
        }
        await sending;
    }
}
