using System.Buffers;
using System.Text;

namespace Chorus.Resp;

/// <summary>
/// The commands parsed from one connection's input, with their argument bytes copied into one
/// pooled arena so they outlive the pipe buffer they came from. One batch per connection:
/// parse, execute, <see cref="Clear"/>, repeat; not thread-safe.
/// </summary>
/// <remarks>
/// Spans and memory handed out point into the arena. They stay valid until the batch next
/// grows (a parse or an Add), is cleared or disposed; a value kept longer must be copied.
/// <see cref="RespCommand"/> views themselves survive growth and throw once the batch is cleared.
/// The caller bounds a batch with <see cref="ArenaBytes"/>: executing once it passes a budget
/// of up to 1 GiB keeps the arena within an array's reach.
/// </remarks>
public sealed class RequestBatch : IDisposable
{
    private const int ArenaBytesInitial = 4096;
    private const int SlotsInitial = 16;

    // Clear keeps buffers up to these sizes; one huge request must not pin its memory forever.
    private const int ArenaRetainBytesMax = 1024 * 1024;
    private const int SlotsRetainMax = 64 * 1024;

    // Arrays up to this many elements come from the shared pool; larger ones are allocated and
    // dropped, so the garbage collector can give them back (the shared pool keeps what it is
    // returned, up to a gigabyte per array).
    private const int PooledLengthMax = 1024 * 1024;

    private byte[] _arena = [];
    private int _arenaLength;
    private ArgumentSlot[] _arguments = [];
    private int _argumentCount;
    private CommandSlot[] _commands = [];
    private int _count;
    private int _generation;
    private MultibulkScan _pendingScan;

    public int Count => _count;

    /// <summary>Argument bytes held by the batch's commands.</summary>
    public long ArenaBytes => _arenaLength;

    /// <summary>Memory the batch holds for argument bytes (what the client memory limits count).</summary>
    public long ArenaCapacity => _arena.Length;

