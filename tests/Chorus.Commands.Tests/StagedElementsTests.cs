using Chorus.Commands.Keyspace;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Commands.Tests;

/// <summary>
/// A group of writes reads its own element writes: the staged keyspace's cursor merges stored and
/// staged elements (staged puts win, staged deletes hide) in order, forwards, backwards, from any
/// seek target and across direction changes. Checked against a sorted model with seeded data.
/// </summary>
public sealed class StagedElementsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_cursor_walks_stored_and_staged_elements_as_one_collection(int seed)
    {
        var random = new Random(seed);
        using var storage = new InMemoryStorageEngine();
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using (var batch = storage.NewBatch())
        {
            foreach (var i in Enumerable.Range(0, 40).Select(_ => random.Next(100)).Distinct())
            {
                batch.Put(StorageColumn.Elements, Key(7, i), Value($"stored{i}"));
                model[Hex(i)] = $"stored{i}";
            }
            batch.Put(StorageColumn.Elements, Key(6, 5), Value("another collection"));
            batch.Put(StorageColumn.Elements, Key(8, 5), Value("another collection"));
            storage.Write(batch, sync: false);
        }
        var keyspace = new StagedKeyspace(storage);
        for (var n = 0; n < 40; n++)
        {
            var i = random.Next(100);
            if (random.Next(3) == 0)
            {
                keyspace.SetElement(Key(7, i), null);
                model.Remove(Hex(i));
            }
            else
            {
                keyspace.SetElement(Key(7, i), Value($"staged{i}"));
                model[Hex(i)] = $"staged{i}";
            }
        }

        using var cursor = keyspace.OpenElements(7);
        Assert.Equal(model.ToList(), Forward(cursor, c => c.SeekToFirst()));
        Assert.Equal(model.Reverse().ToList(), Backward(cursor, c => c.SeekToLast()));
        for (var n = 0; n < 30; n++)
        {
            var target = random.Next(101);
            Assert.Equal(model.Where(e => string.CompareOrdinal(e.Key, Hex(target)) >= 0).ToList(), Forward(cursor, c => c.Seek(SubKey(target))));
            Assert.Equal(model.Where(e => string.CompareOrdinal(e.Key, Hex(target)) <= 0).Reverse().ToList(), Backward(cursor, c => c.SeekForPrev(SubKey(target))));
            cursor.Seek(SubKey(target));
            if (cursor.Valid)
            {
                var at = cursor.SubKey.ToArray();
                cursor.Next();
                if (cursor.Valid)
                {
                    cursor.Prev();
                    Assert.Equal(at, cursor.SubKey.ToArray());
                }
            }
        }
    }

    private static List<KeyValuePair<string, string>> Forward(IElementCursor cursor, Action<IElementCursor> seek)
    {
        var seen = new List<KeyValuePair<string, string>>();
        for (seek(cursor); cursor.Valid; cursor.Next())
        {
            seen.Add(new(Convert.ToHexString(cursor.SubKey), System.Text.Encoding.UTF8.GetString(cursor.Value)));
        }
        return seen;
    }

    private static List<KeyValuePair<string, string>> Backward(IElementCursor cursor, Action<IElementCursor> seek)
    {
        var seen = new List<KeyValuePair<string, string>>();
        for (seek(cursor); cursor.Valid; cursor.Prev())
        {
            seen.Add(new(Convert.ToHexString(cursor.SubKey), System.Text.Encoding.UTF8.GetString(cursor.Value)));
        }
        return seen;
    }

    private static byte[] Key(ulong id, int i) => [.. ElementKey.CollectionStart(id), .. SubKey(i)];

    private static byte[] SubKey(int i) => [(byte)(i / 10), (byte)(i % 10)];

    private static string Hex(int i) => Convert.ToHexString(SubKey(i));

    private static byte[] Value(string text) => System.Text.Encoding.UTF8.GetBytes(text);

}
