using System.Buffers;
using System.Text;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Messaging;
using Chorus.Replication;
using Chorus.Replication.Log;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>
/// A node's durable metadata: who it is, its epoch, where its log ends (which is also the last
/// applied position: entries are appended and applied in one batch) and its epoch history.
/// </summary>
internal sealed record NodeMetadata(NodeId NodeId, HardState HardState, LogPosition Applied, EpochHistory History, ConfigEntry? Config)
{
    /// <summary>Loads the metadata, or initialises it for a new node. Refuses another node's data.</summary>
    public static NodeMetadata LoadOrCreate(IStorageEngine storage, NodeId self)
    {
        var storedId = storage.Get(StorageColumn.Meta, MetaKeys.NodeId);
        if (storedId is null)
        {
            using var batch = storage.NewBatch();
            batch.Put(StorageColumn.Meta, MetaKeys.NodeId, Encoding.ASCII.GetBytes(self.Value));
            storage.Write(batch, sync: true);
            return new NodeMetadata(self, new HardState(Epoch.Zero, null), LogPosition.Zero, EpochHistory.Empty(), null);
        }
        var id = Encoding.ASCII.GetString(storedId);
        if (id != self.Value)
        {
            throw new InvalidOperationException($"the data directory belongs to node '{id}', not '{self}'; use that node id or another directory");
        }
        var epoch = new Epoch(ReadUInt64(storage, MetaKeys.Epoch));
        if (!epoch.HasNext)
        {
            throw new InvalidOperationException($"the stored epoch {epoch} leaves no room for another election (a forged epoch accepted by a version before epochs were bounded): "
                + "delete this node's data directory and let it rejoin from a snapshot");
        }
        var votedFor = storage.Get(StorageColumn.Meta, MetaKeys.VotedFor) is { Length: > 0 } vote ? new NodeId(Encoding.ASCII.GetString(vote)) : (NodeId?)null;
        var applied = ReadPosition(storage.Get(StorageColumn.Meta, MetaKeys.Applied));
        var history = ReadHistory(storage.Get(StorageColumn.Meta, MetaKeys.EpochHistory), applied);
        return new NodeMetadata(self, new HardState(epoch, votedFor), applied, history, ReadConfig(storage.Get(StorageColumn.Meta, MetaKeys.ClusterSettings)));
    }

    /// <summary>
    /// Claims the data directory for <paramref name="family"/>, or refuses it when another family
    /// created it: a single-leader log and a leaderless one share a layout but not a meaning (a
    /// leaderless node's log is its own, never shipped; its records carry versions), so opening one
    /// as the other would serve or replicate nonsense. A directory written before families were
    /// recorded is claimed by the first family that opens it.
    /// </summary>
    public static void ClaimFor(IStorageEngine storage, MessageFamily family)
    {
        var name = family.ToString();
        if (storage.Get(StorageColumn.Meta, MetaKeys.Family) is { } stored)
        {
            var owner = Encoding.ASCII.GetString(stored);
            if (owner != name)
            {
                throw new InvalidOperationException(
                    $"the data directory was created by a {owner} node, but this node is configured as {name}: " +
                    $"start it with --family {owner}, or give the {name} node another data directory");
            }
            return;
        }
        using var batch = storage.NewBatch();
        batch.Put(StorageColumn.Meta, MetaKeys.Family, Encoding.ASCII.GetBytes(name));
        storage.Write(batch, sync: true);
    }

    /// <summary>
    /// The latest configuration entry in the log — its LSN and payload, stored opaquely (the family
    /// decodes it) — written in the batch that appends that entry.
    /// </summary>
    public static void WriteConfig(IStorageBatch batch, ConfigEntry config)
    {
        var output = new ArrayBufferWriter<byte>(128);
        var writer = new ByteWriter(output);
        writer.WriteVarUInt(config.Lsn.Value);
        writer.WriteLengthPrefixed(config.Payload.Span);
        batch.Put(StorageColumn.Meta, MetaKeys.ClusterSettings, output.WrittenSpan);
    }

    public static void DeleteConfig(IStorageBatch batch) => batch.Delete(StorageColumn.Meta, MetaKeys.ClusterSettings);

    private static ConfigEntry? ReadConfig(byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }
        var reader = new ByteReader(bytes);
        var at = new Lsn(reader.ReadVarUInt());
        return new ConfigEntry(at, reader.ReadLengthPrefixed().ToArray());
    }

    /// <summary>The epoch and the vote cast in it: what keeps elections safe across crashes.</summary>
    public static void WriteHardState(IStorageBatch batch, HardState state)
    {
        Span<byte> bytes = stackalloc byte[ByteWriter.VarIntLengthMax];
        batch.Put(StorageColumn.Meta, MetaKeys.Epoch, bytes[..VarInt.Write(bytes, state.Epoch.Value)]);
        batch.Put(StorageColumn.Meta, MetaKeys.VotedFor, state.VotedFor is { } vote ? Encoding.ASCII.GetBytes(vote.Value) : []);
    }

    public static void WriteApplied(IStorageBatch batch, LogPosition applied)
    {
        var output = new ArrayBufferWriter<byte>(20);
        WritePosition(new ByteWriter(output), applied);
        batch.Put(StorageColumn.Meta, MetaKeys.Applied, output.WrittenSpan);
    }

    public static void WriteHistory(IStorageBatch batch, EpochHistory history)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        WritePosition(writer, history.Base);
        writer.WriteVarUInt((ulong)history.Epochs.Count);
        foreach (var (epoch, start) in history.Epochs)
        {
            writer.WriteVarUInt(epoch.Value);
            writer.WriteVarUInt(start.Value);
        }
        batch.Put(StorageColumn.Meta, MetaKeys.EpochHistory, output.WrittenSpan);
    }

    private static ulong ReadUInt64(IStorageEngine storage, byte[] key)
    {
        var bytes = storage.Get(StorageColumn.Meta, key);
        return bytes is null ? 0 : new ByteReader(bytes).ReadVarUInt();
    }

    private static void WritePosition(ByteWriter writer, LogPosition position)
    {
        writer.WriteVarUInt(position.Epoch.Value);
        writer.WriteVarUInt(position.Lsn.Value);
    }

    private static LogPosition ReadPosition(byte[]? bytes)
    {
        if (bytes is null)
        {
            return LogPosition.Zero;
        }
        var reader = new ByteReader(bytes);
        return new LogPosition(reader.ReadEpoch(), new Lsn(reader.ReadVarUInt()));
    }

    private static EpochHistory ReadHistory(byte[]? bytes, LogPosition last)
    {
        if (bytes is null)
        {
            return new EpochHistory(LogPosition.Zero, last);
        }
        var reader = new ByteReader(bytes);
        var basePosition = new LogPosition(reader.ReadEpoch(), new Lsn(reader.ReadVarUInt()));
        var count = reader.ReadLength();
        var epochs = new List<(Epoch, Lsn)>(count);
        for (var i = 0; i < count; i++)
        {
            epochs.Add((reader.ReadEpoch(), new Lsn(reader.ReadVarUInt())));
        }
        // The history may have been written with a batch that a later truncation undid.
        epochs.RemoveAll(e => e.Item2 > last.Lsn);
        return EpochHistory.Restore(basePosition, last, epochs);
    }
}
