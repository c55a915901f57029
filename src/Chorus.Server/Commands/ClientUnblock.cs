using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Node;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// CLIENT UNBLOCK client-id [TIMEOUT | ERROR] (Redis 7.0): a client blocked in BLPOP and friends
/// on this node is answered as if it timed out (a null array), or with -UNBLOCKED; replies 1 if it
/// was blocked, else 0. A client whose command a follower forwarded waits on the leader, and is
/// not unblocked from here.
/// </summary>
internal static class ClientUnblock
{
    public static async ValueTask ExecuteAsync(NodeServices node, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[2], out var id))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        var how = UnblockHow.Timeout;
        if (command.ArgumentCount == 4)
        {
            if (command.ArgumentIs(3, "ERROR"u8))
            {
                how = UnblockHow.Error;
            }
            else if (!command.ArgumentIs(3, "TIMEOUT"u8))
            {
                reply.WriteError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        var target = node.Clients.All.FirstOrDefault(s => s.Id == id);
        if (target is null || !target.Writes.MayBlock)
        {
            reply.WriteInteger(0);
            return;
        }
        var released = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Inbox.Post(new UnblockInput(target.Writes, how, released));
        reply.WriteInteger(await released.Task ? 1 : 0);
    }
}
