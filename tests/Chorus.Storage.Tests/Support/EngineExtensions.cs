using System.Text;

namespace Chorus.Storage.Tests.Support;

/// <summary>One-operation writes and whole-column scans, to keep tests to the point.</summary>
public static class EngineExtensions
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static void Put(this IStorageEngine engine, StorageColumn column, byte[] key, byte[] value, bool sync = false)
    {
        using var batch = engine.NewBatch();
        batch.Put(column, key, value);
        engine.Write(batch, sync);
    }

    public static void Put(this IStorageEngine engine, StorageColumn column, string key, string value, bool sync = false) =>
        engine.Put(column, Bytes(key), Bytes(value), sync);

    public static void Delete(this IStorageEngine engine, StorageColumn column, string key, bool sync = false)
    {
        using var batch = engine.NewBatch();
        batch.Delete(column, Bytes(key));
        engine.Write(batch, sync);
    }

    public static string? GetText(this IStorageEngine engine, StorageColumn column, string key) =>
        engine.Get(column, Bytes(key)) is { } value ? Encoding.UTF8.GetString(value) : null;

    /// <summary>Every key of <paramref name="column"/>, first to last.</summary>
    public static List<byte[]> KeysForward(this IStorageEngine engine, StorageColumn column)
    {
        using var iterator = engine.NewIterator(column);
        var keys = new List<byte[]>();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            keys.Add(iterator.Key.ToArray());
        }
        return keys;
    }

    /// <summary>Every key of <paramref name="column"/>, last to first.</summary>
    public static List<byte[]> KeysBackward(this IStorageEngine engine, StorageColumn column)
    {
        using var iterator = engine.NewIterator(column);
        var keys = new List<byte[]>();
        for (iterator.SeekToLast(); iterator.Valid; iterator.Prev())
        {
            keys.Add(iterator.Key.ToArray());
        }
        return keys;
    }

    public static List<string> TextKeys(this IStorageEngine engine, StorageColumn column) =>
        [.. engine.KeysForward(column).Select(k => Encoding.UTF8.GetString(k))];

    public static string? KeyText(this IStorageIterator iterator) =>
        iterator.Valid ? Encoding.UTF8.GetString(iterator.Key) : null;
}
