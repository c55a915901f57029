using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Core;

namespace Chorus.Commands.Logical;

/// <summary>
/// Applies row changes to a keyspace, and undoes them. The leader stages its own changes through
/// <see cref="Apply"/> too, so leader and followers derive every stored value with the same code.
/// </summary>
public static class RowChangeApplier
{
    public static void Apply(RowChange change, StagedKeyspace keyspace)
    {
        switch (change)
        {
            case PutChange put:
                keyspace.Put(put.Key, put.After, storedNow: put.Before);
                break;
            case DeleteChange delete:
                keyspace.Delete(delete.Key, storedNow: delete.Before);
                break;
            case HashSetChange hashSet:
                EditHash(keyspace, hashSet.Key, fields =>
                {
                    foreach (var field in hashSet.Fields)
                    {
                        fields.Set(field.Field, field.Value);
                    }
                });
                break;
            case HashDeleteChange hashDelete:
                EditHash(keyspace, hashDelete.Key, fields =>
                {
                    foreach (var field in hashDelete.Fields)
                    {
                        fields.Remove(field.Field);
                    }
                });
                break;
            case SetAddChange setAdd:
                EditSet(keyspace, setAdd.Key, members => members.ForEach(setAdd.Members, add: true));
                break;
            case SetRemoveChange setRemove:
                EditSet(keyspace, setRemove.Key, members => members.ForEach(setRemove.Members, add: false));
                break;
            case ExpireChange expire:
                keyspace.Put(expire.Key, StoredValue.WithExpiry(Existing(keyspace, expire.Key), expire.ExpiresAtMs));
                break;
            case FlushAllChange:
                keyspace.DeleteAll();
                break;
            default:
                throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change));
        }
    }

    /// <summary>Restores what <paramref name="change"/> replaced. Undo a payload's changes in reverse order.</summary>
    public static void Undo(RowChange change, StagedKeyspace keyspace)
    {
        switch (change)
        {
            case PutChange { Before: null } put:
                keyspace.Delete(put.Key, storedNow: put.After);
                break;
            case PutChange put:
                keyspace.Put(put.Key, put.Before!, storedNow: put.After);
                break;
            case DeleteChange delete:
                keyspace.Put(delete.Key, delete.Before, storedNow: null);
                break;
            case HashSetChange hashSet:
                EditHash(keyspace, hashSet.Key, fields =>
                {
                    for (var i = hashSet.Fields.Count - 1; i >= 0; i--)
                    {
                        var field = hashSet.Fields[i];
                        if (field.Previous is null)
                        {
                            fields.Remove(field.Field);
                        }
                        else
                        {
                            fields.Set(field.Field, field.Previous);
                        }
                    }
                });
                break;
            case HashDeleteChange hashDelete:
                EditHash(keyspace, hashDelete.Key, fields =>
                {
                    for (var i = hashDelete.Fields.Count - 1; i >= 0; i--)
                    {
                        fields.Set(hashDelete.Fields[i].Field, hashDelete.Fields[i].Previous ?? []);
                    }
                });
                break;
            case SetAddChange setAdd:
                EditSet(keyspace, setAdd.Key, members => members.ForEach(setAdd.Members, add: false));
                break;
            case SetRemoveChange setRemove:
                EditSet(keyspace, setRemove.Key, members => members.ForEach(setRemove.Members, add: true));
                break;
            case ExpireChange expire:
                keyspace.Put(expire.Key, StoredValue.WithExpiry(Existing(keyspace, expire.Key), expire.PreviousExpiresAtMs));
                break;
            case FlushAllChange:
                throw new IrreversibleChangeException("FLUSHALL carries no before-images and cannot be rolled back in place");
            default:
                throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change));
        }
    }

    private static void EditHash(StagedKeyspace keyspace, byte[] key, Action<FieldList> edit)
    {
        var value = StoredValue.Parse(Existing(keyspace, key));
        Invariant.That(value.Type == DataType.Hash, "a hash change applies to a hash");
        var fields = FieldList.Decode(value.Payload);
        var expiresAtMs = value.ExpiresAtMs;
        edit(fields);
        StoreOrDelete(keyspace, key, fields.Count, () => HashValue.Encode(fields, expiresAtMs));
    }

    private static void EditSet(StagedKeyspace keyspace, byte[] key, Action<MemberList> edit)
    {
        var value = StoredValue.Parse(Existing(keyspace, key));
        Invariant.That(value.Type == DataType.Set, "a set change applies to a set");
        var members = MemberList.Decode(value.Payload);
        var expiresAtMs = value.ExpiresAtMs;
        edit(members);
        StoreOrDelete(keyspace, key, members.Count, () => SetValue.Encode(members, expiresAtMs));
    }

    // An empty hash or set does not exist (Redis semantics); an undo can leave one empty.
    private static void StoreOrDelete(StagedKeyspace keyspace, byte[] key, int count, Func<byte[]> encode)
    {
        if (count == 0)
        {
            keyspace.Delete(key);
        }
        else
        {
            keyspace.Put(key, encode());
        }
    }

    private static byte[] Existing(StagedKeyspace keyspace, byte[] key)
    {
        var current = keyspace.Get(key);
        Invariant.That(current is not null, "a change to an existing key finds the key (the replica is a prefix of the leader)");
        return current;
    }

    private static void ForEach(this MemberList members, IReadOnlyList<byte[]> changed, bool add)
    {
        foreach (var member in changed)
        {
            if (add)
            {
                members.Add(member);
            }
            else
            {
                members.Remove(member);
            }
        }
    }
}

/// <summary>A change that cannot be undone in place; the node must resynchronise from a snapshot.</summary>
public sealed class IrreversibleChangeException(string message) : Exception(message);
