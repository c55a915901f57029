using System.Collections.Frozen;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Notifications;

/// <summary>
/// Which events a command's row changes fire, with Redis 7.0's names. Most names follow from the
/// change itself (a hash field set is "hset", a list push at the head "lpush", a key renamed
/// "rename_from" and "rename_to"); the commands whose Redis event says more than their change
/// (INCR's "incrby", SPOP's "spop", ZUNIONSTORE's "zunionstore") are named in
/// <see cref="CommandEvents"/>. Without a command — a follower applying the logical log, which
/// carries row changes only — the change's own name is used.
/// </summary>
public static class KeyspaceEventNames
{
    /// <summary>The event Redis fires for the command's data change, where it is not the change's own name.</summary>
    private static readonly FrozenDictionary<string, string> CommandEvents = new Dictionary<string, string>
    {
        ["INCR"] = "incrby", ["INCRBY"] = "incrby", ["DECR"] = "incrby", ["DECRBY"] = "incrby",
        ["INCRBYFLOAT"] = "incrbyfloat", ["APPEND"] = "append", ["SETRANGE"] = "setrange",
        ["SETBIT"] = "setbit", ["BITFIELD"] = "setbit", ["BITOP"] = "set",
        ["LTRIM"] = "ltrim", ["HINCRBY"] = "hincrby", ["HINCRBYFLOAT"] = "hincrbyfloat",
        ["SPOP"] = "spop", ["SINTERSTORE"] = "sinterstore", ["SUNIONSTORE"] = "sunionstore", ["SDIFFSTORE"] = "sdiffstore",
        ["ZINCRBY"] = "zincr", ["ZPOPMIN"] = "zpopmin", ["ZPOPMAX"] = "zpopmax", ["BZPOPMIN"] = "zpopmin", ["BZPOPMAX"] = "zpopmax",
        ["ZREMRANGEBYRANK"] = "zremrangebyrank", ["ZREMRANGEBYSCORE"] = "zremrangebyscore", ["ZREMRANGEBYLEX"] = "zremrangebylex",
        ["ZUNIONSTORE"] = "zunionstore", ["ZINTERSTORE"] = "zinterstore", ["ZDIFFSTORE"] = "zdiffstore", ["ZRANGESTORE"] = "zrangestore",
        ["RESTORE"] = "restore", ["SORT"] = "sortstore", ["SORT_RO"] = "sortstore",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The events of <paramref name="changes"/> (from index <paramref name="from"/>), made by
    /// <paramref name="command"/> (null: unknown), in order; <paramref name="exists"/> tells
    /// whether a key exists after them (a collection emptied by a removal also fires "del").
    /// </summary>
    public static void Collect(string? command, EventHints hints, IReadOnlyList<RowChange> changes, int from, Func<int, byte[], bool> exists, List<KeyspaceEvent> events)
    {
        var start = events.Count;
        var overwritten = new List<DeleteChange>();
        for (var i = from; i < changes.Count; i++)
        {
            if (changes[i] is DeleteChange { Reason: DeleteReason.Command } delete && TouchedLater(changes, i, delete))
            {
                overwritten.Add(delete);
            }
            else
            {
                Add(command, hints, changes[i], exists, events, start, overwritten);
            }
        }
        if (command is "LMOVE" or "BLMOVE" or "RPOPLPUSH" or "BRPOPLPUSH")
        {
            // Redis pushes onto the destination (announcing it) before it announces the pop, then
            // the source's deletion if it emptied.
            var ordered = events.Skip(start).OrderBy(e => e.Name switch { "new" => 0, "lpush" or "rpush" => 1, "del" => 3, _ => 2 }).ToList();
            events.RemoveRange(start, events.Count - start);
            events.AddRange(ordered);
        }
    }

    private static void Add(string? command, EventHints hints, RowChange change, Func<int, byte[], bool> exists, List<KeyspaceEvent> events, int start, List<DeleteChange> overwritten)
    {
        void Fire(KeyspaceEventClasses type, string name, int db, byte[] key)
        {
            // One event per key and name per command, as Redis fires once for HSET k f1 v1 f2 v2.
            if (!events.Skip(start).Any(e => e.Name == name && e.Db == db && e.Key.AsSpan().SequenceEqual(key)))
            {
                events.Add(new KeyspaceEvent(type, name, db, key));
            }
        }
        switch (change)
        {
            case DeleteChange d:
                Fire(d.Reason == DeleteReason.Expired ? KeyspaceEventClasses.Expired : KeyspaceEventClasses.Generic, d.Reason == DeleteReason.Expired ? "expired" : "del", d.Db, d.Key);
                break;
            case ExpireChange e:
                Fire(KeyspaceEventClasses.Generic, e.ExpiresAtMs == 0 ? "persist" : "expire", e.Db, e.Key);
                break;
            case RenameChange r:
                // Redis deletes the target and adds it again: "new" even when it existed.
                NewKey(true, r.TargetDb, r.Target);
                var move = command is "MOVE" || (command is null && r.Db != r.TargetDb);
                Fire(KeyspaceEventClasses.Generic, move ? "move_from" : "rename_from", r.Db, r.Key);
                Fire(KeyspaceEventClasses.Generic, move ? "move_to" : "rename_to", r.TargetDb, r.Target);
                break;
            case CopyChange c:
                NewKey(true, c.TargetDb, c.Target);
                Fire(KeyspaceEventClasses.Generic, "copy_to", c.TargetDb, c.Target);
                break;
            case PutChange p:
                NewKey(p.Before is null, p.Db, p.Key);
                Fire(KeyspaceEventClasses.String, Named(command) ?? "set", p.Db, p.Key);
                if ((hints & EventHints.SetsExpiry) != 0 || (command is null && KeyRecord.ExpiryOf(p.After) is var expiry && expiry != 0 && (p.Before is null || KeyRecord.ExpiryOf(p.Before) != expiry)))
                {
                    Fire(KeyspaceEventClasses.Generic, "expire", p.Db, p.Key);
                }
                break;
            case PatchChange patch:
                NewKey(patch.Created, patch.Db, patch.Key);
                Fire(KeyspaceEventClasses.String, Named(command) ?? "setrange", patch.Db, patch.Key);
                break;
            case ElementsChange elements:
                NewKey(elements.Before is null, elements.Db, elements.Key);
                foreach (var (type, name) in ElementEvents(command, hints, elements))
                {
                    Fire(type, name, elements.Db, elements.Key);
                }
                if (!exists(elements.Db, elements.Key))
                {
                    Fire(KeyspaceEventClasses.Generic, "del", elements.Db, elements.Key);
                }
                break;
        }

        // A value that replaces another (SET over a hash, a *STORE over its target) is not new.
        void NewKey(bool created, int db, byte[] key)
        {
            if (created && !overwritten.Exists(d => d.Db == db && d.Key.AsSpan().SequenceEqual(key)))
            {
                Fire(KeyspaceEventClasses.New, "new", db, key);
            }
        }
    }

    /// <summary>
    /// The event of a key a command changed in Redis's eyes without changing a stored byte (SET
    /// of the value it holds, EXPIRE to the time it has): Redis fires it all the same.
    /// </summary>
    public static IEnumerable<KeyspaceEvent> ForTouched(string? command, EventHints hints, int db, byte[] key)
    {
        yield return Touched(command, db, key);
        if ((hints & EventHints.SetsExpiry) != 0)
        {
            yield return new(KeyspaceEventClasses.Generic, "expire", db, key);
        }
    }

    private static KeyspaceEvent Touched(string? command, int db, byte[] key) => command switch
    {
        "EXPIRE" or "PEXPIRE" or "EXPIREAT" or "PEXPIREAT" => new(KeyspaceEventClasses.Generic, "expire", db, key),
        "LSET" => new(KeyspaceEventClasses.List, "lset", db, key),
        "LTRIM" => new(KeyspaceEventClasses.List, "ltrim", db, key),
        "XGROUP" => new(KeyspaceEventClasses.Stream, "xgroup-setid", db, key), // only SETID touches
        "XSETID" => new(KeyspaceEventClasses.Stream, "xsetid", db, key),
        "HSET" or "HMSET" or "HSETNX" or "HINCRBY" or "HINCRBYFLOAT" => new(KeyspaceEventClasses.Hash, Named(command) ?? "hset", db, key),
        _ => new(KeyspaceEventClasses.String, Named(command) ?? "set", db, key),
    };

    private static string? Named(string? command) => command is not null && CommandEvents.TryGetValue(command, out var name) ? name : null;

    private static IEnumerable<(KeyspaceEventClasses, string)> ElementEvents(string? command, EventHints hints, ElementsChange change)
    {
        var (type, names) = change switch
        {
            HashChange h => (KeyspaceEventClasses.Hash, h.Fields.Select(f => f.Value is null ? "hdel" : "hset")),
            SetChange s => (KeyspaceEventClasses.Set, s.Members.Select(m => m.Added ? "sadd" : "srem")),
            SortedSetChange z => (KeyspaceEventClasses.SortedSet, z.Members.Select(m => m.Score is null ? "zrem" : (hints & EventHints.Increment) != 0 ? "zincr" : "zadd")),
            ListChange l => (KeyspaceEventClasses.List, l.Edits.Select(e => ListEventName(e.Kind))),
            StreamChange x => (KeyspaceEventClasses.Stream, StreamEventNames(command, x)),
            _ => (KeyspaceEventClasses.None, Enumerable.Empty<string>()),
        };
        // A command whose event says more than its changes (SPOP, HINCRBY, LTRIM) fires that one
        // event; moves between keys (SMOVE, LMOVE) fire each key's own.
        return Named(command) is { } named
            ? [(type, named)]
            : names.Distinct().Select(n => (type, n));
    }

    /// <summary>
    /// Redis 7.0's stream events: XADD fires "xadd" (its trim is a second change: "xtrim"), XDEL
    /// "xdel", XTRIM "xtrim". Without a command (a follower) an addition is "xadd" and a removal
    /// "xdel" unless the metadata's max deleted id stayed (a trim).
    /// </summary>
    private static IEnumerable<string> StreamEventNames(string? command, StreamChange change)
    {
        if (command is "XSETID" || change.Items.Count == 0)
        {
            return ["xsetid"];
        }
        if (change.Items.Any(i => i.Kind != StreamItemKind.Entry))
        {
            return GroupEventNames(command, change);
        }
        if (change.Items.Any(i => i.Value is not null))
        {
            return ["xadd"];
        }
        if (command is "XDEL")
        {
            return ["xdel"];
        }
        if (command is "XADD" or "XTRIM")
        {
            return ["xtrim"];
        }
        var before = change.Before is null ? null : KeyRecord.ParseImage(change.Before).StreamTail.ToArray();
        return [before is not null && before.AsSpan().SequenceEqual(change.Meta) ? "xtrim" : "xdel"];
    }

    /// <summary>
    /// Redis 7.0's consumer-group events: a group created or destroyed ("xgroup-create",
    /// "xgroup-destroy"), a consumer created or deleted ("xgroup-createconsumer" — also when
    /// XREADGROUP or XCLAIM creates one — and "xgroup-delconsumer"), and a group moved by XGROUP
    /// SETID ("xgroup-setid"; without a command, a group change with no pending entries touched).
    /// Deliveries and acknowledgements fire nothing, as in Redis.
    /// </summary>
    private static IEnumerable<string> GroupEventNames(string? command, StreamChange change)
    {
        var names = new List<string>();
        foreach (var item in change.Items)
        {
            var name = (item.Kind, item.Previous is null, item.Value is null) switch
            {
                (StreamItemKind.Group, true, false) => "xgroup-create",
                (StreamItemKind.Group, false, true) => "xgroup-destroy",
                (StreamItemKind.Consumer, true, false) => "xgroup-createconsumer",
                (StreamItemKind.Consumer, false, true) when !change.Items.Any(i => i.Kind == StreamItemKind.Group && i.Value is null) => "xgroup-delconsumer",
                (StreamItemKind.Group, false, false) when command is "XGROUP" || (command is null && change.Items.All(i => i.Kind == StreamItemKind.Group)) => "xgroup-setid",
                _ => null,
            };
            if (name is not null)
            {
                names.Add(name);
            }
        }
        if (command is "XGROUP" && names.Contains("xgroup-setid") && names.Count > 1)
        {
            names.Remove("xgroup-setid"); // CREATE and consumer changes also rewrite the group's counters
        }
        return names;
    }

    private static string ListEventName(ListEditKind kind) => kind switch
    {
        ListEditKind.PushLeft => "lpush",
        ListEditKind.PushRight => "rpush",
        ListEditKind.PopLeft => "lpop",
        ListEditKind.PopRight => "rpop",
        ListEditKind.Set => "lset",
        ListEditKind.Insert => "linsert",
        _ => "lrem",
    };

    /// <summary>A deletion that a later change of the same command replaces (SET over a hash, a *STORE over its target): Redis fires only the new value's event.</summary>
    private static bool TouchedLater(IReadOnlyList<RowChange> changes, int index, DeleteChange delete)
    {
        for (var i = index + 1; i < changes.Count; i++)
        {
            if (changes[i] is KeyChange k && k.Db == delete.Db && k.Key.AsSpan().SequenceEqual(delete.Key) && k is not DeleteChange)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>What a command's arguments say that its row changes do not (its name aside).</summary>
[Flags]
public enum EventHints
{
    None = 0,

    /// <summary>ZADD ... INCR: "zincr", not "zadd".</summary>
    Increment = 1,

    /// <summary>SET with EX/PX/EXAT/PXAT, SETEX, PSETEX: "expire" after "set", even when the time is unchanged.</summary>
    SetsExpiry = 2,
}
