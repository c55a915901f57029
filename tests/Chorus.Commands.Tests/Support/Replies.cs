using System.Text;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Tests.Support;

/// <summary>Expected replies, written the way redis-cli shows them.</summary>
internal static class Replies
{
    public static RespValue Ok { get; } = RespValue.SimpleString("OK");

    public static RespValue Nil => RespValue.Null;

    public static RespValue Int(long value) => RespValue.FromInteger(value);

    public static RespValue Bulk(string text) => RespValue.BulkString(text);

    public static RespValue Err(string message) => RespValue.Error(message);

    public static RespValue Status(string text) => RespValue.SimpleString(text);

    public static RespValue Arr(params string[] items) => RespValue.Array(items.Select(Bulk).ToArray());

    public static RespValue Arr(params RespValue[] items) => RespValue.Array(items);

    public static RespValue EmptyArray { get; } = RespValue.Array();

    public static RespValue WrongType => Err("WRONGTYPE Operation against a key holding the wrong kind of value");

    /// <summary>The text of each element of an aggregate reply.</summary>
    public static List<string?> Texts(this RespValue value) => value.Items.Select(i => i.AsString()).ToList();

    /// <summary>The elements' text, sorted, for replies whose order is unspecified.</summary>
    public static List<string?> Sorted(this RespValue value) => value.Texts().Order(StringComparer.Ordinal).ToList();

    /// <summary>The payload of an encoded stored string, as text.</summary>
    public static string StoredText(byte[] encoded) => Encoding.UTF8.GetString(KeyRecord.Parse(encoded).Payload);
}
