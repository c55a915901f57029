using Chorus.Server.Configuration;
using Microsoft.Extensions.Configuration;

namespace Chorus.Cli;

/// <summary>
/// Builds a node's <see cref="ChorusOptions"/> from, in increasing precedence: a JSON file
/// (--config), environment variables (CHORUS_Port, CHORUS_Peers__n2, ...) and the command line
/// (friendly flags such as --port 7380, or any setting as --Key=value).
/// </summary>
internal static class NodeConfiguration
{
    public static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["--id"] = nameof(ChorusOptions.NodeId),
        ["--host"] = nameof(ChorusOptions.Host),
        ["--port"] = nameof(ChorusOptions.Port),
        ["--peer-port"] = nameof(ChorusOptions.PeerPort),
        ["--http-port"] = nameof(ChorusOptions.HttpPort),
        ["--data"] = nameof(ChorusOptions.DataDir),
        ["--leader"] = nameof(ChorusOptions.Leader),
        ["--fsync"] = nameof(ChorusOptions.Fsync),
        ["--replica-writes"] = nameof(ChorusOptions.ReplicaWrites),
        ["--ack"] = nameof(ChorusOptions.Ack),
        ["--ack-level"] = nameof(ChorusOptions.AckLevel),
        ["--ack-timeout-ms"] = nameof(ChorusOptions.AckTimeoutMs),
        ["--ack-on-timeout"] = nameof(ChorusOptions.AckOnTimeout),
        ["--failover"] = nameof(ChorusOptions.Failover),
        ["--election-timeout-ms"] = nameof(ChorusOptions.ElectionTimeoutMs),
        ["--read-lease"] = nameof(ChorusOptions.ReadLease),
        ["--fault-commands"] = nameof(ChorusOptions.FaultCommands),
        ["--family"] = nameof(ChorusOptions.Family),
        ["--site"] = nameof(ChorusOptions.Site),
        ["--topology"] = nameof(ChorusOptions.Topology),
        ["--conflict-policies"] = nameof(ChorusOptions.ConflictPolicies),
        ["--resolver-assemblies"] = nameof(ChorusOptions.ResolverAssemblies),
        ["--max-write-bytes"] = nameof(ChorusOptions.MaxWriteBytes),
        ["--maxclients"] = nameof(ChorusOptions.MaxClients),
        ["--protected-mode"] = nameof(ChorusOptions.ProtectedMode),
        ["--requirepass"] = nameof(ChorusOptions.RequirePass),
        ["--aclfile"] = nameof(ChorusOptions.AclFile),
        ["--tls-port"] = nameof(ChorusOptions.TlsPort),
        ["--tls-cert-file"] = nameof(ChorusOptions.TlsCertFile),
        ["--tls-key-file"] = nameof(ChorusOptions.TlsKeyFile),
        ["--tls-ca-cert-file"] = nameof(ChorusOptions.TlsCaCertFile),
        ["--tls-auth-clients"] = nameof(ChorusOptions.TlsAuthClients),
        ["--peer-tls"] = nameof(ChorusOptions.PeerTls),
        ["--peer-tls-dir"] = nameof(ChorusOptions.PeerTlsDir),
        ["--peer-tls-cert-file"] = nameof(ChorusOptions.PeerTlsCertFile),
        ["--peer-tls-key-file"] = nameof(ChorusOptions.PeerTlsKeyFile),
        ["--peer-tls-ca-cert-file"] = nameof(ChorusOptions.PeerTlsCaCertFile),
    };

    public static ChorusOptions Build(string? configFile, IReadOnlyList<string> args)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new ConfigurationError($"config file '{configFile}' does not exist");
            }
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        builder.AddEnvironmentVariables("CHORUS_");
        builder.AddCommandLine([.. ExpandPeers(args)], Flags);
        var options = new ChorusOptions();
        builder.Build().Bind(options);
        return options;
    }

    /// <summary>"--peers n1=h:p,n2=h:p" becomes "--Peers:n1=h:p --Peers:n2=h:p".</summary>
    private static IEnumerable<string> ExpandPeers(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? list = null;
            if (arg == "--peers" && i + 1 < args.Count)
            {
                list = args[++i];
            }
            else if (arg.StartsWith("--peers=", StringComparison.Ordinal))
            {
                list = arg["--peers=".Length..];
            }
            if (list is null)
            {
                yield return arg;
                continue;
            }
            foreach (var peer in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = peer.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new ConfigurationError($"--peers entries look like n1=127.0.0.1:17379, not '{peer}'");
                }
                yield return $"--Peers:{peer[..equals]}={peer[(equals + 1)..]}";
            }
        }
    }
}
