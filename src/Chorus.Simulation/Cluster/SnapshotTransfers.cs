using Chorus.Core;
using Chorus.Node;
using Chorus.Node.Resync;
using Chorus.Replication;
using Chorus.Storage.InMemory;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Network;
using Chorus.Simulation.Nodes;
using Chorus.Storage;

namespace Chorus.Simulation.Cluster;

/// <summary>
/// Snapshot bootstrap in the simulator (DESIGN §4.3), in place of production's RocksDB checkpoint
/// and gRPC stream (Chorus.Server's SnapshotSource, SnapshotFetcher, SnapshotSwap). The protocol
/// decisions are production's: the leader's core decides a follower needs a snapshot and the
/// follower's core asks for one (<see cref="NodeDriver.SnapshotRequested"/>, repeated until one is
/// installed); the leader's driver takes it on its loop at a known position and keeps the log
/// after it (<see cref="NodeDriver.TakeSnapshot"/>); the follower restarts on it and catches up
/// from the log. Here the copy is in memory and moves in chunks over the simulated network, with
/// its loss, delay and partitions: a chunk that does not arrive is asked for again (the transfer
/// resumes where it stopped), and a transfer that makes no progress is abandoned (the next
/// request starts over). One transfer per follower at a time, as the production fetcher.
/// A Merkle resync (<see cref="FollowerResync.Merkle"/>) runs production's two sides
/// (<see cref="ResyncExchange"/>) over the leader's copy and a copy of the follower's own rows, and
/// then moves only the rows copied, in chunks, before the follower restarts on the patched copy.
/// Installing runs production's <see cref="ReplacedLogRollbacks"/>, as the server's swap does.
/// </summary>
internal sealed class SnapshotTransfers(SimCluster cluster, Scheduler scheduler, SimNetwork network, TraceLog trace)
{
    public const int ChunkRows = 32;
    public const long ResendAfterUs = 150_000;
    public const int ResendsMax = 20;

    private readonly Dictionary<NodeId, Transfer> _transfers = [];

    /// <summary>Snapshots installed on followers.</summary>
    public int Installed { get; private set; }

    /// <summary>Requests and chunks asked for again after a loss.</summary>
    public int Resent { get; private set; }

    /// <summary>Installs that were Merkle resyncs, and the rows they copied (the others: whole snapshots).</summary>
    public int MerkleInstalled { get; private set; }

    public long MerkleRowsCopied { get; private set; }

    /// <summary>Entries only a follower's replaced disk held, staged as rollbacks when a snapshot was installed.</summary>
    public int RolledBackOnInstall { get; private set; }

    public void OnRequested(SimNode follower, SnapshotRequest request)
    {
        if (_transfers.ContainsKey(follower.Id))
        {
            return;
        }
        var leader = request.Source;
        var transfer = new Transfer(follower, leader, follower.Incarnation) { Method = request.Method };
        _transfers[follower.Id] = transfer;
        Trace(follower.Id, $"needs a snapshot from {leader}: transfer starts");
        Ask(transfer);
    }

    /// <summary>Asks for what is missing — the snapshot itself, then the next chunk — and asks again if nothing came.</summary>
    private void Ask(Transfer transfer)
    {
        var progress = transfer.Progress;
        if (transfer.Rows is null)
        {
            network.Carry(transfer.Follower.Id, transfer.Leader, "snapshot request", () => cluster[transfer.Leader].TakeSnapshot(transfer.Follower.Id.Value, (rows, position, committed) =>
                network.Carry(transfer.Leader, transfer.Follower.Id, $"snapshot manifest at {position} ({rows.Count} rows)", () => OnManifest(transfer, rows, position, committed))));
        }
        else
        {
            var chunk = transfer.Received / ChunkRows;
            network.Carry(transfer.Follower.Id, transfer.Leader, $"snapshot chunk {chunk} request", () =>
            {
                if (cluster[transfer.Leader].State != NodeState.Down)
                {
                    network.Carry(transfer.Leader, transfer.Follower.Id, $"snapshot chunk {chunk}", () => OnChunk(transfer, chunk));
                }
            });
        }
        scheduler.After(ResendAfterUs, () =>
        {
            if (_transfers.GetValueOrDefault(transfer.Follower.Id) != transfer || transfer.Progress != progress)
            {
                return;
            }
            if (++transfer.Resends > ResendsMax || transfer.Follower.Incarnation != transfer.Incarnation)
            {
                Trace(transfer.Follower.Id, "snapshot transfer abandoned (no progress); the leader will ask again");
                _transfers.Remove(transfer.Follower.Id);
                return;
            }
            Resent++;
            Ask(transfer);
        });
    }

