using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Commands.Tests;

/// <summary>
/// A follower applies a SET over a string straight from the payload's bytes (issue 14, catch-up:
/// no change objects per entry). That shortcut must store exactly what applying the decoded
/// changes one by one stores: the same data, the same expiry index, group after group.
/// </summary>
public sealed class StringPutApplyTests
{
    private static readonly byte[][] Keys = [.. Enumerable.Range(0, 6).Select(i => System.Text.Encoding.ASCII.GetBytes($"key:{i}"))];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Applying_payload_bytes_stores_what_applying_decoded_changes_stores(int seed)
    {
        var groups = LeaderHistory(new Random(seed), groupCount: 40);
        var shortcut = new InMemoryStorageEngine();
        var decoded = new InMemoryStorageEngine();
        Replay(shortcut, groups, (entry, keyspace) => LogApplier.Apply(entry, keyspace));
        Replay(decoded, groups, (entry, keyspace) =>
        {
            foreach (var change in LogicalPayload.Decode(entry.Payload.Span))
            {
                RowChangeApplier.Apply(change, keyspace);
            }
        });

        foreach (var column in new[] { StorageColumn.Data, StorageColumn.Expiry })
        {
            Assert.Equal(Rows(decoded, column), Rows(shortcut, column));
        }
        Assert.NotEmpty(Rows(shortcut, StorageColumn.Expiry)); // the history did exercise the expiry index
    }

    [Fact]
    public void A_put_over_a_string_in_a_group_that_already_changed_the_key_keeps_the_groups_value()
    {
        var storage = new InMemoryStorageEngine();
        var keyspace = new StagedKeyspace(storage);
        var first = Records.String("a"u8, expiresAtMs: 1_900_000_000_000);
        var second = Records.String("b"u8, expiresAtMs: 0);
        LogApplier.Apply(Entry(1, [new PutChange(0, Keys[0], first, null)]), keyspace);
        LogApplier.Apply(Entry(2, [new PutChange(0, Keys[0], second, Records.ImageOf(first))]), keyspace);
        using (var batch = storage.NewBatch())
        {
            keyspace.FlushTo(batch, new Lsn(2));
            storage.Write(batch, sync: false);
        }

        var reader = new StagedKeyspace(storage);
        Assert.Equal(second, reader.Get(reader.Physical(0), Keys[0]));
        Assert.Empty(Rows(storage, StorageColumn.Expiry)); // the expiry the group set and cleared never reached the index
    }

    /// <summary>
    /// Groups of entries as a leader logs them: SETs of random strings (with and without a TTL) over
    /// a few keys, each naming the key's previous record as its before-image (none for a first
    /// write), now and then two changes in one entry (the general path).
    /// </summary>
    private static List<List<LogEntry>> LeaderHistory(Random random, int groupCount)
    {
        var current = new Dictionary<int, byte[]>();
        var groups = new List<List<LogEntry>>();
        ulong lsn = 0;
        for (var g = 0; g < groupCount; g++)
        {
            var group = new List<LogEntry>();
            for (var n = random.Next(1, 8); n > 0; n--)
            {
                var changes = new List<RowChange>();
                for (var c = random.Next(10) == 0 ? 2 : 1; c > 0; c--)
                {
                    var key = random.Next(Keys.Length);
                    var value = new byte[random.Next(1, 20)];
                    random.NextBytes(value);
                    var after = Records.String(value, expiresAtMs: random.Next(3) == 0 ? 1_900_000_000_000 + random.Next(1000) : 0);
                    changes.Add(new PutChange(0, Keys[key], after, current.TryGetValue(key, out var before) ? Records.ImageOf(before) : null));
                    current[key] = after;
                }
                group.Add(Entry(++lsn, changes));
            }
            groups.Add(group);
        }
        return groups;
    }

    private static void Replay(IStorageEngine storage, List<List<LogEntry>> groups, Action<LogEntry, StagedKeyspace> apply)
    {
        var keyspace = new StagedKeyspace(storage);
        foreach (var group in groups)
        {
            foreach (var entry in group)
            {
                apply(entry, keyspace);
            }
            using var batch = storage.NewBatch();
            keyspace.FlushTo(batch, group[^1].Lsn);
            storage.Write(batch, sync: false);
        }
    }

    private static LogEntry Entry(ulong lsn, List<RowChange> changes) =>
        LogEntry.Create(new LogPosition(new Epoch(1), new Lsn(lsn)), HlcTimestamp.From(1_700_000_000_000, 0), new NodeId("n1"), PayloadKind.Logical, LogicalPayload.Encode(changes));

    private static List<(string Key, string Value)> Rows(IStorageEngine storage, StorageColumn column)
    {
        using var iterator = storage.NewIterator(column);
        var rows = new List<(string, string)>();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            rows.Add((Convert.ToHexString(iterator.Key), Convert.ToHexString(iterator.Value)));
        }
        return rows;
    }
}
