using System.Buffers;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;

namespace Chorus.Scripting;

/// <summary>
/// Where the function libraries live in the database: records of physical database
/// <see cref="PhysicalDb.Functions"/>, written through the log like any write (so they are durable,
/// replicated in every log format, in snapshots, and rolled back with a divergent suffix):
/// <c>'D'</c> → the directory (the libraries' names, in order), <c>'L' | name</c> → a
/// <see cref="FunctionLibrary"/>, <c>'F' | lowercase function name</c> → its library's name
/// (FCALL's lookup: Redis finds functions ignoring case). Each is stored as a string record.
/// </summary>
public static class FunctionRecords
{
    /// <summary>Reads one record's payload (a string record's bytes), or null.</summary>
    public delegate byte[]? Reader(byte[] key);

    private static readonly byte[] DirectoryKey = "D"u8.ToArray();

    public static byte[] LibraryKey(string name) => [(byte)'L', .. Encoding.UTF8.GetBytes(name)];

    public static byte[] FunctionKey(string name) => [(byte)'F', .. Encoding.UTF8.GetBytes(name.ToLowerInvariant())];

    /// <summary>The reader over a write's staged keyspace (the loop).</summary>
    public static Reader Of(WriteContext context) => key => Payload(context.Keyspace.Get(PhysicalDb.Functions, key));

    /// <summary>The reader over this node's replica (a connection).</summary>
    public static Reader Of(ReadContext context) => key => Payload(context.GetStored(PhysicalDb.Functions, key));

    private static byte[]? Payload(byte[]? record) => record is null ? null : KeyRecord.Parse(record).Payload.ToArray();

    /// <summary>The libraries' names, in ordinal order.</summary>
    public static List<string> Names(Reader read)
    {
        var names = new List<string>();
        if (read(DirectoryKey) is not { } directory)
        {
            return names;
        }
        var reader = new ByteReader(directory);
        var count = reader.ReadLength();
        for (var i = 0; i < count; i++)
        {
            names.Add(Encoding.UTF8.GetString(reader.ReadLengthPrefixed()));
        }
        return names;
    }

    public static FunctionLibrary? Library(Reader read, string name) =>
        read(LibraryKey(name)) is { } encoded ? FunctionLibrary.Decode(encoded) : null;

    /// <summary>Every library, in name order.</summary>
    public static List<FunctionLibrary> All(Reader read) => [.. Names(read).Select(n => Library(read, n)).OfType<FunctionLibrary>()];

    /// <summary>The library holding function <paramref name="function"/>, or null.</summary>
    public static FunctionLibrary? LibraryOf(Reader read, string function) =>
        read(FunctionKey(function)) is { } library ? Library(read, Encoding.UTF8.GetString(library)) : null;

    /// <summary>Stores <paramref name="library"/> (replacing one of the same name), its functions' index and the directory.</summary>
    public static void Put(WriteContext context, FunctionLibrary library)
    {
        var read = Of(context);
        if (Library(read, library.Name) is { } old)
        {
            RemoveIndex(context, old);
        }
        Set(context, LibraryKey(library.Name), library.Encode());
        foreach (var function in library.Functions)
        {
            Set(context, FunctionKey(function.Name), Encoding.UTF8.GetBytes(library.Name));
        }
        var names = Names(read);
        if (!names.Contains(library.Name))
        {
            names.Add(library.Name);
            SetDirectory(context, names);
        }
    }

    /// <summary>Removes library <paramref name="name"/>; false if there is none.</summary>
    public static bool Delete(WriteContext context, string name)
    {
        var read = Of(context);
        if (Library(read, name) is not { } library)
        {
            return false;
        }
        RemoveIndex(context, library);
        Set(context, LibraryKey(name), null);
        var names = Names(read);
        names.Remove(name);
        SetDirectory(context, names);
        return true;
    }

    private static void RemoveIndex(WriteContext context, FunctionLibrary library)
    {
        foreach (var function in library.Functions)
        {
            Set(context, FunctionKey(function.Name), null);
        }
    }

    private static void SetDirectory(WriteContext context, List<string> names)
    {
        if (names.Count == 0)
        {
            Set(context, DirectoryKey, null);
            return;
        }
        names.Sort(StringComparer.Ordinal);
        var output = new ArrayBufferWriter<byte>();
        var writer = new ByteWriter(output);
        writer.WriteVarUInt((ulong)names.Count);
        foreach (var name in names)
        {
            writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(name));
        }
        Set(context, DirectoryKey, output.WrittenSpan.ToArray());
    }

    /// <summary>Records the change of one record (nothing when it already holds that).</summary>
    private static void Set(WriteContext context, byte[] key, byte[]? payload)
    {
        var before = context.Keyspace.Get(PhysicalDb.Functions, key);
        var after = payload is null ? null : Records.String(payload, 0);
        if (before is null && after is null || before is not null && after is not null && before.AsSpan().SequenceEqual(after))
        {
            return;
        }
        context.Record(new FunctionRecordChange(key, after, before));
    }
}
