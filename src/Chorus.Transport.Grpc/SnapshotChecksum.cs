using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Chorus.Transport.Grpc;

/// <summary>
/// CRC-32C of a snapshot file, computed by both ends of the <see cref="SnapshotStream"/> as the
/// bytes pass. The CPU's crc32 instruction (<see cref="BitOperations.Crc32C(uint, ulong)"/>) in a
/// method that is compiled optimized from its first call: System.IO.Hashing's XxHash3 ran as
/// unoptimized Tier-0 code for the whole transfer in a young process (a profile put a fifth of
/// both nodes' CPU in it), as any freshly jitted loop would.
/// </summary>
public struct SnapshotChecksum()
{
    private uint _crc = uint.MaxValue;

    public readonly uint Value => ~_crc;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _crc;
        var whole = 0;
        if (BitConverter.IsLittleEndian)
        {
            // Eight bytes per instruction; byte order as CRC-32C defines it on a little-endian machine.
            foreach (var word in MemoryMarshal.Cast<byte, ulong>(data))
            {
                crc = BitOperations.Crc32C(crc, word);
            }
            whole = data.Length & ~7;
        }
        foreach (var b in data[whole..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        _crc = crc;
    }
}
