using StackExchange.Redis;

namespace Chorus.Client;

/// <summary>What the client makes of an error a node answered or a connection failure.</summary>
internal static class ServerReplies
{
    /// <summary>
    /// A node refused a write without applying it — no leader yet, the leader unreachable, a
    /// follower that does not forward — so sending it again cannot apply it twice.
    /// </summary>
    public static bool WriteNotApplied(Exception e) => e switch
    {
        RedisServerException s => !InDoubt(s.Message) && (s.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || s.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || s.Message.StartsWith("MOVED", StringComparison.Ordinal)
            || (s.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal) && (s.Message.Contains("not applied", StringComparison.Ordinal) || s.Message.Contains("no leader", StringComparison.Ordinal)))),
        // StackExchange.Redis says so when the command never left its backlog (no connection
        // came up to send it on), or when it could not connect at all.
        RedisTimeoutException or RedisConnectionException when e.Message.Contains("in the backlog", StringComparison.Ordinal) => true,
        RedisConnectionException c => c.FailureType == ConnectionFailureType.UnableToConnect,
        // StackExchange.Redis refused to send it: it still sees the node as a replica.
        RedisCommandException when IsStaleReplicaView(e) => true,
        _ => false,
    };

    /// <summary>
    /// StackExchange.Redis will not send a write to a node it last saw as a replica. Right after a
    /// failover its view can trail the leader the topology names (it re-reads roles on its own
    /// schedule); the write never left the client, and the cure is to make it re-read them.
    /// </summary>
    public static bool IsStaleReplicaView(Exception e) =>
        e is RedisCommandException && e.Message.Contains("cannot be issued to a replica", StringComparison.Ordinal);

    /// <summary>The write may have been applied: the node said so, or the connection broke after sending it.</summary>
    public static bool WriteInDoubt(Exception e) => e switch
    {
        RedisServerException s => InDoubt(s.Message),
        RedisTimeoutException or RedisConnectionException => !WriteNotApplied(e),
        _ => false,
    };

    /// <summary>A follower could not serve a guarded read in time (it answered TRYAGAIN or redirected to the leader).</summary>
    public static bool ReadHeldBack(Exception e) =>
        e is RedisServerException s && (s.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal) || s.Message.StartsWith("MOVED", StringComparison.Ordinal));

    /// <summary>The node could not be reached or did not answer: the read can go elsewhere.</summary>
    public static bool Unreachable(Exception e) => e is RedisConnectionException or RedisTimeoutException;

    private static bool InDoubt(string message) =>
        message.Contains("may or may not", StringComparison.Ordinal) || message.Contains("outcome is unknown", StringComparison.Ordinal);
}
