using System.Buffers.Binary;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Resp;
using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;
using Chorus.Storage;

namespace Chorus.Simulation.Clients;

/// <summary>
/// Where each write of an acknowledged batch landed in the leader's log. The driver reports the
/// batch's last LSN; the writes that changed something took consecutive LSNs up to it.
/// </summary>
internal static class WritePositions
{
    public static LogPosition?[] Attribute(IReadOnlyList<PlannedOp> ops, IReadOnlyList<RespValue> replies, Lsn lastWritten, IStorageEngine leaderStorage, Epoch epoch = default)
    {
        var positions = new LogPosition?[ops.Count];
        var lsn = lastWritten;
        for (var i = ops.Count - 1; i >= 0 && lsn > Lsn.Zero; i--)
        {
            var wrote = !replies[i].IsError && !(ops[i].Kind == OpKind.SetIfAbsent && replies[i].IsNull);
            if (wrote)
            {
                positions[i] = Matching(PositionAt(leaderStorage, lsn), epoch);
                lsn = lsn.Previous;
            }
        }
        return positions;
    }

    /// <summary>A transaction is one log entry: every write of it is at the batch's last LSN (none if it wrote nothing).</summary>
    public static LogPosition?[] AttributeTransaction(int count, Lsn lastWritten, IStorageEngine leaderStorage, Epoch epoch = default)
    {
        var position = lastWritten > Lsn.Zero ? Matching(PositionAt(leaderStorage, lastWritten), epoch) : null;
        return [.. Enumerable.Repeat(position, count)];
    }

    /// <summary>
    /// A forwarded write is read back from the follower that forwarded it, which may still hold an
    /// older epoch's entry at that LSN: a position whose epoch is not the write's is not its.
    /// </summary>
    private static LogPosition? Matching(LogPosition? stored, Epoch epoch) =>
        epoch == Epoch.Zero || stored?.Epoch == epoch ? stored : null;

    private static LogPosition? PositionAt(IStorageEngine storage, Lsn lsn)
    {
        Span<byte> key = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, lsn.Value);
        var encoded = storage.Get(StorageColumn.Log, key);
        return encoded is null ? null : LogEntryCodec.Decode(encoded).Position;
    }
}
