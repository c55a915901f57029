using Chorus.Node;

namespace Chorus.Server.Hosting;

/// <summary>
/// Writes each rollback to its own file under &lt;data&gt;/rollback/ (see <see cref="RollbackFile"/>):
/// first to a temporary name, fsynced, then renamed, so a file under its final name is always
/// whole. Until this returns, the discarded entries stay in the database (the node shell staged
/// them with the truncation and retries), so a failure here loses nothing.
/// </summary>
public sealed class FileRollbackSink(string dataDirectory) : IRollbackSink
{
    public string Directory { get; } = Path.Combine(dataDirectory, "rollback");

    public void Write(RollbackRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, RollbackFile.FileName(record));
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            RollbackFile.Write(stream, record);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