    private void OnManifest(Transfer transfer, IReadOnlyList<SnapshotRow> rows, LogPosition position, Lsn committedThrough)
    {
        if (_transfers.GetValueOrDefault(transfer.Follower.Id) != transfer || transfer.Rows is not null)
        {
            return;
        }
        transfer.Position = position;
        if (transfer.Method == FollowerResync.Merkle)
        {
            var (patched, stats) = MerkleDiff(transfer, rows, position);
            transfer.Rows = patched;
            transfer.Total = (int)stats.RowsCopied;
            MerkleRowsCopied += stats.RowsCopied;
            Trace(transfer.Follower.Id, $"Merkle resync at {position}: {stats.DifferingRanges} leaf ranges differ, {stats.RowsCopied} of {rows.Count} rows to copy, {stats.RowsRemoved} removed");
        }
        else
        {
            // As production's FetchSnapshot: the copy leaves out the committed log prefix.
            transfer.Rows = StorageCopy.ForInstall(rows, committedThrough);
            transfer.Total = transfer.Rows.Count;
            Trace(transfer.Follower.Id, $"snapshot at {position}: {transfer.Total} rows to copy, {rows.Count - transfer.Total} of the committed log's left out");
        }
        Advanced(transfer);
    }

    private void OnChunk(Transfer transfer, int chunk)
    {
        if (_transfers.GetValueOrDefault(transfer.Follower.Id) != transfer || chunk != transfer.Received / ChunkRows)
        {
            return; // a duplicate or a late one
        }
        transfer.Received = Math.Min(transfer.Total, transfer.Received + ChunkRows);
        Advanced(transfer);
    }

    private void Advanced(Transfer transfer)
    {
        transfer.Progress++;
        transfer.Resends = 0;
        if (transfer.Received < transfer.Total)
        {
            Ask(transfer);
            return;
        }
        _transfers.Remove(transfer.Follower.Id);
        var follower = transfer.Follower;
        if (follower.Incarnation != transfer.Incarnation || follower.State == NodeState.Down)
        {
            return; // restarted or crashed meanwhile: it asks again if it still needs one
        }
        Trace(follower.Id, $"snapshot at {transfer.Position} received ({transfer.Rows!.Count} rows): restarting on it");
        var carried = follower.ReloadFrom(transfer.Rows);
        if (carried > 0)
        {
            Trace(follower.Id, $"{carried} entries only its old log held are staged as a rollback");
        }
        RolledBackOnInstall += carried;
        Installed++;
        MerkleInstalled += transfer.Method == FollowerResync.Merkle ? 1 : 0;
        cluster.Start(follower);
    }

    /// <summary>
    /// Production's Merkle resync over in-memory copies: the follower's own rows (as its disk holds
    /// them now) patched to the leader's copy; returns the patched rows to install.
    /// </summary>
    private static (IReadOnlyList<SnapshotRow> Patched, ResyncStats Stats) MerkleDiff(Transfer transfer, IReadOnlyList<SnapshotRow> leaderRows, LogPosition position)
    {
        using var leaderCopy = new InMemoryStorageEngine();
        using var followerCopy = new InMemoryStorageEngine();
        StorageCopy.Install(leaderCopy, leaderRows, transfer.Leader);
        StorageCopy.Install(followerCopy, [.. StorageCopy.Rows(transfer.Follower.Disk)], transfer.Leader);
        var stats = ResyncExchange.Run(transfer.Follower.Id, new ResyncLeaderSide(leaderCopy, position), new ResyncFollowerSide(followerCopy));
        return ([.. StorageCopy.Rows(followerCopy)], stats);
    }

    private void Trace(NodeId node, string text)
    {
        if (trace.Enabled)
        {
            trace.Add(scheduler.NowUs, node.Value, text);
        }
    }

    private sealed class Transfer(SimNode follower, NodeId leader, int incarnation)
    {
        public SimNode Follower { get; } = follower;

        public NodeId Leader { get; } = leader;

        public int Incarnation { get; } = incarnation;

        public IReadOnlyList<SnapshotRow>? Rows { get; set; }

        public FollowerResync Method { get; init; }

        /// <summary>Rows that travel: every row of a snapshot, the copied rows of a Merkle resync.</summary>
        public int Total { get; set; }

        public LogPosition Position { get; set; }

        public int Received { get; set; }

        public int Progress { get; set; }

        public int Resends { get; set; }
    }
}

/// <summary>One key/value of one column family in an in-memory snapshot.</summary>
internal sealed record SnapshotRow(StorageColumn Column, byte[] Key, byte[] Value);
