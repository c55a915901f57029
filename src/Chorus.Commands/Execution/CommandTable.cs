using System.Collections.Frozen;
using System.Text;

namespace Chorus.Commands.Execution;

/// <summary>
/// Name → command lookup, case-insensitive, without allocating: the name's bytes are widened to
/// chars on the stack and probed through the frozen dictionary's span lookup.
/// </summary>
public sealed class CommandTable
{
    private const int NameLengthMax = 64;

    private readonly FrozenDictionary<string, CommandSpec> _byName;
    private readonly FrozenDictionary<string, CommandSpec>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CommandTable(IEnumerable<CommandSpec> commands)
    {
        _byName = commands.ToFrozenDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        _lookup = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IEnumerable<CommandSpec> All => _byName.Values;

    public int Count => _byName.Count;

    public bool TryGet(ReadOnlySpan<byte> name, out CommandSpec spec)
    {
        if (name.Length > NameLengthMax)
        {
            spec = null!;
            return false;
        }
        Span<char> chars = stackalloc char[name.Length];
        var length = Encoding.Latin1.GetChars(name, chars);
        return _lookup.TryGetValue(chars[..length], out spec!);
    }

    public bool TryGet(string name, out CommandSpec spec) => _byName.TryGetValue(name, out spec!);
}
