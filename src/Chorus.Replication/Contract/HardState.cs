using Chorus.Core;

namespace Chorus.Replication;

/// <summary>
/// What a node must remember across crashes to keep elections safe: its epoch, and whom it
/// voted for in that epoch (one vote per epoch). Persisted (synced) before any message that
/// depends on it leaves.
/// </summary>
public readonly record struct HardState(Epoch Epoch, NodeId? VotedFor);
