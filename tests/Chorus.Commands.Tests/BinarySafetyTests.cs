using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis data model: keys, fields, members and values are byte strings; CR, LF, NUL and high bytes are data.
public sealed class BinarySafetyTests : IDisposable
{
    private static readonly byte[] Odd = [0, (byte)'\r', (byte)'\n', 0x80, 0xFF, (byte)'*'];

    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Hash_fields_and_values_are_binary_safe()
    {
        Assert.Equal(Int(1), _h.RunBytes(B("HSET"), Odd, Odd, Odd));
        Assert.Equal(RespValue.BulkString(Odd), _h.RunBytes(B("HGET"), Odd, Odd));
        Assert.Equal(Arr(RespValue.BulkString(Odd), RespValue.BulkString(Odd)), _h.RunBytes(B("HGETALL"), Odd));
    }

    [Fact]
    public void Set_members_are_binary_safe()
    {
        Assert.Equal(Int(2), _h.RunBytes(B("SADD"), Odd, Odd, [0]));
        Assert.Equal(Int(1), _h.RunBytes(B("SISMEMBER"), Odd, Odd));
        Assert.Equal(Int(0), _h.RunBytes(B("SISMEMBER"), Odd, [0, 0]));
        Assert.Equal(Int(1), _h.RunBytes(B("SREM"), Odd, [0]));
    }

    [Fact]
    public void Binary_keys_are_found_by_keys_scan_and_rename()
    {
        _h.RunBytes(B("SET"), Odd, B("v"));
        Assert.Equal(Arr(RespValue.BulkString(Odd)), _h.RunBytes(B("KEYS"), [0, (byte)'*']));
        Assert.Equal(RespValue.BulkString(Odd), _h.RunBytes(B("SCAN"), B("0"), B("MATCH"), [0, (byte)'\r', (byte)'?', (byte)'*']).Items[1].Items[0]);
        Assert.Equal(Ok, _h.RunBytes(B("RENAME"), Odd, [0xFE]));
        Assert.Equal(Bulk("v"), _h.RunBytes(B("GET"), [0xFE]));
    }

    private static byte[] B(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
