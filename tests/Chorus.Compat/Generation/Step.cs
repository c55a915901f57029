using System.Globalization;
using System.Text;
using Chorus.Compat.Comparison;
using Chorus.Resp;

namespace Chorus.Compat.Generation;

/// <summary>
/// One command sent to both servers, how to compare its replies, and the keys it touches (for
/// the history shown with a mismatch). <see cref="TouchesEveryKey"/> marks commands such as
/// FLUSHALL, KEYS and SCAN that concern the whole keyspace.
/// </summary>
internal sealed record Step(IReadOnlyList<byte[]> Args, ReplyCheck Check, IReadOnlyList<byte[]> Keys, bool TouchesEveryKey = false)
{
    public string Name => Encoding.UTF8.GetString(Args[0]).ToUpperInvariant();

    /// <summary>A command whose only key is its first argument (GET key, HSET key ...).</summary>
    public static Step OnKey(ReplyCheck check, params object[] args)
    {
        var built = Build(args);
        return new Step(built, check, built.Length > 1 ? [built[1]] : []);
    }

    /// <summary>A command on the given keys.</summary>
    public static Step OnKeys(IReadOnlyList<byte[]> keys, ReplyCheck check, params object[] args) => new(Build(args), check, keys);

    /// <summary>A command about the whole keyspace.</summary>
    public static Step OnEveryKey(ReplyCheck check, params object[] args) => new(Build(args), check, [], TouchesEveryKey: true);

    public bool Touches(byte[] key) => TouchesEveryKey || Keys.Any(k => k.AsSpan().SequenceEqual(key));

    /// <summary>As redis-cli echoes a command: <c>SET "k1" "\x00"</c>.</summary>
    public override string ToString() =>
        NameText(Args[0]) + string.Concat(Args.Skip(1).Select(a => " " + RespValue.BulkString(a)));

    /// <summary>A name is shown bare when it reads back the same, quoted otherwise.</summary>
    private static string NameText(byte[] name) =>
        name.Length > 0 && !name.AsSpan().ContainsAnyExceptInRange((byte)'!', (byte)'~') && name.AsSpan().IndexOfAny("\"'\\"u8) < 0
            ? Encoding.ASCII.GetString(name)
            : RespValue.BulkString(name).ToString();

    /// <summary>Arguments from strings (UTF-8), byte arrays (as they are), integers, and lists of these (spread).</summary>
    public static byte[][] Build(params object[] args)
    {
        var built = new List<byte[]>(args.Length);
        foreach (var arg in args)
        {
            switch (arg)
            {
                case byte[] bytes:
                    built.Add(bytes);
                    break;
                case string text:
                    built.Add(Encoding.UTF8.GetBytes(text));
                    break;
                case IEnumerable<object> many:   // byte-array lists and option lists, spread
                    built.AddRange(Build([.. many]));
                    break;
                case long or int:
                    built.Add(Encoding.ASCII.GetBytes(Convert.ToString(arg, CultureInfo.InvariantCulture)!));
                    break;
                default:
                    throw new ArgumentException($"an argument of type {arg.GetType().Name} cannot be sent");
            }
        }
        return [.. built];
    }
}
