using System.Globalization;
using System.IO.Enumeration;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Node;
using Chorus.Replication.Election;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;
using Chorus.Resp;
using Chorus.Server.Configuration;

namespace Chorus.Server.Commands;

/// <summary>
/// CONFIG GET pattern [pattern ...] with the Redis parameters clients ask about on connect and
/// Chorus's own (chorus-*); CONFIG SET of the cluster's acknowledgement and failover settings (replicated
/// through the log, so every node agrees); CONFIG SET/GET of Redis's tuning parameters as no-ops
/// (<see cref="PassThroughParameters"/>); CONFIG RESETSTAT.
/// </summary>
internal static class ConfigCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CONFIG", -2, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), ExecuteAsync);

    private static async ValueTask ExecuteAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var subcommand = Text(command[1]).ToUpperInvariant();
        var arityOk = subcommand switch
        {
            "GET" => command.ArgumentCount >= 3,
            "SET" => command.ArgumentCount >= 4,
            "RESETSTAT" => command.ArgumentCount == 2,
            _ => true,
        };
        if (!arityOk)
        {
            reply.WriteError($"ERR wrong number of arguments for 'config|{subcommand.ToLowerInvariant()}' command");
        }
        else if (subcommand == "GET")
        {
            var parameters = Parameters(context.Node);
            var named = parameters.Select(p => p.Name).ToHashSet();
            Get([.. parameters, .. context.Node.PassThrough.All.Where(p => !named.Contains(p.Name))], command, reply);
        }
        else if (subcommand == "RESETSTAT")
        {
            reply.WriteOk();
        }
        else if (subcommand == "SET")
        {
            await SetOrSyntaxErrorAsync(context, command, reply);
        }
        else
        {
            reply.WriteError([.. "ERR unknown subcommand '"u8, .. CString.Of(command[1], 128), .. "'. Try CONFIG HELP."u8]);
        }
    }

    /// <summary>Name-value pairs, or Redis's syntax error for a name without its value.</summary>
    private static ValueTask SetOrSyntaxErrorAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentCount % 2 != 0)
        {
            reply.WriteError(Errors.Syntax);
            return ValueTask.CompletedTask;
        }
        return SetAsync(context, command, reply);
    }

    /// <summary>
    /// Every parameter is checked before any is applied, as Redis does. This node's own limits
    /// apply at once; cluster settings go through the log.
    /// </summary>
    private static async ValueTask SetAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (CheckNames(context.Node, command) is { } nameError)
        {
            reply.WriteError(nameError);
            return;
        }
        var node = context.Node;
        var changes = new List<Func<ClusterSettings, ClusterSettings>>();
        var limits = node.Limits;
        var logFormat = node.Driver.LogFormat;
        var security = new List<Action>();
        var passThrough = new List<(string Name, string Value)>();
        for (var i = 2; i < command.ArgumentCount; i += 2)
        {
            var name = Text(command[i]).ToLowerInvariant();
            var value = Text(command[i + 1]);
            var outcome = PassThroughSetting(name, value, passThrough)
                ?? SecuritySetting(node, name, value, security)
                ?? KeyspaceEventsConfig.TrySet(node, name, value, security)
                ?? ScriptTimeConfig.TrySet(node, name, value, security)
                ?? ClientLimitSettings.TrySet(ref limits, name, value)
                ?? LogFormatConfig.TrySet(name, value, ref logFormat);
            var refusal = outcome switch
            {
                null when ClusterSetting(name, value) is { } change => Add(changes, change),
                null => Unsupported(name, value),
                "" => null,
                var invalid => invalid,
            };
            if (refusal is not null)
            {
                reply.WriteError($"ERR CONFIG SET failed (possibly related to argument '{name}') - {refusal}");
                return;
            }
        }
        if (limits.MaxClients > node.MaxClientsCeiling)
        {
            reply.WriteError($"ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not able to handle the specified number of clients, try with {node.MaxClientsCeiling}");
            return;
        }
        security.ForEach(apply => apply());
        if (!ReferenceEquals(limits, node.Limits))
        {
            await ApplyLimitsAsync(node, limits);
        }
        if (changes.Count > 0
            && await LeadershipControl.ChangeSettingsAsync(node, settings => changes.Aggregate(settings, (current, change) => change(current))) is { } error)
        {
            reply.WriteError(error);
            return;
        }
        if (logFormat != node.Driver.LogFormat && await LogFormatConfig.ApplyAsync(node, logFormat) is { } formatError)
        {
            reply.WriteError(formatError);
            return;
        }
        foreach (var (name, value) in passThrough)
        {
            node.PassThrough.Set(name, value);
        }
        reply.WriteOk();
    }

    /// <summary>A Redis tuning parameter accepted as a no-op (<see cref="PassThroughParameters"/>): "" when its value checks out, an error, or null if not one of them.</summary>
    private static string? PassThroughSetting(string name, string value, List<(string Name, string Value)> accepted)
    {
        if (!PassThroughParameters.IsPassThrough(name))
        {
            return null;
        }
        if (PassThroughParameters.TryNormalize(name, value, out var normalized, out var problem))
        {
            accepted.Add((name, normalized));
        }
        return problem;
    }

    /// <summary>
    /// Redis checks every name before any value, and reports the first problem: a name it does
    /// not know, one that cannot change at run time, or one given twice (in any letter case; an
    /// alias and its parameter are two names).
    /// </summary>
    private static string? CheckNames(NodeServices node, RespCommand command)
    {
        var readOnly = Parameters(node).Select(p => p.Name).ToHashSet();
        var seen = new HashSet<string>();
        for (var i = 2; i < command.ArgumentCount; i += 2)
        {
            var given = Text(command[i]);
            var name = given.ToLowerInvariant();
            var settable = PassThroughParameters.IsPassThrough(name) || ClusterSettingNames.Contains(name)
                || SecuritySettingNames.Contains(name) || ClientLimitSettings.Names.Contains(name)
                || LogFormatConfig.Names.Contains(name) || name == KeyspaceEventsConfig.Name
                || ScriptTimeConfig.Names.Contains(name);
            if (!settable && !readOnly.Contains(name))
            {
                return $"ERR Unknown option or number of arguments for CONFIG SET - '{given}'";
            }
            var problem = !settable ? Unsupported(name, "")
                : !seen.Add(name) ? "duplicate parameter"
                : null;
            if (problem is not null)
            {
                return $"ERR CONFIG SET failed (possibly related to argument '{given}') - {problem}";
            }
        }
        return null;
    }

    private static readonly HashSet<string> ClusterSettingNames =
        ["chorus-failover", "chorus-ack", "chorus-ack-level", "chorus-ack-timeout-ms", "chorus-ack-on-timeout"];

    private static readonly HashSet<string> SecuritySettingNames = ["requirepass", "protected-mode"];

    /// <summary>requirepass and protected-mode (this node's own, applied after every parameter checked out): "" when accepted, an error, or null if not one of them.</summary>
    private static string? SecuritySetting(NodeServices node, string name, string value, List<Action> apply)
    {
        switch (name)
        {
            case "requirepass":
                apply.Add(() =>
                {
                    node.Access.SetRequirePass(value);
                    node.RequirePass = value;
                });
                return "";
            case "protected-mode" when value.ToLowerInvariant() is "yes" or "no":
                apply.Add(() => node.ProtectedMode = value.Equals("yes", StringComparison.OrdinalIgnoreCase));
                return "";
            case "protected-mode":
                return "argument must be 'yes' or 'no'";
            default:
                return null;
        }
    }

    private static string? Add(List<Func<ClusterSettings, ClusterSettings>> changes, Func<ClusterSettings, ClusterSettings> change)
    {
        changes.Add(change);
        return null;
    }

    /// <summary>New connections and reads see the limits at once; the loop's write executor once it takes them.</summary>
    private static async Task ApplyLimitsAsync(NodeServices node, ClientLimits limits)
    {
        node.Limits = limits;
        var completion = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The executor belongs to the loop: the action runs there (it needs the driver, not the core).
        node.Inbox.Post(new AdminInput(_ =>
        {
            node.Driver.WriteLimits = limits.Writes;
            return null;
        }, completion));
        await completion.Task;
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
            ("replica-announce-ip", options.AnnounceHost),
            ("replica-announce-port", Text(options.AnnouncePort)),
            ("dir", Path.GetFullPath(options.DataDirOrDefault)),
            ("maxmemory", "0"),
            ("timeout", "0"),
            KeyspaceEventsConfig.Describe(node),
            .. ScriptTimeConfig.Describe(node),
            .. ClientLimitSettings.Describe(node.Limits),
            ("requirepass", node.RequirePass),
            ("protected-mode", node.ProtectedMode ? "yes" : "no"),
            ("aclfile", options.AclFile),
            ("tls-port", Text(options.TlsPort)),
            ("tls-cert-file", options.TlsCertFile),
            ("tls-key-file", options.TlsKeyFile),
            ("tls-ca-cert-file", options.TlsCaCertFile),
            ("tls-auth-clients", options.TlsAuthClients),
            ("chorus-node-id", options.NodeId),
            ("chorus-leader", options.LeaderId.Value),
            ("chorus-failover", settings.Failover.ToString().ToLowerInvariant()),
            ("chorus-election-timeout-ms", Text(options.ElectionTimeoutMs)),
            ("chorus-script-time-max-ms", Text(options.ScriptTimeMaxMs)),
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
            .. LogFormatConfig.Describe(node.Driver.LogFormat),
        ];
    }

    private static string Members(ClusterSettings settings) =>
        string.Join(',', settings.Members.Select(m => $"{m.Id}:{m.Role.ToString().ToLowerInvariant()}"));

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(ReadOnlySpan<byte> value) => Encoding.UTF8.GetString(value);

}
