using System.Globalization;
using System.IO.Enumeration;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Replication.Election;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;
using Chorus.Resp;
using Chorus.Server.Hosting;

namespace Chorus.Server.Commands;

/// <summary>
/// CONFIG GET pattern [pattern ...] with the Redis parameters clients ask about on connect and
/// Chorus's own (chorus-*); CONFIG SET of the cluster's acknowledgement and failover settings (replicated
/// through the log, so every node agrees); CONFIG RESETSTAT.
/// </summary>
internal static class ConfigCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CONFIG", -2, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), ExecuteAsync);

    private static async ValueTask ExecuteAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentIs(1, "GET"u8) && command.ArgumentCount >= 3)
        {
            Get(Parameters(context.Node), command, reply);
        }
        else if (command.ArgumentIs(1, "RESETSTAT"u8) && command.ArgumentCount == 2)
        {
            reply.WriteOk();
        }
        else if (command.ArgumentIs(1, "SET"u8) && command.ArgumentCount >= 4 && command.ArgumentCount % 2 == 0)
        {
            await SetAsync(context, command, reply);
        }
        else
        {
            reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{Text(command[1])}'. Try CONFIG HELP.");
        }
    }

    private static async ValueTask SetAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var changes = new List<Func<ClusterSettings, ClusterSettings>>();
        for (var i = 2; i < command.ArgumentCount; i += 2)
        {
            var name = Text(command[i]).ToLowerInvariant();
            var value = Text(command[i + 1]);
            if (ClusterSetting(name, value) is not { } change)
            {
                reply.WriteError($"ERR CONFIG SET failed (possibly related to argument '{name}') - {Unsupported(name, value)}");
                return;
            }
            changes.Add(change);
        }
        var completion = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Node.Inbox.Post(new ChangeSettingsInput(settings => changes.Aggregate(settings, (current, change) => change(current)), completion));
        if (await completion.Task is { } error)
        {
            reply.WriteError(error);
        }
        else
        {
            reply.WriteOk();
        }
    }

    /// <summary>A change to the replicated cluster settings, or null if the parameter or value is not one.</summary>
    private static Func<ClusterSettings, ClusterSettings>? ClusterSetting(string name, string value)
    {
        if (name == "chorus-failover")
        {
            return value.ToLowerInvariant() switch
            {
                "auto" => settings => settings with { Failover = FailoverMode.Auto },
                "manual" => settings => settings with { Failover = FailoverMode.Manual },
                _ => null,
            };
        }
        return AckSetting(name, value) is { } change ? settings => settings with { Ack = change(settings.Ack) } : null;
    }

    /// <summary>A change to the acknowledgement policy, or null if the parameter or value is not one.</summary>
    private static Func<AckPolicy, AckPolicy>? AckSetting(string name, string value)
    {
        switch (name)
        {
            case "chorus-ack" when AckPolicy.TryParseMode(value, out var mode, out var count):
                return ack => ack with { Mode = mode, Count = count };
            case "chorus-ack-level" when AckPolicy.TryParseLevel(value, out var level):
                return ack => ack with { Level = level };
            case "chorus-ack-timeout-ms" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var timeout) && timeout > 0:
                return ack => ack with { TimeoutMs = timeout };
            case "chorus-ack-on-timeout" when AckPolicy.TryParseTimeoutAction(value, out var action):
                return ack => ack with { OnTimeout = action };
            default:
                return null;
        }
    }

    private static string Unsupported(string name, string value) => name switch
    {
        "chorus-ack" => $"'{value}' is not async, semi-sync any K or sync all",
        "chorus-ack-level" => $"'{value}' is not received, flushed or applied",
        "chorus-ack-timeout-ms" => $"'{value}' is not a positive number of milliseconds",
        "chorus-ack-on-timeout" => $"'{value}' is not fail or degrade",
        "chorus-failover" => $"'{value}' is not auto or manual",
        _ => "not a runtime-changeable parameter",
    };

    private static void Get(IReadOnlyList<(string Name, string Value)> parameters, RespCommand command, RespWriter reply)
    {
        var matches = new List<(string, string)>();
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            var pattern = Text(command[i]).ToLowerInvariant();
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

    private static List<(string Name, string Value)> Parameters(NodeServices node)
    {
        var options = node.Options;
        var settings = node.Driver.Status.Settings;
        return
        [
            ("save", ""),
            ("appendonly", "yes"),
            ("appendfsync", options.Fsync),
            ("databases", "16"),
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
            ("chorus-failover", settings.Failover.ToString().ToLowerInvariant()),
            ("chorus-election-timeout-ms", Text(options.ElectionTimeoutMs)),
            ("chorus-fsync", options.Fsync),
            ("chorus-replica-writes", options.ReplicaWrites),
            ("chorus-peer-port", Text(options.PeerPortOrDefault)),
            ("chorus-http-port", Text(options.HttpPortOrDefault)),
            ("chorus-heartbeat-interval-ms", Text(options.HeartbeatIntervalMs)),
            ("chorus-ack", settings.Ack.ModeText),
            ("chorus-ack-level", AckPolicy.LevelText(settings.Ack.Level)),
            ("chorus-ack-timeout-ms", Text(settings.Ack.TimeoutMs)),
            ("chorus-ack-on-timeout", AckPolicy.TimeoutActionText(settings.Ack.OnTimeout)),
            ("chorus-members", Members(settings)),
        ];
    }

    private static string Members(ClusterSettings settings) =>
        string.Join(',', settings.Members.Select(m => $"{m.Id}:{m.Role.ToString().ToLowerInvariant()}"));

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(ReadOnlySpan<byte> value) => Encoding.UTF8.GetString(value);

}
