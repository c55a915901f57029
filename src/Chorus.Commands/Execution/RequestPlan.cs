using Chorus.Core.Requests;
using Chorus.Resp;

namespace Chorus.Commands.Execution;

/// <summary>
/// Turns a command into requests a replication core serves itself (leaderless reads and writes),
/// given the connection's quorum settings; returns null after writing the reply itself (bad
/// input: the command asks nothing of the core).
/// </summary>
public delegate RequestPlan? RequestTranslator(RespCommand command, QuorumOverrides connection, RespWriter reply);

/// <summary>Writes a command's reply from the answers to its requests (in request order).</summary>
public delegate void RequestRenderer(IReadOnlyList<RequestAnswer> answers, RespWriter reply);

/// <summary>The requests a command makes, and how its reply is written once all are answered.</summary>
public sealed record RequestPlan(IReadOnlyList<ClientRequest> Requests, RequestRenderer Render);

/// <summary>One request's answer: its result, or the error a client gets (Redis wording, from the RESP edge).</summary>
public readonly record struct RequestAnswer(RequestResult? Result, string? Error)
{
    public bool Succeeded => Error is null;
}
