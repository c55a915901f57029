namespace Chorus.Commands.Data.Keys.Rdb;

/// <summary>
/// Redis's CRC-64 (crc64.c, "Jones" coefficients: polynomial 0xad93d23594c935a9, reflected, initial
/// value 0, no final xor), which ends every DUMP payload and RDB file. Check value:
/// CRC of "123456789" is 0xe9c6d914c4b8d9ca.
/// </summary>
internal static class Crc64Jones
{
    private const ulong ReflectedPolynomial = 0x95ac9329ac4bc9b5;

    private static readonly ulong[] Table = BuildTable();

    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        ulong crc = 0;
        foreach (var b in data)
        {
            crc = Table[(byte)(crc ^ b)] ^ (crc >> 8);
        }
        return crc;
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }
            table[i] = crc;
        }
        return table;
    }
}
