using System.Globalization;
using Chorus.Resp;
using KeraLua;

namespace Chorus.Scripting;

/// <summary>
/// Redis's conversions between Lua values and RESP2 replies (docs: "Conversion between Lua and
/// Redis data types"): a script's return value becomes its reply, and a command's reply inside
/// redis.call becomes a Lua value.
/// </summary>
internal static class LuaReplies
{
    /// <summary>Tables nest at most this deep in a reply; deeper ones reply an error instead of overflowing the stack.</summary>
    private const int DepthMax = 64;

    /// <summary>
    /// Lua → RESP: strings are bulk strings, numbers integers (truncated toward zero), true is 1,
    /// false and nil are nil, {ok=s} a status, {err=s} an error, any other table an array of its
    /// items up to the first nil.
    /// </summary>
    public static void Write(Lua lua, int index, RespWriter reply, int depth = 0)
    {
        index = lua.AbsIndex(index);
        switch (lua.Type(index))
        {
            case LuaType.String:
                reply.WriteBulkString(lua.ToBuffer(index, false));
                break;
            case LuaType.Number:
                reply.WriteInteger(ToInteger(lua, index));
                break;
            case LuaType.Boolean when lua.ToBoolean(index):
                reply.WriteInteger(1);
                break;
            case LuaType.Table when depth >= DepthMax:
                reply.WriteError("ERR reached lua stack limit");
                break;
            case LuaType.Table:
                WriteTable(lua, index, reply, depth);
                break;
            default:
                reply.WriteNull();
                break;
        }
    }

    private static void WriteTable(Lua lua, int index, RespWriter reply, int depth)
    {
        if (StringField(lua, index, "err") is { } error)
        {
            reply.WriteError(OneLine(error));
            return;
        }
        if (StringField(lua, index, "ok") is { } status)
        {
            reply.WriteSimpleString(OneLine(status));
            return;
        }
        var count = 0;
        while (lua.RawGetInteger(index, count + 1) != LuaType.Nil)
        {
            lua.Pop(1);
            count++;
        }
        lua.Pop(1);
        reply.WriteArrayHeader(count);
        for (var i = 1; i <= count; i++)
        {
            lua.RawGetInteger(index, i);
            Write(lua, -1, reply, depth + 1);
            lua.Pop(1);
        }
    }

    /// <summary>A status or error is one line: Redis turns line breaks in them into spaces.</summary>
    public static string OneLine(string text) => text.Replace('\r', ' ').Replace('\n', ' ');

    /// <summary>The table's field <paramref name="name"/> when it is a string (Redis looks them up raw).</summary>
    public static string? StringField(Lua lua, int index, string name)
    {
        lua.PushString(name);
        var type = lua.RawGet(index);
        var value = type == LuaType.String ? lua.ToString(-1, false) : null;
        lua.Pop(1);
        return value;
    }

    /// <summary>
    /// A Lua number as Redis reads it: an integer as is, a float truncated toward zero — one out
    /// of range (or NaN) becomes the minimum, as C's cast gives it on x86 in Redis.
    /// </summary>
    public static long ToInteger(Lua lua, int index)
    {
        if (lua.IsInteger(index))
        {
            return lua.ToInteger(index);
        }
        var number = lua.ToNumber(index);
        return double.IsNaN(number) || number >= 9.2233720368547758E18 || number < -9.2233720368547758E18 ? long.MinValue : (long)number;
    }

    /// <summary>
    /// RESP → Lua: integers are numbers, bulk strings strings, nil (bulk or array) false, arrays
    /// tables, a status {ok=s}, an error {err=s}.
    /// </summary>
    public static void Push(Lua lua, RespValue value)
    {
        switch (value.Kind)
        {
            case RespValueKind.Integer:
                lua.PushInteger(value.Integer);
                break;
            case RespValueKind.BulkString:
                lua.PushBuffer(value.Bytes.ToArray());
                break;
            case RespValueKind.SimpleString:
                PushTable(lua, "ok", value.Bytes.ToArray());
                break;
            case RespValueKind.Error:
                PushTable(lua, "err", value.Bytes.ToArray());
                break;
            case RespValueKind.Array:
            case RespValueKind.Set:
                lua.CreateTable(value.Items.Count, 0);
                for (var i = 0; i < value.Items.Count; i++)
                {
                    Push(lua, value.Items[i]);
                    lua.RawSetInteger(-2, i + 1);
                }
                break;
            case RespValueKind.Double:
                lua.PushBuffer(System.Text.Encoding.ASCII.GetBytes(value.Double.ToString("R", CultureInfo.InvariantCulture)));
                break;
            case RespValueKind.Boolean:
                lua.PushBoolean(value.Boolean);
                break;
            default:
                lua.PushBoolean(false);
                break;
        }
    }

    /// <summary>Pushes { <paramref name="field"/> = <paramref name="text"/> }.</summary>
    public static void PushTable(Lua lua, string field, byte[] text)
    {
        lua.CreateTable(0, 1);
        lua.PushBuffer(text);
        lua.SetField(-2, field);
    }
}
