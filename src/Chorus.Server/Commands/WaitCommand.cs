using System.Globalization;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Node;

namespace Chorus.Server.Commands;

/// <summary>
/// WAIT numreplicas timeout: blocks until that many followers hold this client's latest write
/// (or the timeout in ms passes; 0 waits forever), then replies how many do. Redis semantics.
/// </summary>
internal static class WaitCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("WAIT", 3, CommandFlags.NoScript, 0, 0, 0), ExecuteAsync);

    private static async ValueTask ExecuteAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (context.Node.Driver.Status.Role != Replication.NodeRole.Leader)
        {
            reply.WriteError("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.");
            return;
        }
        if (!long.TryParse(command[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var replicas)
            || !long.TryParse(command[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var timeoutMs))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        if (timeoutMs < 0)
        {
            reply.WriteError("ERR timeout is negative");
            return;
        }
        var completion = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wanted = (int)Math.Clamp(replicas, 0, int.MaxValue);
        context.Node.Inbox.Post(new WaitReplicasInput(context.Session.LastWriteLsn, wanted, timeoutMs, completion));
        reply.WriteInteger(await completion.Task);
    }
}
