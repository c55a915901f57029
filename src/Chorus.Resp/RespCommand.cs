using System.Text;

namespace Chorus.Resp;

/// <summary>
/// One client command: a view over its arguments in a <see cref="RequestBatch"/>'s arena.
/// Argument 0 is the command name. Valid until the batch is cleared.
/// </summary>
public readonly struct RespCommand
{
    private readonly RequestBatch? _batch;
    private readonly int _firstArgument;
    private readonly int _generation;

    internal RespCommand(RequestBatch batch, int firstArgument, int argumentCount, int generation)
    {
        _batch = batch;
        _firstArgument = firstArgument;
        ArgumentCount = argumentCount;
        _generation = generation;
    }

    public int ArgumentCount { get; }

    public ReadOnlySpan<byte> this[int index] => Batch.GetArgument(ArgumentIndex(index), _generation);

    /// <summary>The argument as memory; see <see cref="RequestBatch"/> for how long it stays valid.</summary>
    public ReadOnlyMemory<byte> GetMemory(int index) => Batch.GetArgumentMemory(ArgumentIndex(index), _generation);

    /// <summary>The command carried in this one's arguments from <paramref name="arguments"/> on (CHORUS.READ strong GET k → GET k).</summary>
    public RespCommand Skip(int arguments)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(arguments);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(arguments, ArgumentCount);
        return new RespCommand(Batch, _firstArgument + arguments, ArgumentCount - arguments, _generation);
    }

    /// <summary>Whether the command name equals <paramref name="upperAsciiName"/>, ignoring ASCII case.</summary>
    public bool NameIs(ReadOnlySpan<byte> upperAsciiName) => ArgumentIs(0, upperAsciiName);

    /// <summary>Whether argument <paramref name="index"/> equals a keyword, ignoring ASCII case.</summary>
    public bool ArgumentIs(int index, ReadOnlySpan<byte> upperAsciiWord) =>
        Ascii.EqualsIgnoreCase(this[index], upperAsciiWord);

    /// <summary>The command as redis-cli would echo it, for logs and debugging: <c>SET "k" "v"</c>.</summary>
    public override string ToString()
    {
        if (_batch is null || ArgumentCount == 0)
        {
            return "(empty command)";
        }

        var text = new StringBuilder();
        RespRepr.AppendWord(text, this[0]);
        for (var i = 1; i < ArgumentCount; i++)
        {
            text.Append(' ');
            RespRepr.AppendQuoted(text, this[i]);
        }

        return text.ToString();
    }

    private RequestBatch Batch =>
        _batch ?? throw new InvalidOperationException("A default RespCommand has no arguments.");

    private int ArgumentIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)ArgumentCount, nameof(index));
        return _firstArgument + index;
    }
}
