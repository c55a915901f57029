using System.Globalization;
using System.Text;
using Chorus.Storage;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests.Migration;

/// <summary>A seeded mix of format-1 strings, hashes and sets (binary keys, expiries, one hash larger than a chunk), and the checks that they survived.</summary>
internal sealed class FormatOneData
{
    private readonly List<(byte[] Key, byte Type, long ExpiresAtMs, byte[] Text, List<(byte[] Name, byte[] Value)> Elements)> _keys = [];

    public static FormatOneData Generate(int seed, int keys)
    {
        var random = new Random(seed);
        var data = new FormatOneData();
        for (var i = 0; i < keys; i++)
        {
            var key = i % 97 == 0 ? [0, 0xFF, (byte)i, (byte)(i >> 8), 0x80] : Encoding.UTF8.GetBytes($"key:{i}");
            var expiresAtMs = random.Next(4) == 0 ? 1_800_000_000_000 + random.Next(1_000_000) : 0;
            var type = (byte)(1 + (i % 3));
            var size = i == 1 ? 3_000 : random.Next(1, 12);
            var elements = type == FormatOneWriter.StringType ? [] : Enumerable.Range(0, size)
                .Select(n => (Encoding.UTF8.GetBytes($"f{n}:{random.Next()}"), type == FormatOneWriter.HashType ? Encoding.UTF8.GetBytes($"v{random.Next()}") : []))
                .DistinctBy(e => Convert.ToHexString(e.Item1)).ToList();
            data._keys.Add((key, type, expiresAtMs, Encoding.UTF8.GetBytes($"value {random.Next()}"), elements));
        }
        return data;
    }

    public void WriteTo(IStorageEngine storage)
    {
        using var batch = storage.NewBatch();
        foreach (var (key, type, expiresAtMs, text, elements) in _keys)
        {
            var value = type switch
            {
                FormatOneWriter.StringType => FormatOneWriter.String(text, expiresAtMs),
                FormatOneWriter.HashType => FormatOneWriter.Hash(elements, expiresAtMs),
                _ => FormatOneWriter.Set([.. elements.Select(e => e.Name)], expiresAtMs),
            };
            FormatOneWriter.Put(batch, key, value, expiresAtMs);
        }
        storage.Write(batch, sync: true);
    }

    /// <summary>Every key reads back as format 1 held it: type, expiry, string, fields and values, members.</summary>
    public void AssertSurvived(IStorageEngine storage, long nowMs)
    {
        Assert.Equal(Int(_keys.Count), StorageReads.Run(storage, nowMs, "DBSIZE"));
        foreach (var (key, type, expiresAtMs, text, elements) in _keys)
        {
            Assert.Equal(Int(expiresAtMs == 0 ? -1 : expiresAtMs), StorageReads.RunBytes(storage, nowMs, "PEXPIRETIME"u8.ToArray(), key));
            switch (type)
            {
                case FormatOneWriter.StringType:
                    Assert.Equal(RespValue(text), StorageReads.RunBytes(storage, nowMs, "GET"u8.ToArray(), key));
                    break;
                case FormatOneWriter.HashType:
                    var flat = StorageReads.RunBytes(storage, nowMs, "HGETALL"u8.ToArray(), key).Items;
                    var read = Enumerable.Range(0, flat.Count / 2).ToDictionary(i => Hex(flat[2 * i]), i => Hex(flat[(2 * i) + 1]));
                    Assert.Equal(elements.ToDictionary(e => Convert.ToHexString(e.Name), e => Convert.ToHexString(e.Value)), read);
                    Assert.Equal(Int(elements.Count), StorageReads.RunBytes(storage, nowMs, "HLEN"u8.ToArray(), key));
                    break;
                default:
                    var members = StorageReads.RunBytes(storage, nowMs, "SMEMBERS"u8.ToArray(), key).Items.Select(Hex).Order().ToList();
                    Assert.Equal(elements.Select(e => Convert.ToHexString(e.Name)).Order().ToList(), members);
                    Assert.Equal(Int(elements.Count), StorageReads.RunBytes(storage, nowMs, "SCARD"u8.ToArray(), key));
                    break;
            }
        }
    }

    private static string Hex(Resp.RespValue value) => Convert.ToHexString(value.Bytes.Span);

    private static Resp.RespValue RespValue(byte[] bytes) => Resp.RespValue.BulkString(bytes);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_keys.Count} format-1 keys");
}
