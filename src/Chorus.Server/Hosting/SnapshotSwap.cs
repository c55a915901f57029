using System.Globalization;
using System.Text;
using Chorus.Commands.Keyspace.Migration;
using Chorus.Core;
using Chorus.Storage.RocksDb;

namespace Chorus.Server.Hosting;

/// <summary>
/// Replaces a node's database with a downloaded snapshot, crash-safely, before the node opens it.
/// A complete download carries a marker file; each step is a rename or an idempotent rewrite, so
/// a crash at any point leaves something the next start finishes:
/// <list type="number">
/// <item>snapshot-incoming/ holds the marker: move db/ aside, move snapshot-incoming/ to db/;</item>
/// <item>db/ holds the marker: claim the snapshot for this node (it carries the leader's id), remove the marker;</item>
/// <item>delete the old database and any leftover outgoing checkpoints.</item>
/// </list>
/// </summary>
public static class SnapshotSwap
{
    public const string MarkerFile = "CHORUS-SNAPSHOT-COMPLETE";
    public const string IncomingDirectory = "snapshot-incoming";

    /// <summary>Finishes a pending install, if any. Returns the installed position, or null.</summary>
    public static LogPosition? ApplyPending(string dataDirectory, NodeId self)
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
        LogPosition? installed = null;
        var marker = Path.Combine(database, MarkerFile);
        if (File.Exists(marker))
        {
            installed = ReadMarker(marker);
            ClaimForNode(database, self);
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

    /// <summary>The checkpoint is the leader's database: it becomes this node's.</summary>
    private static void ClaimForNode(string database, NodeId self)
    {
        // A snapshot from a leader on an older format is upgraded here, like a data directory.
        using var storage = RocksDbStorageEngine.Open(database, RocksDbStorageOptions.Default with { Upgrades = KeyspaceUpgrades.All });
        Chorus.Node.NodeIdentity.ClaimForNode(storage, self);
    }

    private static void DeleteIfExists(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
