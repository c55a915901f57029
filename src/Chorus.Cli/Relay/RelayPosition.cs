using System.Globalization;
using System.Runtime.InteropServices;

namespace Chorus.Cli.Relay;

/// <summary>
/// The relay's position in the source's log (next LSN to read, and the epoch of the entry before
/// it), kept in a file. It is written only after every target acknowledged the changes before it,
/// by write-to-temporary, fsync, rename, fsync of the directory: after kill -9 or a power loss the
/// file holds this position or the one before, never a torn one — so a restart redelivers, never skips.
/// </summary>
internal sealed partial class RelayPosition(string path)
{
    public string Path { get; } = path;

    public (ulong Next, ulong Epoch) Load()
    {
        if (!File.Exists(Path))
        {
            return (1, 0);
        }
        var parts = File.ReadAllText(Path).Trim().Split(' ');
        return parts.Length == 2 && ulong.TryParse(parts[0], CultureInfo.InvariantCulture, out var next) && ulong.TryParse(parts[1], CultureInfo.InvariantCulture, out var epoch)
            ? (next, epoch)
            : throw new TriggerError($"position file '{Path}' is not \"<next-lsn> <epoch>\"; fix or delete it (deleting replays from LSN 1)");
    }

    public void Save(ulong next, ulong epoch)
    {
        var temporary = Path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{next} {epoch}\n")));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
        SyncDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
    }

    /// <summary>The rename is durable only once the directory is synced (.NET cannot open a directory: open(2) and fsync(2) directly).</summary>
    private static void SyncDirectory(string directory)
    {
        var descriptor = Open(directory, ReadOnlyDirectory);
        if (descriptor < 0)
        {
            throw new IOException($"cannot open directory '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()})");
        }
        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>O_RDONLY | O_DIRECTORY on Linux.</summary>
    private const int ReadOnlyDirectory = 0x10000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