    public RespCommand this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            var command = _commands[index];
            return new RespCommand(this, command.FirstArgument, command.ArgumentCount, _generation);
        }
    }

    /// <summary>Appends a command built from byte arrays; argument 0 is the command name.</summary>
    public void Add(params ReadOnlySpan<byte[]> args)
    {
        ThrowIfNoArguments(args.Length, nameof(args));
        long total = 0;
        foreach (var arg in args)
        {
            ArgumentNullException.ThrowIfNull(arg, nameof(args));
            total += arg.Length;
        }

        Reserve(total, args.Length);
        var first = _argumentCount;
        foreach (var arg in args)
        {
            arg.CopyTo(AppendArgument(arg.Length));
        }

        CommitCommand(first);
    }

    /// <summary>Appends a command built from strings, encoded as UTF-8.</summary>
    public void Add(params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        ThrowIfNoArguments(args.Length, nameof(args));
        long total = 0;
        foreach (var arg in args)
        {
            ArgumentNullException.ThrowIfNull(arg, nameof(args));
            total += Encoding.UTF8.GetByteCount(arg);
        }

        Reserve(total, args.Length);
        var first = _argumentCount;
        foreach (var arg in args)
        {
            Encoding.UTF8.GetBytes(arg, AppendArgument(Encoding.UTF8.GetByteCount(arg)));
        }

        CommitCommand(first);
    }

    /// <summary>Appends a copy of a command, which may come from this batch or another.</summary>
    public void AddFrom(RespCommand other)
    {
        ThrowIfNoArguments(other.ArgumentCount, nameof(other));
        long total = 0;
        for (var i = 0; i < other.ArgumentCount; i++)
        {
            total += other[i].Length;
        }

        // Reserve before reading: growing this arena afterwards would move `other`'s bytes.
        Reserve(total, other.ArgumentCount);
        var first = _argumentCount;
        for (var i = 0; i < other.ArgumentCount; i++)
        {
            var source = other[i];
            source.CopyTo(AppendArgument(source.Length));
        }

        CommitCommand(first);
    }

    /// <summary>Forgets the commands and keeps the buffers for the next batch.</summary>
    /// <remarks>A request still arriving (the parser said NeedMoreData) is not forgotten.</remarks>
    public void Clear()
    {
        _arenaLength = 0;
        _argumentCount = 0;
        _count = 0;
        _generation++;
        if (_arena.Length > ArenaRetainBytesMax)
        {
            ReturnToPool(ref _arena);
        }

        if (_arguments.Length > SlotsRetainMax)
        {
            ReturnToPool(ref _arguments);
        }

        if (_commands.Length > SlotsRetainMax)
        {
            ReturnToPool(ref _commands);
        }
    }

    public void Dispose()
    {
        Clear();
        _pendingScan = default;
        ReturnToPool(ref _arena);
        ReturnToPool(ref _arguments);
        ReturnToPool(ref _commands);
    }

    public override string ToString() => $"RequestBatch({_count} commands, {_arenaLength} bytes)";

    internal ref MultibulkScan PendingScan => ref _pendingScan;

    internal int ArgumentMark => _argumentCount;

    internal int ArenaLength => _arenaLength;

    internal ReadOnlySpan<byte> GetArgument(int argument, int generation)
    {
        var slot = GetSlot(argument, generation);
        return _arena.AsSpan(slot.Offset, slot.Length);
    }

    internal ReadOnlyMemory<byte> GetArgumentMemory(int argument, int generation)
    {
        var slot = GetSlot(argument, generation);
        return _arena.AsMemory(slot.Offset, slot.Length);
    }

    /// <summary>Makes room for <paramref name="bytes"/> more arena bytes and argument slots.</summary>
    internal void Reserve(long bytes, int arguments)
    {
        var bytesNeeded = _arenaLength + bytes;
        if (bytesNeeded > _arena.Length)
        {
            Grow(ref _arena, _arenaLength, bytesNeeded, ArenaBytesInitial);
        }

        if (_argumentCount + arguments > _arguments.Length)
        {
            Grow(ref _arguments, _argumentCount, (long)_argumentCount + arguments, SlotsInitial);
        }
    }

    /// <summary>Room for <paramref name="length"/> bytes after the arena's end, not yet used.</summary>
    internal Span<byte> ArenaTail(int length)
    {
        Reserve(length, 0);
        return _arena.AsSpan(_arenaLength, length);
    }

    internal Span<byte> AppendArgument(int length)
    {
        var destination = ArenaTail(length);
        AddArgument(_arenaLength, length);
        _arenaLength += length;
        return destination;
    }

    internal void AddArgument(int offset, int length)
    {
        Reserve(0, 1);
        _arguments[_argumentCount++] = new ArgumentSlot(offset, length);
    }

    internal void SetArenaLength(int length) => _arenaLength = length;

    internal void CommitCommand(int firstArgument)
    {
        if (_count == _commands.Length)
        {
            Grow(ref _commands, _count, _count + 1L, SlotsInitial);
        }

        _commands[_count++] = new CommandSlot(firstArgument, _argumentCount - firstArgument);
    }

    internal void Rollback(int argumentMark, int arenaLength)
    {
        _argumentCount = argumentMark;
        _arenaLength = arenaLength;
    }

    private ArgumentSlot GetSlot(int argument, int generation)
    {
        if (generation != _generation)
        {
            throw new InvalidOperationException("The command was read after its RequestBatch was cleared.");
        }

        return _arguments[argument];
    }

    private static void Grow<T>(ref T[] array, int used, long needed, int initial)
    {
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException(
                $"RequestBatch would need {needed} {typeof(T).Name} slots; execute and clear batches sooner.");
        }

        var size = Math.Clamp(Math.Max(needed, 2L * array.Length), initial, Array.MaxLength);
        var grown = size <= PooledLengthMax ? ArrayPool<T>.Shared.Rent((int)size) : GC.AllocateUninitializedArray<T>((int)size);
        array.AsSpan(0, used).CopyTo(grown);
        ReturnToPool(ref array);
        array = grown;
    }

    private static void ReturnToPool<T>(ref T[] array)
    {
        if (array.Length is > 0 and <= PooledLengthMax)
        {
            ArrayPool<T>.Shared.Return(array);
        }

        array = [];
    }

    private static void ThrowIfNoArguments(int count, string paramName)
    {
        if (count == 0)
        {
            throw new ArgumentException("A command needs at least its name.", paramName);
        }
    }

    private readonly record struct ArgumentSlot(int Offset, int Length);

    private readonly record struct CommandSlot(int FirstArgument, int ArgumentCount);
}
