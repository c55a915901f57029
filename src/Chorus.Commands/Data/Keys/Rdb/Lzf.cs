using Chorus.Core.Encoding;

namespace Chorus.Commands.Data.Keys.Rdb;

/// <summary>LZF decompression (liblzf's lzf_d.c), for the strings Redis compresses in RDB payloads (rdbcompression yes, strings over 20 bytes).</summary>
internal static class Lzf
{
    public static byte[] Decompress(ReadOnlySpan<byte> input, int length)
    {
        var output = new byte[length];
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int ctrl = input[ip++];
            if (ctrl < 32)
            {
                var run = ctrl + 1;
                if (op + run > length || ip + run > input.Length)
                {
                    throw new CorruptDataException("LZF literal run past the end");
                }
                input.Slice(ip, run).CopyTo(output.AsSpan(op));
                ip += run;
                op += run;
                continue;
            }
            var count = ctrl >> 5;
            if (count == 7)
            {
                count += At(input, ip++);
            }
            var reference = op - ((ctrl & 0x1f) << 8) - 1 - At(input, ip++);
            count += 2;
            if (reference < 0 || op + count > length)
            {
                throw new CorruptDataException("LZF back reference out of range");
            }
            for (var i = 0; i < count; i++)
            {
                output[op++] = output[reference++]; // may overlap: byte by byte, as liblzf
            }
        }
        return op == length ? output : throw new CorruptDataException("LZF output shorter than announced");
    }

    private static int At(ReadOnlySpan<byte> input, int index) =>
        index < input.Length ? input[index] : throw new CorruptDataException("LZF input ends inside a back reference");
}
