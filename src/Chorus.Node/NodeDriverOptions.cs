using Chorus.Commands.Execution;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Replication;
using Chorus.Replication.Log;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>What a <see cref="NodeDriver"/> needs to know about its node: who it is, which replication family it runs, and the shell's own limits.</summary>
public sealed record NodeDriverOptions(NodeId Self, IReplicationFamily Family)
{
    public DurabilityPolicy Durability { get; init; } = DurabilityPolicy.EverySecond;

    /// <summary>How often the leader looks for keys whose expiry time has passed.</summary>
    public int ExpiryCycleIntervalMs { get; init; } = 100;

    /// <summary>At most this many expired keys are deleted per cycle (bounds the loop's pause).</summary>
    public int ExpiryCycleKeysMax { get; init; } = 1000;

    /// <summary>How often the published <see cref="NodeStatus"/> is refreshed when nothing else changes.</summary>
    public int StatusIntervalMs { get; init; } = 50;

    /// <summary>How much log this node keeps; checked every <see cref="RetentionIntervalMs"/>.</summary>
    public RetentionOptions Retention { get; init; } = new();

    public int RetentionIntervalMs { get; init; } = 5000;

    /// <summary>How large one write may be (chorus-max-write-bytes); CONFIG SET changes it through <see cref="NodeDriver.WriteLimits"/>.</summary>
    public WriteLimits WriteLimits { get; init; } = WriteLimits.Default;

    /// <summary>
    /// The log format a new cluster writes in (--log-format; default logical): recorded by the
    /// first write of a leader whose log holds no format marker yet. Once the log holds one, the
    /// log wins (change it with CONFIG SET log-format).
    /// </summary>
    public LogFormatSetting LogFormat { get; init; } = LogFormatSetting.Default;

    /// <summary>
    /// The storage format version this node's physical log entries are stamped with and checked
    /// against (the build's own; tests claim another to see a follower refuse the stream).
    /// </summary>
    public uint StorageFormatVersion { get; init; } = Storage.StorageFormatVersion.Current;

    /// <summary>What this node does with a statement entry naming a command it cannot run (--unknown-statement; default stop).</summary>
    public Chorus.Commands.Statements.UnknownStatementPolicy UnknownStatements { get; init; } = Chorus.Commands.Statements.UnknownStatementPolicy.Stop;

    /// <summary>Seed for the randomness write commands (SPOP, SRANDMEMBER) and the core (election timeouts) use.</summary>
    public int RandomSeed { get; init; } = 1;

    /// <summary>Where resolved multi-leader conflicts go besides memory (a file in production); none by default.</summary>
    public IConflictSink? Conflicts { get; init; }

    /// <summary>Resolvers for the custom conflict policy, by name (multi-leader); the built-in ones by default.</summary>
    public IReadOnlyDictionary<string, Core.Sites.IConflictResolver> Resolvers { get; init; } =
        Core.Sites.ConflictResolvers.BuiltIn.ToDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>Observes every key version a multi-leader site leader makes for a local write (the simulator's checkers); none by default.</summary>
    public Action<byte[], Core.Sites.SiteSibling>? Versioned { get; init; }

    /// <summary>Carries writes a follower forwards to its leader (null: followers refuse writes as the core says).</summary>
    public IForwardLink? ForwardLink { get; init; }

    /// <summary>How long a follower waits for the leader's answer to a forwarded write before reporting it in doubt (ForwardTimeoutMs).</summary>
    public long ForwardTimeoutMs { get; init; } = 5000;

    /// <summary>How long a follower holds a forwarded write's reply until it has applied the write itself (ForwardVisibilityWaitMs).</summary>
    public long ForwardVisibilityWaitMs { get; init; } = 1000;
}
