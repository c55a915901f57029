using System.Buffers;
using System.Text;
using Chorus.Core.Encoding;

namespace Chorus.Scripting;

/// <summary>Redis 7.0's function flags, in the order FUNCTION LIST shows them.</summary>
[Flags]
public enum FunctionFlags
{
    None = 0,
    NoWrites = 1,
    AllowOom = 2,
    AllowStale = 4,
    NoCluster = 8,
    AllowCrossSlotKeys = 16,
}

/// <summary>One function a library registered: its name, flags and description (null: none given).</summary>
public sealed record LibraryFunction(string Name, FunctionFlags Flags, string? Description)
{
    public static readonly IReadOnlyList<(FunctionFlags Flag, string Name)> FlagNames =
    [
        (FunctionFlags.NoWrites, "no-writes"),
        (FunctionFlags.AllowOom, "allow-oom"),
        (FunctionFlags.AllowStale, "allow-stale"),
        (FunctionFlags.NoCluster, "no-cluster"),
        (FunctionFlags.AllowCrossSlotKeys, "allow-cross-slot-keys"),
    ];
}

/// <summary>
/// A loaded library as the database stores it: its name, its code as the client sent it, and the
/// functions loading it registered (so FUNCTION LIST, FCALL_RO's check and a follower need no Lua
/// to know them). Encoded as <c>u8 1 | len+name | len+code | varint n | (len+name | varint flags |
/// opt len+description)*</c>.
/// </summary>
public sealed record FunctionLibrary(string Name, byte[] Code, IReadOnlyList<LibraryFunction> Functions)
{
    private const byte Version = 1;

    /// <summary>The function named <paramref name="name"/> (exact case first, then any case: Redis looks functions up ignoring case).</summary>
    public LibraryFunction? Find(string name) =>
        Functions.FirstOrDefault(f => f.Name == name) ?? Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>(Code.Length + 64);
        var writer = new ByteWriter(output);
        writer.WriteByte(Version);
        writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(Name));
        writer.WriteLengthPrefixed(Code);
        writer.WriteVarUInt((ulong)Functions.Count);
        foreach (var function in Functions)
        {
            writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(function.Name));
            writer.WriteVarUInt((ulong)function.Flags);
            writer.WriteByte(function.Description is null ? (byte)0 : (byte)1);
            if (function.Description is not null)
            {
                writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(function.Description));
            }
        }
        return output.WrittenSpan.ToArray();
    }

    public static FunctionLibrary Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        var version = reader.ReadByte();
        if (version != Version)
        {
            throw new CorruptDataException($"function library version {version} is not supported (this build reads version {Version})");
        }
        var name = Encoding.UTF8.GetString(reader.ReadLengthPrefixed());
        var code = reader.ReadLengthPrefixed().ToArray();
        var count = reader.ReadLength();
        var functions = new List<LibraryFunction>(count);
        for (var i = 0; i < count; i++)
        {
            var function = Encoding.UTF8.GetString(reader.ReadLengthPrefixed());
            var flags = (FunctionFlags)reader.ReadVarUInt();
            var description = reader.ReadByte() == 1 ? Encoding.UTF8.GetString(reader.ReadLengthPrefixed()) : null;
            functions.Add(new LibraryFunction(function, flags, description));
        }
        if (!reader.IsEnd)
        {
            throw new CorruptDataException("trailing bytes after a function library");
        }
        return new FunctionLibrary(name, code, functions);
    }
}
