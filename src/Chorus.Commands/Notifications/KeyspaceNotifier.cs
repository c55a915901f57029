using Chorus.Commands.Logical;

namespace Chorus.Commands.Notifications;

/// <summary>
/// Keyspace notifications (Redis's notify-keyspace-events): the classes this node fires and where
/// events go. Node-local, as in Redis: each node fires events for the writes it executes or
/// applies, the leader for its clients' commands and its expiry, a follower for what it applies
/// from the log. Set from any thread (CONFIG SET); events are collected on the node's loop and
/// handed to <see cref="Publish"/> there. Off (no classes) costs one read per write.
/// </summary>
public sealed class KeyspaceNotifier
{
    private volatile int _classes;
    private readonly List<KeyspaceEvent> _pending = [];

    /// <summary>The configured classes and channels.</summary>
    public KeyspaceEventClasses Classes
    {
        get => (KeyspaceEventClasses)_classes;
        set => _classes = (int)value;
    }

    /// <summary>Whether any event can fire: a channel (K or E) and at least one event class.</summary>
    public bool Enabled =>
        (Classes & (KeyspaceEventClasses.Keyspace | KeyspaceEventClasses.Keyevent)) != 0
        && (Classes & ~(KeyspaceEventClasses.Keyspace | KeyspaceEventClasses.Keyevent)) != 0;

    /// <summary>Receives each event whose class is enabled (the host publishes it on the channels <see cref="Classes"/> asks for).</summary>
    public Action<KeyspaceEvent>? Publish { get; set; }

    /// <summary>Fires the events of the changes from <paramref name="from"/> on, made by <paramref name="command"/> (null: unknown).</summary>
    public void Record(string? command, EventHints hints, IReadOnlyList<RowChange> changes, int from, Func<int, byte[], bool> exists) =>
        Record(command, hints, changes, from, exists, [], 0);

    /// <summary>As above, plus the keys the command touched without a change (from index <paramref name="touchedFrom"/> of <paramref name="touched"/>).</summary>
    public void Record(string? command, EventHints hints, IReadOnlyList<RowChange> changes, int from, Func<int, byte[], bool> exists, IReadOnlyList<(int Db, byte[] Key)> touched, int touchedFrom)
    {
        if (!Enabled || Publish is not { } publish || (from >= changes.Count && touchedFrom >= touched.Count))
        {
            return;
        }
        _pending.Clear();
        KeyspaceEventNames.Collect(command, hints, changes, from, exists, _pending);
        for (var i = touchedFrom; i < touched.Count; i++)
        {
            _pending.AddRange(KeyspaceEventNames.ForTouched(command, hints, touched[i].Db, touched[i].Key));
        }
        var classes = Classes;
        foreach (var e in _pending.Where(e => (e.Class & classes) != 0))
        {
            publish(e);
        }
        _pending.Clear();
    }
}
