using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;

namespace Chorus.Commands.Data;

/// <summary>Point reads of elements, with keys built on the stack.</summary>
internal static class ElementReads
{
    /// <summary>A hash field's value or a set member's (empty) value; null if absent.</summary>
    public static byte[]? GetNamed(IKeyspaceView view, ulong id, ReadOnlySpan<byte> name)
    {
        var length = ElementKey.NamedLength(name);
        if (length > ElementKey.StackLengthMax)
        {
            return view.GetElement(ElementKey.Named(id, name));
        }
        Span<byte> key = stackalloc byte[length];
        ElementKey.WriteNamed(key, id, name);
        return view.GetElement(key);
    }

    public static bool HasNamed(IKeyspaceView view, ulong id, ReadOnlySpan<byte> name) => GetNamed(view, id, name) is not null;
}
