using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// One consumer group being changed by a command: its state, its consumers and its pending
/// entries list (PEL). Each pending entry is stored twice — under the group (by id: XPENDING,
/// XAUTOCLAIM) and under its consumer (by consumer, then id: XREADGROUP's history, DELCONSUMER) —
/// so delivering or acknowledging one entry touches a constant number of items whatever the PEL's
/// size. The counters XINFO shows are kept in the group and consumer items.
/// </summary>
internal sealed class GroupSession
{
    private readonly StreamEdit _edit;
    private readonly byte[] _name;

    private GroupSession(StreamEdit edit, byte[] name, GroupState state)
    {
        _edit = edit;
        _name = name;
        State = state;
    }

    public GroupState State { get; set; }

    public byte[] Name => _name;

    public StreamEdit Edit => _edit;

    /// <summary>The group, or null if the stream has none of that name.</summary>
    public static GroupSession? Open(StreamEdit edit, byte[] name) =>
        edit.Get(StreamItemKind.Group, name) is { } value ? new GroupSession(edit, name, GroupState.Decode(value)) : null;

    /// <summary>Creates the group (the caller checked it does not exist).</summary>
    public static GroupSession Create(StreamEdit edit, byte[] name, StreamId lastDelivered, long entriesRead)
    {
        var session = new GroupSession(edit, name, new GroupState(lastDelivered, entriesRead, 0, 0));
        session.Save();
        return session;
    }

    public void Save() => _edit.Set(StreamItemKind.Group, _name, State.Encode());

    public void Destroy() => _edit.Set(StreamItemKind.Group, _name, null); // its consumers and PEL go with GroupItems.RemoveAll

    public ConsumerState? FindConsumer(byte[] consumer) =>
        _edit.Get(StreamItemKind.Consumer, GroupNames.Consumer(_name, consumer)) is { } value ? ConsumerState.Decode(value) : null;

    /// <summary>Creates the consumer if it is missing (true) and marks it seen now (Redis's streamLookupConsumer / streamCreateConsumer).</summary>
    public bool SeeConsumer(byte[] consumer, bool refresh = true)
    {
        var found = FindConsumer(consumer);
        if (found is { } existing)
        {
            if (refresh)
            {
                SetConsumer(consumer, existing with { SeenMs = _edit.NowMs });
            }
            return false;
        }
        SetConsumer(consumer, new ConsumerState(_edit.NowMs, 0));
        State = State with { Consumers = State.Consumers + 1 };
        Save();
        return true;
    }

    /// <summary>Removes the consumer and its pending entries; returns how many it had (it must exist).</summary>
    public long DeleteConsumer(byte[] consumer, IReadOnlyList<StreamId> pending)
    {
        foreach (var id in pending)
        {
            _edit.Set(StreamItemKind.Pending, GroupNames.Pending(_name, id), null);
            _edit.Set(StreamItemKind.ConsumerPending, GroupNames.ConsumerPending(_name, consumer, id), null);
        }
        _edit.Set(StreamItemKind.Consumer, GroupNames.Consumer(_name, consumer), null);
        State = State with { Consumers = State.Consumers - 1, Pending = State.Pending - pending.Count };
        Save();
        return pending.Count;
    }

    public PendingEntry? Pending(StreamId id) =>
        _edit.Get(StreamItemKind.Pending, GroupNames.Pending(_name, id)) is { } value ? PendingEntry.Decode(value) : null;

    /// <summary>
    /// Makes <paramref name="id"/> pending for <paramref name="consumer"/> (which exists), moving it
    /// from another consumer if it was theirs, with the given delivery time and count.
    /// </summary>
    public void Deliver(StreamId id, byte[] consumer, long deliveredMs, long deliveryCount)
    {
        var existing = Pending(id);
        if (existing is null)
        {
            State = State with { Pending = State.Pending + 1 };
            Save();
            Own(consumer, id, +1);
        }
        else if (!existing.Consumer.AsSpan().SequenceEqual(consumer))
        {
            Own(existing.Consumer, id, -1);
            Own(consumer, id, +1);
        }
        _edit.Set(StreamItemKind.Pending, GroupNames.Pending(_name, id), new PendingEntry(deliveredMs, deliveryCount, consumer).Encode());
    }

    /// <summary>Updates a pending entry's delivery time and count, keeping its consumer.</summary>
    public void Redeliver(StreamId id, PendingEntry entry, long deliveredMs, long deliveryCount) =>
        _edit.Set(StreamItemKind.Pending, GroupNames.Pending(_name, id), (entry with { DeliveredMs = deliveredMs, DeliveryCount = deliveryCount }).Encode());

    /// <summary>Removes <paramref name="id"/> from the PEL (XACK, or an entry that no longer exists); false if it was not pending.</summary>
    public bool Acknowledge(StreamId id)
    {
        if (Pending(id) is not { } entry)
        {
            return false;
        }
        _edit.Set(StreamItemKind.Pending, GroupNames.Pending(_name, id), null);
        Own(entry.Consumer, id, -1);
        State = State with { Pending = State.Pending - 1 };
        Save();
        return true;
    }

    /// <summary>Adds (+1) or removes (-1) <paramref name="id"/> in the consumer's own index and count.</summary>
    private void Own(byte[] consumer, StreamId id, int delta)
    {
        _edit.Set(StreamItemKind.ConsumerPending, GroupNames.ConsumerPending(_name, consumer, id), delta > 0 ? [] : null);
        var state = FindConsumer(consumer);
        Invariant.That(state is not null, "a pending entry belongs to an existing consumer");
        SetConsumer(consumer, state!.Value with { Pending = state.Value.Pending + delta });
    }

    private void SetConsumer(byte[] consumer, ConsumerState state) =>
        _edit.Set(StreamItemKind.Consumer, GroupNames.Consumer(_name, consumer), state.Encode());
}
