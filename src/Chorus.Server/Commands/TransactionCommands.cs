using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis 7.0's replies and errors). While a transaction is
/// open the dispatcher queues every other command (docs/transactions.md); EXEC hands the queue to
/// the dispatcher, which runs it as one unit on the node's loop.
/// </summary>
internal static class TransactionCommands
{
    private const CommandFlags Flags = CommandFlags.Fast | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale;

    public const string ExecWithoutMulti = "ERR EXEC without MULTI";
    public const string PreviousErrors = "EXECABORT Transaction discarded because of previous errors.";

    public static IEnumerable<ServerCommand> All =>
    [
        new(new CommandSpec("MULTI", 1, Flags, 0, 0, 0) { Group = "transactions" }, Multi),
        new(new CommandSpec("EXEC", 1, CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0) { Group = "transactions" }, Exec),
        new(new CommandSpec("DISCARD", 1, Flags, 0, 0, 0) { Group = "transactions" }, Discard),
        new(new CommandSpec("WATCH", -2, Flags, 1, -1, 1) { Group = "transactions" }, Watch),
        new(new CommandSpec("UNWATCH", 1, Flags, 0, 0, 0) { Group = "transactions" }, Unwatch),
    ];

    /// <summary>Commands that run at once inside MULTI instead of being queued (Redis's processCommand).</summary>
    public static bool RunsInsideMulti(string name) => name is "EXEC" or "DISCARD" or "MULTI" or "WATCH" or "QUIT" or "RESET";

    /// <summary>EXEC refused before it ran (wrong arity, not permitted): Redis discards the transaction and says why.</summary>
    public static string ExecAbort(string error) => $"EXECABORT Transaction discarded because of: {(error.StartsWith("ERR ", StringComparison.Ordinal) ? error[4..] : error)}";

    private static ValueTask Multi(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var transaction = context.Session.Transaction;
        if (transaction.Active)
        {
            reply.WriteError("ERR MULTI calls can not be nested");
        }
        else
        {
            transaction.Begin();
            reply.WriteOk();
        }
        return ValueTask.CompletedTask;
    }

    private static async ValueTask Exec(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var transaction = context.Session.Transaction;
        if (!transaction.Active)
        {
            reply.WriteError(ExecWithoutMulti);
            return;
        }
        if (transaction.Refused)
        {
            transaction.End(context.Node.Driver.Watches);
            reply.WriteError(PreviousErrors);
            return;
        }
        await context.Dispatcher!.ExecuteTransactionAsync(context.Session, reply);
    }

    private static ValueTask Discard(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var transaction = context.Session.Transaction;
        if (!transaction.Active)
        {
            reply.WriteError("ERR DISCARD without MULTI");
            return ValueTask.CompletedTask;
        }
        transaction.End(context.Node.Driver.Watches);
        reply.WriteOk();
        return ValueTask.CompletedTask;
    }

    /// <summary>WATCH key...: each key's state (exists, already expired) is read as it is registered.</summary>
    private static ValueTask Watch(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var session = context.Session;
        if (session.Transaction.Active)
        {
            reply.WriteError("ERR WATCH inside MULTI is not allowed");
            return ValueTask.CompletedTask;
        }
        var node = context.Node;
        var reads = session.Reads;
        var db = session.Db;
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            var key = command[i].ToArray();
            node.Driver.Watches.Watch(session.Transaction.Watch, db, key, () =>
            {
                var stored = reads.GetStored(KeyspaceCatalog.ReadPhysical(node.Storage, db), key);
                return (stored is not null, stored is not null && KeyRecord.Parse(stored).IsExpiredAt(node.NowMs));
            }, node.Driver.Applied.Applied);
        }
        reply.WriteOk();
        return ValueTask.CompletedTask;
    }

    private static ValueTask Unwatch(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        context.Node.Driver.Watches.Unwatch(context.Session.Transaction.Watch);
        reply.WriteOk();
        return ValueTask.CompletedTask;
    }
}
