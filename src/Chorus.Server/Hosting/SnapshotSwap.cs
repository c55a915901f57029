using System.Globalization;
using System.Text;
using Chorus.Commands.Keyspace.Migration;
using Chorus.Core;
using Chorus.Node;
using Chorus.Storage.RocksDb;

namespace Chorus.Server.Hosting;

/// <summary>
/// Replaces a node's database with a downloaded snapshot, crash-safely, before the node opens it.
/// A complete download carries a marker file; each step is a rename or an idempotent rewrite, so
/// a crash at any point leaves something the next start finishes:
/// <list type="number">
/// <item>snapshot-incoming/ holds the marker: move db/ aside, move snapshot-incoming/ to db/;</item>
/// <item>db/ holds the marker: claim the snapshot for this node (it carries the leader's id), stage
/// in it the entries only the old database held, as a rollback this node writes to its file when
/// it starts (<see cref="ReplacedLogRollbacks"/>), remove the marker;</item>
/// <item>delete the old database and any leftover outgoing checkpoints.</item>
/// </list>
/// </summary>
public static class SnapshotSwap
{
    public const string MarkerFile = "CHORUS-SNAPSHOT-COMPLETE";
    public const string IncomingDirectory = "snapshot-incoming";

    /// <summary>What finishing an install did: where the snapshot is, and what became of the entries only the old database held.</summary>
    public sealed record Installed(LogPosition Position, int EntriesRolledBack, string? CarryError);

    /// <summary>Finishes a pending install, if any. Returns what it installed, or null.</summary>
    public static Installed? ApplyPending(string dataDirectory, NodeId self)
    {
        var incoming = Path.Combine(dataDirectory, IncomingDirectory);
        var database = Path.Combine(dataDirectory, "db");
        var replaced = Path.Combine(dataDirectory, "db.replaced");
        DeleteIfExists(Path.Combine(dataDirectory, "snapshots-outgoing"));
        if (File.Exists(Path.Combine(incoming, MarkerFile)))
        {
            DeleteIfExists(replaced);
            if (Directory.Exists(database))
            {
                Directory.Move(database, replaced);
            }
            Directory.Move(incoming, database);
        }
        else
        {
            DeleteIfExists(incoming); // an unfinished download is worthless
        }
        Installed? installed = null;
        var marker = Path.Combine(database, MarkerFile);
        if (File.Exists(marker))
        {
            // The marker's time names the rollback, so a crash before the marker is gone stages the same one again.
            var atMs = new DateTimeOffset(File.GetLastWriteTimeUtc(marker)).ToUnixTimeMilliseconds();
            var (rolledBack, error) = ClaimForNode(database, Directory.Exists(replaced) ? replaced : null, self, atMs);
            installed = new Installed(ReadMarker(marker), rolledBack, error);
            File.Delete(marker);
        }
        DeleteIfExists(replaced);
        return installed;
    }

    public static void WriteMarker(string directory, LogPosition position)
    {
        var path = Path.Combine(directory, MarkerFile);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{position.Epoch.Value} {position.Lsn.Value}\n")));
        stream.Flush(flushToDisk: true);
    }

    private static LogPosition ReadMarker(string path)
    {
        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.TrimEntries);
        return new LogPosition(new Epoch(ulong.Parse(parts[0], CultureInfo.InvariantCulture)), new Lsn(ulong.Parse(parts[1], CultureInfo.InvariantCulture)));
    }

    /// <summary>The checkpoint is the leader's database: it becomes this node's, with the old database's unshared entries as a rollback.</summary>
    private static (int RolledBack, string? Error) ClaimForNode(string database, string? replaced, NodeId self, long atMs)
    {
        // A snapshot from a leader on an older format is upgraded here, like a data directory.
        using var storage = RocksDbStorageEngine.Open(database, RocksDbStorageOptions.Default with { Upgrades = KeyspaceUpgrades.All });
        Chorus.Node.NodeIdentity.ClaimForNode(storage, self);
        if (replaced is null)
        {
            return (0, null);
        }
        try
        {
            using var old = RocksDbStorageEngine.Open(replaced, RocksDbStorageOptions.Default with { Upgrades = KeyspaceUpgrades.All });
            return (ReplacedLogRollbacks.Carry(old, storage, self, atMs), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The old database may be the reason for the resync (damaged, another layout): the
            // node must still start on the new one; the error is logged at start.
            return (0, e.Message);
        }
    }

    private static void DeleteIfExists(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
