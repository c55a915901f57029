using System.Globalization;
using System.Text;

namespace Chorus.Resp;

/// <summary>
/// A parsed reply as an immutable tree, for tests, tools and the CLI. The server's hot path
/// never builds these; it writes with <see cref="RespWriter"/>.
/// </summary>
public sealed class RespValue : IEquatable<RespValue>
{
    private readonly byte[] _bytes;
    private readonly RespValue[] _items;

    private RespValue(RespValueKind kind, byte[]? bytes = null, RespValue[]? items = null, long integer = 0, double number = 0)
    {
        Kind = kind;
        _bytes = bytes ?? [];
        _items = items ?? [];
        Integer = integer;
        Double = number;
    }

    public static RespValue Null { get; } = new(RespValueKind.Null);

    public RespValueKind Kind { get; }

    /// <summary>The payload of string-like kinds (for <see cref="RespValueKind.Verbatim"/>, the text after "fmt:").</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>The value of an <see cref="RespValueKind.Integer"/>, or 1/0 for a Boolean.</summary>
    public long Integer { get; }

    public double Double { get; }

    public bool Boolean => Kind == RespValueKind.Boolean && Integer != 0;

    /// <summary>The three-character format of a verbatim string, such as "txt".</summary>
    public string? VerbatimFormat { get; private init; }

    /// <summary>Elements of an aggregate (maps and attributes flat: k, v, k, v); empty otherwise.</summary>
    public IReadOnlyList<RespValue> Items => _items;

    /// <summary>An attribute that preceded this value on the wire, if any.</summary>
    public RespValue? Attributes { get; private init; }

    public bool IsError => Kind == RespValueKind.Error;

    public bool IsNull => Kind == RespValueKind.Null;

    public static RespValue SimpleString(string text) => new(RespValueKind.SimpleString, Utf8(text));

    public static RespValue Error(string message) => new(RespValueKind.Error, Utf8(message));

    /// <summary>A status reply's bytes as sent (servers may echo a client's binary arguments in one).</summary>
    public static RespValue SimpleString(ReadOnlySpan<byte> bytes) => new(RespValueKind.SimpleString, bytes.ToArray());

    /// <summary>An error reply's bytes as sent (Redis quotes a client's binary arguments in errors).</summary>
    public static RespValue Error(ReadOnlySpan<byte> message) => new(RespValueKind.Error, message.ToArray());

    public static RespValue FromInteger(long value) => new(RespValueKind.Integer, integer: value);

    public static RespValue BulkString(ReadOnlySpan<byte> bytes) => new(RespValueKind.BulkString, bytes.ToArray());

    public static RespValue BulkString(string text) => new(RespValueKind.BulkString, Utf8(text));

    public static RespValue FromDouble(double value) => new(RespValueKind.Double, number: value);

    public static RespValue FromBoolean(bool value) => new(RespValueKind.Boolean, integer: value ? 1 : 0);

    public static RespValue BigNumber(string digits) => new(RespValueKind.BigNumber, Utf8(digits));

    public static RespValue Verbatim(string format, ReadOnlySpan<byte> text) =>
        new(RespValueKind.Verbatim, text.ToArray()) { VerbatimFormat = format };

    public static RespValue Array(params RespValue[] items) => Aggregate(RespValueKind.Array, items);

    /// <summary>A map from flat key, value, key, value items.</summary>
    public static RespValue Map(params RespValue[] keysAndValues) => Aggregate(RespValueKind.Map, keysAndValues);

    public static RespValue Set(params RespValue[] items) => Aggregate(RespValueKind.Set, items);

    public static RespValue Push(params RespValue[] items) => Aggregate(RespValueKind.Push, items);

    public static RespValue Attribute(params RespValue[] keysAndValues) => Aggregate(RespValueKind.Attribute, keysAndValues);

    /// <summary>This value with an attribute attached.</summary>
    public RespValue WithAttributes(RespValue attributes) =>
        new(Kind, _bytes, _items, Integer, Double) { VerbatimFormat = VerbatimFormat, Attributes = attributes };

    /// <summary>The value as text: strings decoded as UTF-8, numbers formatted, null for Null.</summary>
    public string? AsString() => Kind switch
    {
        RespValueKind.SimpleString or RespValueKind.Error or RespValueKind.BulkString
            or RespValueKind.BigNumber or RespValueKind.Verbatim => Encoding.UTF8.GetString(_bytes),
        RespValueKind.Integer => Integer.ToString(CultureInfo.InvariantCulture),
        RespValueKind.Double => FormatDouble(Double),
        RespValueKind.Boolean => Boolean ? "true" : "false",
        RespValueKind.Null => null,
        _ => throw new InvalidOperationException($"A {Kind} reply is not text."),
    };

    /// <summary>The value as an integer: integers, booleans, and strings that hold one.</summary>
    public long AsInteger()
    {
        if (Kind is RespValueKind.Integer or RespValueKind.Boolean)
        {
            return Integer;
        }

        if (Kind is RespValueKind.BulkString or RespValueKind.SimpleString && RespInteger.TryParse(_bytes, out var parsed))
        {
            return parsed;
        }

        throw new InvalidOperationException($"A {Kind} reply \"{AsString()}\" is not an integer.");
    }

    /// <summary>redis-cli's rendering: <c>(integer) 1</c>, <c>"v"</c>, <c>1) "a"</c>, <c>(nil)</c>.</summary>
    public override string ToString() => RespValueRenderer.Render(this);

    public bool Equals(RespValue? other) =>
        other is not null && Kind == other.Kind && Integer == other.Integer &&
        Double.Equals(other.Double) && VerbatimFormat == other.VerbatimFormat &&
        _bytes.AsSpan().SequenceEqual(other._bytes) && _items.AsSpan().SequenceEqual(other._items) &&
        Equals(Attributes, other.Attributes);

    public override bool Equals(object? obj) => Equals(obj as RespValue);

    public override int GetHashCode() => HashCode.Combine(Kind, Integer, _bytes.Length, _items.Length);

    internal static string FormatDouble(double value)
    {
        Span<byte> text = stackalloc byte[RespDouble.TextLengthMax];
        return Encoding.ASCII.GetString(text[..RespDouble.Format(value, text)]);
    }

    private static RespValue Aggregate(RespValueKind kind, RespValue[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new RespValue(kind, items: (RespValue[])items.Clone());
    }

    private static byte[] Utf8(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encoding.UTF8.GetBytes(text);
    }
}
