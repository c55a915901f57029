using System.Text;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Commands.Keyspace.Migration;
using Chorus.Storage.InMemory;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests.Migration;

/// <summary>
/// Format-1 log entries (a migrated directory's log, or a format-1 leader's) apply and undo on a
/// format-2 keyspace exactly: a follower can catch up from them and a rollback can undo them.
/// </summary>
public sealed class FormatOnePayloadTests : IDisposable
{
    private const long NowMs = 1_700_000_000_000;

    private readonly InMemoryStorageEngine _storage = new();

    public void Dispose() => _storage.Dispose();

    [Fact]
    public void Format_1_entries_apply_and_undo_on_a_migrated_keyspace()
    {
        using (var batch = _storage.NewBatch())
        {
            FormatOneWriter.Put(batch, Key("s"), FormatOneWriter.String(Key("old"), 0), 0);
            FormatOneWriter.Put(batch, Key("h"), FormatOneWriter.Hash([(Key("a"), Key("1"))], 0), 0);
            _storage.Write(batch, sync: true);
        }
        Assert.True(FormatOneMigration.Run(_storage, int.MaxValue));
        var before = KeyspaceDigest.Compute(_storage);
        var entries = new[]
        {
            Put("h2", FormatOneWriter.Hash([(Key("a"), Key("1")), (Key("b"), Key("2"))], 0), null),
            HashSet("h2", ("c", "3", null), ("a", "10", "1")),
            HashDelete("h2", ("b", "2")),
            Put("set", FormatOneWriter.Set([Key("m")], 1_800_000_000_000), null),
            Members(5, "set", "n", "o"),
            Members(6, "set", "m"),
            Put("h", FormatOneWriter.String(Key("now a string"), 0), FormatOneWriter.Hash([(Key("a"), Key("1"))], 0)),
            Expire("s", 1_900_000_000_000, 0),
            Delete("s", FormatOneWriter.String(Key("old"), 1_900_000_000_000)),
        };

        Apply(entries);

        Assert.Equal(["a", "10", "c", "3"], Pairs("h2"));
        Assert.Equal(["n", "o"], StorageReads.Run(_storage, NowMs, "SMEMBERS", "set").Sorted());
        Assert.Equal(Int(1_800_000_000_000), StorageReads.Run(_storage, NowMs, "PEXPIRETIME", "set"));
        Assert.Equal(Bulk("now a string"), StorageReads.Run(_storage, NowMs, "GET", "h"));
        Assert.Equal(Int(0), StorageReads.Run(_storage, NowMs, "EXISTS", "s"));
        LayoutCheck.Verify(_storage);

        Undo(entries);

        Assert.Equal(before, KeyspaceDigest.Compute(_storage));
        Assert.Equal(["a", "1"], Pairs("h"));
        LayoutCheck.Verify(_storage);
    }

    [Fact]
    public void Format_1_flushall_is_a_reversible_flushall()
    {
        using (var batch = _storage.NewBatch())
        {
            FormatOneWriter.Put(batch, Key("s"), FormatOneWriter.String(Key("v"), 0), 0);
            _storage.Write(batch, sync: true);
        }
        FormatOneMigration.Run(_storage, int.MaxValue);
        var flushAll = Entry(1, FormatOneWriter.Payload(1, w => Begin(w, 8, "")));

        Apply([flushAll]);
        Assert.Equal(Int(0), StorageReads.Run(_storage, NowMs, "DBSIZE"));
        Undo([flushAll]);

        Assert.Equal(Bulk("v"), StorageReads.Run(_storage, NowMs, "GET", "s"));
    }

    private List<string?> Pairs(string key) => StorageReads.Run(_storage, NowMs, "HGETALL", key).Texts()
        .Chunk(2).OrderBy(p => p[0], StringComparer.Ordinal).SelectMany(p => p).ToList();

    private void Apply(IEnumerable<LogEntry> entries)
    {
        var keyspace = new StagedKeyspace(_storage);
        foreach (var entry in entries)
        {
            LogApplier.Apply(entry, keyspace);
        }
        Flush(keyspace);
    }

    private void Undo(LogEntry[] entries)
    {
        var keyspace = new StagedKeyspace(_storage);
        for (var i = entries.Length - 1; i >= 0; i--)
        {
            LogApplier.Undo(entries[i], keyspace);
        }
        Flush(keyspace);
    }

    private void Flush(StagedKeyspace keyspace)
    {
        using var batch = _storage.NewBatch();
        keyspace.FlushTo(batch, new Lsn(100));
        _storage.Write(batch, sync: false);
    }

    private int _lsn;

    private LogEntry Put(string key, byte[] after, byte[]? before) => Entry(++_lsn, FormatOneWriter.Payload(1, w =>
    {
        Begin(w, 1, key);
        w.WriteLengthPrefixed(after);
        Optional(w, before);
    }));

    private LogEntry HashSet(string key, params (string Field, string Value, string? Previous)[] fields) => Entry(++_lsn, FormatOneWriter.Payload(1, w =>
    {
        Begin(w, 3, key);
        w.WriteVarUInt((ulong)fields.Length);
        foreach (var (field, value, previous) in fields)
        {
            w.WriteLengthPrefixed(Key(field));
            w.WriteLengthPrefixed(Key(value));
            Optional(w, previous is null ? null : Key(previous));
        }
    }));

    private LogEntry HashDelete(string key, params (string Field, string Previous)[] fields) => Entry(++_lsn, FormatOneWriter.Payload(1, w =>
    {
        Begin(w, 4, key);
        w.WriteVarUInt((ulong)fields.Length);
        foreach (var (field, previous) in fields)
        {
            w.WriteLengthPrefixed(Key(field));
            w.WriteLengthPrefixed([]);
            Optional(w, Key(previous));
        }
    }));

    private LogEntry Members(byte op, string key, params string[] members) => Entry(++_lsn, FormatOneWriter.Payload(1, w =>
    {
        Begin(w, op, key);
        w.WriteVarUInt((ulong)members.Length);
        foreach (var member in members)
        {
            w.WriteLengthPrefixed(Key(member));
        }
    }));

    private LogEntry Expire(string key, long at, long previous) => Entry(++_lsn, FormatOneWriter.Payload(1, w =>
    {
        Begin(w, 7, key);
        w.WriteVarUInt((ulong)at);
        w.WriteVarUInt((ulong)previous);
    }));

    private LogEntry Delete(string key, byte[] before) => Entry(++_lsn, FormatOneWriter.Payload(1, w =>
    {
        Begin(w, 2, key);
        w.WriteLengthPrefixed(before);
        w.WriteByte(0);
    }));

    private static void Begin(ByteWriter writer, byte op, string key)
    {
        writer.WriteByte(op);
        writer.WriteLengthPrefixed(Key(key));
    }

    private static void Optional(ByteWriter writer, byte[]? value)
    {
        writer.WriteByte(value is null ? (byte)0 : (byte)1);
        if (value is not null)
        {
            writer.WriteLengthPrefixed(value);
        }
    }

    private static LogEntry Entry(int lsn, byte[] payload) =>
        LogEntry.Create(new LogPosition(new Epoch(1), new Lsn((ulong)lsn)), HlcTimestamp.From(NowMs, 0), new NodeId("old-leader"), PayloadKind.Logical, payload);

    private static byte[] Key(string text) => Encoding.UTF8.GetBytes(text);
}
