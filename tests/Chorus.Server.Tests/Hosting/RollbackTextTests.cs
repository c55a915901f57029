using Chorus.Commands.Keyspace;
using Chorus.Commands.Physical;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Server.Hosting;
using Chorus.Storage;

namespace Chorus.Server.Tests.Hosting;

/// <summary>`chorus rollbacks --show` for a statement-format log: a discarded statement reads as the command it logged.</summary>
public sealed class RollbackTextTests
{
    [Fact]
    public void A_discarded_statement_shows_the_command_as_logged_and_a_marker_its_kind()
    {
        var statement = StatementPayload.Encode(new Statement(0, 1_700_000_000_000, [[.. "SREM"u8], [.. "pool"u8], [.. "c"u8], [0xFF]]));
        var entry = LogEntry.Create(new LogPosition(new Epoch(2), new Lsn(12)), HlcTimestamp.From(1_700_000_000_000, 0), new NodeId("n1"), PayloadKind.Statement, statement);
        var marker = LogEntry.Create(new LogPosition(new Epoch(2), new Lsn(11)), HlcTimestamp.From(1_700_000_000_000, 0), new NodeId("n1"), PayloadKind.LogFormat, new LogFormatSetting(LogFormat.Statement).Encode());

        var text = new StringWriter();
        RollbackText.WriteEntry(text, entry);
        var markerText = new StringWriter();
        RollbackText.WriteEntry(markerText, marker);

        Assert.Equal("LSN 12 (epoch 2, 2023-11-14 22:13:20.000): statement SREM \"pool\" \"c\" \"\\xff\"", text.ToString());
        Assert.EndsWith(": logformat", markerText.ToString(), StringComparison.Ordinal);
    }

    /// A discarded physical entry names the keys whose records it wrote, not its storage bytes
    /// (the catalog, element and expiry-index writes around them are left out).
    [Fact]
    public void A_discarded_physical_entry_shows_the_keys_it_wrote()
    {
        var db = PhysicalDb.First;
        var batch = new PhysicalBatch(2, 0,
        [
            StorageOp.Put(StorageColumn.Data, KeyspaceCatalog.Key, [1]),
            StorageOp.Put(StorageColumn.Data, StoredKey.Create(db, "user:1"u8), [7, 7]),
            StorageOp.Put(StorageColumn.Elements, [0, 0, 0, 0, 0, 0, 0, 1, (byte)'f'], [1]),
            StorageOp.Delete(StorageColumn.Data, StoredKey.Create(db, "gone"u8)),
        ]);
        var entry = LogEntry.Create(new LogPosition(new Epoch(3), new Lsn(40)), HlcTimestamp.From(1_700_000_000_000, 0), new NodeId("n1"), PayloadKind.Physical, PhysicalPayload.Encode(batch));

        var text = new StringWriter();
        RollbackText.WriteEntry(text, entry);

        Assert.Equal("LSN 40 (epoch 3, 2023-11-14 22:13:20.000): physical: put user:1; delete gone", text.ToString());
    }
}
