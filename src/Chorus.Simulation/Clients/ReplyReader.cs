using Chorus.Resp;
using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Clients;

/// <summary>Turns a command's RESP reply into the outcome and result an operation records.</summary>
internal static class ReplyReader
{
    /// <summary>
    /// Errors after which a write may still have happened: NOREPLICAS (the leader applied it but
    /// too few followers confirmed in time) and a stopping node's "outcome is unknown". Other
    /// errors (READONLY, WRONGTYPE...) mean the command did nothing.
    /// </summary>
    public static bool InDoubt(string? error) =>
        error is not null && (error.StartsWith("NOREPLICAS", StringComparison.Ordinal) || error.Contains("outcome is unknown", StringComparison.Ordinal));

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
