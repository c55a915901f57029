using Chorus.Replication;

namespace Chorus.Node;

/// <summary>
/// The RESP edge for reads held back by a guarantee: TRYAGAIN (Redis's "retry later" error), so
/// that a client retries — here after a while, at another node, or at the leader the error names.
/// A held-back read did nothing, so a retry is always safe.
/// </summary>
public static class ReadText
{
    public static string Error(ReadRefusal reason) => reason switch
    {
        NotCaughtUp n => $"TRYAGAIN this replica has applied the log up to LSN {n.Applied}, not yet LSN {n.Needed} that the read needs (waited {n.WaitedMs} ms); retry, or read at the leader",
        TooStale { StalenessMs: { } ms } n => $"TRYAGAIN this replica's data is {ms} ms old, over the bound of {n.BoundMs} ms; retry, or read at the leader",
        TooStale n => $"TRYAGAIN this replica has not been current since it started (bound {n.BoundMs} ms); retry, or read at the leader",
        NotLinearizable n => Linearizable(n.Outcome),
        NotCommitted n => $"TRYAGAIN the state this read saw (through LSN {n.Saw}) is not committed on a majority yet (committed through LSN {n.Committed}); not answered, retry",
        ReadNodeStopping => "TRYAGAIN the node is stopping; retry",
        _ => $"ERR {reason}",
    };

    private static string Linearizable(ProposalOutcome outcome) => outcome switch
    {
        NotLeader n => $"TRYAGAIN cannot confirm a linearizable read here (the leader is {n.Leader}); retry",
        NoLeader { LastStepDown: { } reason } => $"TRYAGAIN no leader to confirm a linearizable read: {reason.Describe()}; retry",
        NoLeader => "TRYAGAIN no leader is known to confirm a linearizable read (an election may be under way); retry",
        LeadershipLost { NewLeader: { } leader } => $"TRYAGAIN leadership moved to {leader} while the read waited for confirmation; retry",
        LeadershipLost => "TRYAGAIN the leader stepped down while the read waited for confirmation; retry",
        ReadNotConfirmed n => $"TRYAGAIN the leader could not confirm it still leads (a majority must answer) within {n.TimeoutMs} ms; retry",
        ReadsNotSupported n => $"ERR the {n.Family} replication family has no linearizable reads",
        NodeStopping => "TRYAGAIN the node is stopping; retry",
        _ => $"TRYAGAIN linearizable read not confirmed: {outcome}; retry",
    };
}
