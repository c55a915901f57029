using Chorus.Core.Versions;

namespace Chorus.Core.Tests;

/// <summary>Random inputs for property cases.</summary>
public static class Generate
{
    public static readonly NodeId[] Sites = [new("n1"), new("n2"), new("n3"), new("site-b"), new("dc.west")];

    public static NodeId Site(Random random, int count = 3) => Sites[random.Next(Math.Min(count, Sites.Length))];

    public static VersionVector Vector(Random random) =>
        VersionVector.From(Sites.Where(_ => random.Next(3) > 0).Select(s => new Dot(s, (ulong)random.Next(0, 6))));

    public static byte[] Bytes(Random random, int lengthMax)
    {
        var bytes = new byte[random.Next(lengthMax + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Mutations of a valid encoding a hostile or broken peer could send: truncations, flipped
    /// bits, bytes inserted, removed or overwritten with extremes.
    /// </summary>
    public static byte[] Mutation(Random random, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveAt(at);
                    break;
                case 4 when bytes.Count > 0:
                    bytes[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                    break;
            }
        }
        return [.. bytes];
    }
}
