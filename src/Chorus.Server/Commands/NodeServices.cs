using Chorus.Commands.Execution;
using Chorus.Server.Configuration;
using Chorus.Server.Hosting;
using Chorus.Server.Consistency;
using Chorus.Node;
using Chorus.Server.Resp;
using Chorus.Server.Security;
using Chorus.Storage;

namespace Chorus.Server.Commands;

/// <summary>What server commands may use: the node's parts, shared by every connection.</summary>
internal sealed class NodeServices(
    ChorusOptions options,
    NodeDriver driver,
    NodeInbox inbox,
    IStorageEngine storage,
    TimeProvider clock)
{
    public ChorusOptions Options { get; } = options;

    public NodeDriver Driver { get; } = driver;

    public NodeInbox Inbox { get; } = inbox;

    public IStorageEngine Storage { get; } = storage;

    public TimeProvider Clock { get; } = clock;

    public ClientRegistry Clients { get; } = new();

    /// <summary>Users and permissions (ACL), set once at startup.</summary>
    public AccessControl Access { get; set; } = new([]);

    /// <summary>requirepass as last set (CONFIG GET shows it, as Redis does).</summary>
    public string RequirePass { get; set; } = options.RequirePass;

    /// <summary>protected-mode: while the default user has no password, only loopback clients may connect.</summary>
    public bool ProtectedMode { get; set; } = ChorusOptions.YesNo(options.ProtectedMode, nameof(options.ProtectedMode));

    /// <summary>The most clients the process's open files limit allows (see <see cref="OpenFilesLimit"/>).</summary>
    public int MaxClientsCeiling { get; init; } = int.MaxValue;

    /// <summary>The client and write limits in force (CONFIG SET replaces them whole).</summary>
    public ClientLimits Limits { get; set; } = ClientLimitSettings.FromOptions(options);

    public ServerStats Stats { get; } = new();

    /// <summary>How stale this node's follower reads were, and the guarded reads it refused or redirected.</summary>
    public FollowerReadStats FollowerReads { get; } = new();

    /// <summary>Named sessions (CHORUS.SESSION); null where the node serves none (leaderless).</summary>
    public SessionService? Sessions { get; set; }

    /// <summary>This node's pub/sub channels and subscribers.</summary>
    public PubSub.PubSubHub PubSub { get; } = new();

    /// <summary>Passes a client's PUBLISH to the other nodes; null: messages stay on this node (tests of one node).</summary>
    public PubSub.PubSubRelay? PubSubRelay { get; set; }

    /// <summary>Members' client addresses and the leader, as last learned (SENTINEL answers with them).</summary>
    public Sentinel.ClientAddressBook Addresses { get; } = new(options.Self, options.ClientEndpoint);

    /// <summary>Redis tuning parameters CONFIG SET accepts as no-ops, as set on this node.</summary>
    public PassThroughParameters PassThrough { get; } = new();

    public long StartedAtMs { get; } = clock.GetUtcNow().ToUnixTimeMilliseconds();

    public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>This node's cluster's identity as its published status knows it (empty: none yet, or a cluster without one).</summary>
    public string ClusterId => Driver.Status.Settings.ClusterId;

    /// <summary>Multi-leader: on-read handlers of custom resolvers (null elsewhere).</summary>
    public OnReadResolution? ReadResolution { get; set; }

    /// <summary>The peer-link fault (CHORUS.FAULT LINK), when the node was started with fault commands.</summary>
    public PeerLinkHold? LinkHold { get; init; }

    /// <summary>
    /// Re-bootstraps this node from a snapshot of the given leader (CHORUS.RESYNC): true once the
    /// download started, false while one is already running; null where snapshots cannot be fetched.
    /// </summary>
    public Func<Core.NodeId, bool>? Resync { get; set; }

    /// <summary>Snapshot transfers to and from this node.</summary>
    public SnapshotProgress Snapshots { get; init; } = new();

    /// <summary>
    /// Asks the loop to publish its status now, so that INFO, ROLE and CHORUS.LAG show every write
    /// the client has already seen acknowledged; if the loop does not answer within a second (it
    /// is swapping in a snapshot, say) the last published status, at most a moment old, serves.
    /// </summary>
    public async ValueTask RefreshStatusAsync()
    {
        var completion = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Inbox.Post(new RefreshStatusInput(completion));
        try
        {
            await completion.Task.WaitAsync(StatusRefreshTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // the published status will do
        }
    }

    private static readonly TimeSpan StatusRefreshTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Every command, data and server; set once at startup.</summary>
    public CommandTable Commands { get; set; } = new([]);

    /// <summary>The node's Lua scripts: their cache (SCRIPT) and the engine the loop runs them in.</summary>
    public Scripting.ScriptEngine Scripts { get; init; } = new(new Scripting.ScriptLimits(Scripting.ScriptLimits.DefaultTimeLimitMs, null));
}

/// <summary>A server command's view: the node and the calling connection.</summary>
internal readonly record struct ServerCommandContext(NodeServices Node, ClientSession Session)
{
    /// <summary>The connection's dispatcher (CHORUS.READ runs a read command through it).</summary>
    public CommandDispatcher? Dispatcher { get; init; }
}

/// <summary>Runs a server command (connection, introspection, replication control).</summary>
internal delegate ValueTask ServerHandler(ServerCommandContext context, Chorus.Resp.RespCommand command, Chorus.Resp.RespWriter reply);

/// <summary>A server command's table entry and its handler.</summary>
internal sealed record ServerCommand(CommandSpec Spec, ServerHandler Handler);
