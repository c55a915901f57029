using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Server.Commands;

namespace Chorus.Server.PubSub;

/// <summary>
/// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB, with Redis 7.0's replies
/// (push frames in RESP3, arrays in RESP2). PUBLISH reaches every node; its reply counts this node's receivers (docs/pubsub.md).
/// </summary>
internal static class PubSubCommands
{
    private const CommandFlags Flags = CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale;

    public static IEnumerable<ServerCommand> All =>
    [
        new(new CommandSpec("SUBSCRIBE", -2, Flags, 0, 0, 0) { Group = "pubsub" }, (c, command, reply) => Subscribe(c, command, reply, pattern: false)),
        new(new CommandSpec("PSUBSCRIBE", -2, Flags, 0, 0, 0) { Group = "pubsub" }, (c, command, reply) => Subscribe(c, command, reply, pattern: true)),
        new(new CommandSpec("UNSUBSCRIBE", -1, Flags, 0, 0, 0) { Group = "pubsub" }, (c, command, reply) => Unsubscribe(c, command, reply, pattern: false)),
        new(new CommandSpec("PUNSUBSCRIBE", -1, Flags, 0, 0, 0) { Group = "pubsub" }, (c, command, reply) => Unsubscribe(c, command, reply, pattern: true)),
        new(new CommandSpec("PUBLISH", 3, Flags | CommandFlags.Fast, 0, 0, 0) { Group = "pubsub" }, Publish),
        new(new CommandSpec("PUBSUB", -2, CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0) { Group = "pubsub" }, PubSub),
    ];

    /// <summary>What a RESP2 connection with subscriptions may still run (Redis's subscribed context).</summary>
    public static bool AllowedWhileSubscribed(string name) =>
        name is "SUBSCRIBE" or "PSUBSCRIBE" or "UNSUBSCRIBE" or "PUNSUBSCRIBE" or "PING" or "QUIT" or "RESET";

    public static string NotAllowedWhileSubscribed(string name) =>
        $"ERR Can't execute '{name.ToLowerInvariant()}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";

    private static ValueTask Subscribe(ServerCommandContext context, RespCommand command, RespWriter reply, bool pattern)
    {
        var subscriber = context.Session.SubscriberFor(context.Node);
        subscriber.Protocol = context.Session.Protocol;
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            var channel = command[i].ToArray();
            var count = context.Node.PubSub.Subscribe(subscriber, channel, pattern);
            Confirm(reply, pattern ? "psubscribe"u8 : "subscribe"u8, channel, count);
        }
        return ValueTask.CompletedTask;
    }

    private static ValueTask Unsubscribe(ServerCommandContext context, RespCommand command, RespWriter reply, bool pattern)
    {
        var hub = context.Node.PubSub;
        var subscriber = context.Session.SubscriberFor(context.Node);
        var kind = pattern ? "punsubscribe"u8 : "unsubscribe"u8;
        var channels = command.ArgumentCount > 1
            ? [.. Enumerable.Range(1, command.ArgumentCount - 1).Select(i => command[i].ToArray())]
            : hub.SubscriptionsOf(subscriber, pattern);
        if (channels.Count == 0)
        {
            reply.WritePushHeader(3);
            reply.WriteBulkString(kind);
            reply.WriteNull();
            reply.WriteInteger(subscriber.Count);
            return ValueTask.CompletedTask;
        }
        foreach (var channel in channels)
        {
            Confirm(reply, kind, channel, hub.Unsubscribe(subscriber, channel, pattern));
        }
        return ValueTask.CompletedTask;
    }

    private static void Confirm(RespWriter reply, ReadOnlySpan<byte> kind, byte[] channel, int count)
    {
        reply.WritePushHeader(3);
        reply.WriteBulkString(kind);
        reply.WriteBulkString(channel);
        reply.WriteInteger(count);
    }

    private static ValueTask Publish(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var (channel, message) = (command[1].ToArray(), command[2].ToArray());
        reply.WriteInteger(context.Node.PubSubRelay is { } relay ? relay.Publish(channel, message) : context.Node.PubSub.Publish(channel, message));
        return ValueTask.CompletedTask;
    }

    private static ValueTask PubSub(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var hub = context.Node.PubSub;
        var sub = System.Text.Encoding.UTF8.GetString(command[1]).ToUpperInvariant();
        switch (sub)
        {
            case "CHANNELS" when command.ArgumentCount <= 3:
                var channels = hub.Channels(command.ArgumentCount == 3 ? command[2].ToArray() : null);
                reply.WriteArrayHeader(channels.Count);
                channels.ForEach(c => reply.WriteBulkString(c));
                break;
            case "NUMSUB":
                reply.WriteArrayHeader(2 * (command.ArgumentCount - 2));
                for (var i = 2; i < command.ArgumentCount; i++)
                {
                    reply.WriteBulkString(command[i]);
                    reply.WriteInteger(hub.SubscriberCount(command[i].ToArray()));
                }
                break;
            case "NUMPAT" when command.ArgumentCount == 2:
                reply.WriteInteger(hub.PatternCount);
                break;
            case "NUMPAT":
                reply.WriteError(Errors.WrongArgumentCount("pubsub|numpat"));
                break;
            case "CHANNELS":
                reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{System.Text.Encoding.UTF8.GetString(command[1])}'. Try PUBSUB HELP.");
                break;
            default:
                reply.WriteError($"ERR unknown subcommand '{System.Text.Encoding.UTF8.GetString(command[1])}'. Try PUBSUB HELP.");
                break;
        }
        return ValueTask.CompletedTask;
    }
}
