using System.Globalization;
using System.IO.Enumeration;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Server.Configuration;

namespace Chorus.Server.Commands;

/// <summary>
/// CONFIG GET pattern [pattern ...] with the Redis parameters clients ask about on connect and
/// Chorus's own (chorus-*). CONFIG RESETSTAT. Runtime changes arrive with the settings that need them.
/// </summary>
internal static class ConfigCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CONFIG", -2, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Execute);

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentIs(1, "GET"u8) && command.ArgumentCount >= 3)
        {
            Get(Parameters(context.Node.Options), command, reply);
        }
        else if (command.ArgumentIs(1, "RESETSTAT"u8) && command.ArgumentCount == 2)
        {
            reply.WriteOk();
        }
        else if (command.ArgumentIs(1, "SET"u8) && command.ArgumentCount >= 4)
        {
            reply.WriteError($"ERR CONFIG SET failed (possibly related to argument '{Encoding.UTF8.GetString(command[2])}') - not a runtime-changeable parameter");
        }
        else
        {
            reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{Encoding.UTF8.GetString(command[1])}'. Try CONFIG HELP.");
        }
        return ValueTask.CompletedTask;
    }

    private static void Get(IReadOnlyList<(string Name, string Value)> parameters, RespCommand command, RespWriter reply)
    {
        var matches = new List<(string, string)>();
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            var pattern = Encoding.UTF8.GetString(command[i]).ToLowerInvariant();
            foreach (var parameter in parameters)
            {
                if (FileSystemName.MatchesSimpleExpression(pattern, parameter.Name, ignoreCase: true) && !matches.Contains(parameter))
                {
                    matches.Add(parameter);
                }
            }
        }
        reply.WriteMapHeader(matches.Count);
        foreach (var (name, value) in matches)
        {
            reply.WriteBulkString(name);
            reply.WriteBulkString(value);
        }
    }

    private static List<(string Name, string Value)> Parameters(ChorusOptions options) =>
    [
        ("save", ""),
        ("appendonly", "yes"),
        ("appendfsync", options.Fsync),
        ("databases", "1"),
        ("replica-read-only", "yes"),
        ("slave-read-only", "yes"),
        ("port", Text(options.Port)),
        ("bind", options.Host),
        ("dir", Path.GetFullPath(options.DataDirOrDefault)),
        ("maxmemory", "0"),
        ("maxclients", "10000"),
        ("timeout", "0"),
        ("proto-max-bulk-len", Text(options.ProtoMaxBulkLen)),
        ("chorus-node-id", options.NodeId),
        ("chorus-leader", options.LeaderId.Value),
        ("chorus-fsync", options.Fsync),
        ("chorus-replica-writes", options.ReplicaWrites),
        ("chorus-peer-port", Text(options.PeerPortOrDefault)),
        ("chorus-http-port", Text(options.HttpPortOrDefault)),
        ("chorus-heartbeat-interval-ms", Text(options.HeartbeatIntervalMs)),
    ];

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
