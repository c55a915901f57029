using Chorus.Commands.Execution;
using Chorus.Commands.Leaderless;
using Chorus.Core.Requests;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// CHORUS.QUORUM [N n] [W w] [R r] | RESET — this connection's quorum sizes for a leaderless
/// node's reads and writes (the cluster's defaults where not given). With no arguments it shows
/// the connection's overrides. A size the cluster cannot serve (W larger than N, N larger than
/// the cluster's) is refused by each request, with the reason.
/// </summary>
internal static class QuorumCommand
{
    public static readonly ServerCommand Command = new(new CommandSpec("CHORUS.QUORUM", -1, CommandFlags.Fast, 0, 0, 0), Execute);

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentCount == 2 && command.ArgumentIs(1, "RESET"u8))
        {
            context.Session.Quorum = QuorumOverrides.None;
            reply.WriteOk();
            return ValueTask.CompletedTask;
        }
        if (command.ArgumentCount == 1)
        {
            reply.WriteBulkString(context.Session.Quorum.ToString());
            return ValueTask.CompletedTask;
        }
        if (QuorumOptions.Parse(command, 1, out var error) is not { } overrides)
        {
            reply.WriteError(error!);
            return ValueTask.CompletedTask;
        }
        context.Session.Quorum = context.Session.Quorum.Then(overrides);
        reply.WriteOk();
        return ValueTask.CompletedTask;
    }
}
