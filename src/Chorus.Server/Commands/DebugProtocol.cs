using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// DEBUG PROTOCOL type: one test value of each reply type, exactly as Redis 7.0 sends it, so
/// client libraries can test their RESP2 and RESP3 parsers against Chorus too.
/// </summary>
internal static class DebugProtocol
{
    private const string TypeNames = "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";

    public static void Write(string type, RespWriter reply)
    {
        var resp3 = reply.Protocol == RespProtocol.Resp3;
        switch (type.ToLowerInvariant())
        {
            case "string":
                reply.WriteBulkString("Hello World");
                break;
            case "integer":
                reply.WriteInteger(12345);
                break;
            case "double":
                reply.WriteDouble(3.141);
                break;
            case "bignum" when resp3:
                reply.WriteRaw("(1234567999999999999999999999999999999\r\n"u8);
                break;
            case "bignum":
                reply.WriteBulkString("1234567999999999999999999999999999999");
                break;
            case "null":
                reply.WriteNull();
                break;
            case "array" or "set":
                WriteNumbers(type.Equals("set", StringComparison.OrdinalIgnoreCase), reply);
                break;
            case "map":
                reply.WriteMapHeader(3);
                for (var i = 0; i < 3; i++)
                {
                    reply.WriteInteger(i);
                    reply.WriteBoolean(i == 1);
                }
                break;
            case "attrib":
                if (resp3)
                {
                    // An attribute is out-of-band metadata: a real reply follows it.
                    reply.WriteRaw("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"u8);
                }
                reply.WriteBulkString("Some real reply following the attribute");
                break;
            case "push" when resp3:
                reply.WritePushHeader(2);
                reply.WriteBulkString("server-cpu-usage");
                reply.WriteInteger(42);
                reply.WriteBulkString("Some real reply following the push reply");
                break;
            case "push":
                reply.WriteError("ERR RESP2 is not supported by this command");
                break;
            case "verbatim":
                reply.WriteVerbatimString("txt", "This is a verbatim\nstring"u8);
                break;
            case "true" or "false":
                reply.WriteBoolean(type.Equals("true", StringComparison.OrdinalIgnoreCase));
                break;
            default:
                reply.WriteError($"ERR Wrong protocol type name. Please use one of the following: {TypeNames}");
                break;
        }
    }

    private static void WriteNumbers(bool asSet, RespWriter reply)
    {
        if (asSet)
        {
            reply.WriteSetHeader(3);
        }
        else
        {
            reply.WriteArrayHeader(3);
        }
        for (var i = 0; i < 3; i++)
        {
            reply.WriteInteger(i);
        }
    }
}
