using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// The item writes one command makes to one stream, gathered so the command logs a single
/// <see cref="StreamChange"/>: each item once, with the value it had before the command and the
/// value it has after (an item written twice, like a group's counters, appears once). Reads see
/// the command's own earlier writes. <see cref="Commit"/> records the change if anything changed.
/// </summary>
internal sealed class StreamEdit
{
    private readonly WriteContext _context;
    private readonly byte[] _key;
    private readonly byte[]? _live;
    private readonly List<Slot> _slots = [];
    private readonly Dictionary<byte[], Slot> _byName = new(ByteArrayComparer.Instance);
    private readonly StreamMeta _metaBefore;

    /// <summary>Edits the stream <paramref name="key"/> stored as <paramref name="live"/> (null: a stream this edit creates).</summary>
    public StreamEdit(WriteContext context, ReadOnlySpan<byte> key, byte[]? live)
    {
        _context = context;
        _key = key.ToArray();
        _live = live;
        _metaBefore = live is null ? StreamMeta.Empty : StreamWrites.Meta(live);
        Meta = _metaBefore;
        Facts = live is null ? new StreamFacts(0, _metaBefore, null) : StreamFacts.Of(context, live);
    }

    public WriteContext Context => _context;

    public long NowMs => _context.NowMs;

    /// <summary>The stream's metadata after the edit (XSETID changes it).</summary>
    public StreamMeta Meta { get; set; }

    /// <summary>Length, metadata and first entry as the command found them (group commands never add or remove entries).</summary>
    public StreamFacts Facts { get; }

    /// <summary>The stream's collection id; null when this edit creates the stream.</summary>
    public ulong? CollectionId => _live is null ? null : KeyRecord.Parse(_live).CollectionId;

    public byte[]? Get(StreamItemKind kind, byte[] name)
    {
        if (_byName.TryGetValue(Name(kind, name), out var slot))
        {
            return slot.After;
        }
        return CollectionId is { } id ? _context.GetElement(ElementKey.Stream(id, kind, name)) : null;
    }

    public void Set(StreamItemKind kind, byte[] name, byte[]? value)
    {
        var full = Name(kind, name);
        if (!_byName.TryGetValue(full, out var slot))
        {
            slot = new Slot(kind, name, Get(kind, name));
            _byName.Add(full, slot);
            _slots.Add(slot);
        }
        slot.After = value;
    }

    /// <summary>Records the edit as one change; false when it changed nothing.</summary>
    public bool Commit()
    {
        var items = _slots
            .Where(s => !Same(s.Before, s.After))
            .Select(s => new StreamItem(s.Kind, s.Name, s.After, s.Before))
            .ToArray();
        if (items.Length == 0 && Meta == _metaBefore && _live is not null)
        {
            return false;
        }
        if (_live is null)
        {
            _context.RemoveExpired(_context.Db, _key);
        }
        _context.Record(new StreamChange(_context.Db, _key, _live is null ? null : Records.ImageOf(_live), Meta.Encode(), items));
        return true;
    }

    /// <summary>Commits; a command that set what was already there still fires its event in Redis (a WATCH holds: Redis 7.0 signals no key modified for group or id changes).</summary>
    public void CommitOrTouch()
    {
        if (!Commit())
        {
            _context.TouchForEventsOnly(_context.Db, _key);
        }
    }

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private static byte[] Name(StreamItemKind kind, byte[] name) => [(byte)kind, .. name];

    private sealed class Slot(StreamItemKind kind, byte[] name, byte[]? before)
    {
        public StreamItemKind Kind { get; } = kind;
        public byte[] Name { get; } = name;
        public byte[]? Before { get; } = before;
        public byte[]? After { get; set; } = before;
    }
}

/// <summary>What a group's lag and entries-read counter are computed from (Redis 7.0's stream fields).</summary>
internal readonly record struct StreamFacts(long Length, StreamMeta Meta, StreamId? FirstId)
{
    public static StreamFacts Of(IKeyspaceView view, byte[] live)
    {
        var record = KeyRecord.Parse(live);
        var first = record.Count == 0 ? null : StreamReads.Edge(view, record.CollectionId, last: false);
        return new StreamFacts(record.Count, StreamMeta.Decode(record.StreamTail), first);
    }

    /// <summary>The id of the last entry present (Redis's streamLastValidID); 0-0 when empty.</summary>
    public static StreamId LastValid(IKeyspaceView view, byte[] live)
    {
        var record = KeyRecord.Parse(live);
        return record.Count == 0 ? StreamId.Zero : StreamReads.Edge(view, record.CollectionId, last: true) ?? StreamId.Zero;
    }
}
