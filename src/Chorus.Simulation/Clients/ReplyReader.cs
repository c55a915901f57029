using Chorus.Resp;
using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Clients;

/// <summary>Turns a command's RESP reply into the outcome and result an operation records.</summary>
internal static class ReplyReader
{
    /// <summary>
    /// Errors after which a write may still have happened: NOREPLICAS after the timeout (the
    /// driver says "the write is applied on the leader"), a stopping node's "outcome is
    /// unknown", and a leader that stepped down with the write pending ("TRYAGAIN leadership
    /// moved …; the write may or may not have been applied"). Other errors — READONLY, MOVED,
    /// TRYAGAIN before anything was applied, WRONGTYPE, NOREPLICAS refusing a write up front —
    /// mean the command did nothing.
    /// </summary>
    public static bool InDoubt(string? error) =>
        error is not null
        && (error.Contains("is applied on the leader", StringComparison.Ordinal)
            || error.Contains("outcome is unknown", StringComparison.Ordinal)
            || error.Contains("may or may not have been applied", StringComparison.Ordinal));

    public static Operation Read(Operation invoked, PlannedOp op, RespValue reply)
    {
        if (reply.IsError)
        {
            return invoked with { Outcome = InDoubt(reply.AsString()) ? OpOutcome.Indeterminate : OpOutcome.Failed, Error = reply.AsString() };
        }
        return op.Kind switch
        {
            OpKind.Read => invoked with { Values = [reply.IsNull ? null : reply.AsString()] },
            OpKind.MultiRead => invoked with { Values = [.. reply.Items.Select(i => i.IsNull ? null : i.AsString())] },
            OpKind.SetIfAbsent => invoked with { Applied = !reply.IsNull },
            OpKind.Append or OpKind.Increment => invoked with { Integer = reply.AsInteger() },
            _ => invoked,
        };
    }
}
