using Chorus.Node.Sessions;

namespace Chorus.Server.Consistency;

/// <summary>
/// The named sessions (CHORUS.SESSION) this node knows. On the leader it is the cluster's
/// authority for a session's position: every write a bound connection makes — here or forwarded
/// by a follower — is recorded before it is acknowledged, and a follower asks the leader for the
/// position before it serves a bound session's guarded read (docs/consistency.md, "Cross-device
/// sessions"). Positions are not logged: what the leader records in its own epoch is exact, and
/// anything from an earlier epoch is covered by the leader's log end when the session is first
/// looked up in this epoch (<see cref="SessionRecord.AtLeader"/>), so a failover loses nothing a read needs.
/// Thread-safe: connections and the peer service use it concurrently.
/// </summary>
internal sealed class SessionDirectory(long idleMsMax = SessionDirectory.DefaultIdleMs)
{
    /// <summary>A session nobody used for this long is forgotten (default one day).</summary>
    public const long DefaultIdleMs = 24 * 60 * 60 * 1000;

    /// <summary>Sessions at most, per node (a bound on what clients can make us hold).</summary>
    public const int SessionsMax = SessionTable<NamedSession>.SessionsMax;

    /// <summary>Why <see cref="Open"/> returned null, for the client (after "ERR this node" or "TRYAGAIN the leader").</summary>
    public static readonly string FullReason = $"holds {SessionsMax} sessions; retry once idle ones expire";

    // The protocol's table (Chorus.Node), shared by connections and the peer service: one lock.
    private readonly SessionTable<NamedSession> _table = new((id, nowMs) => new NamedSession(id, nowMs), idleMsMax);

    public long IdleMsMax => _table.IdleMsMax;

    public int Count { get { lock (_table) { return _table.Count; } } }

    /// <summary>The session named <paramref name="id"/>, created if new (or expired); null when the directory is full.</summary>
    public NamedSession? Open(string id, long nowMs) { lock (_table) { return _table.Open(id, nowMs); } }

    public NamedSession? Find(string id) { lock (_table) { return _table.Find(id); } }

    /// <summary>Everything currently known (for rollback attribution and metrics): a copy.</summary>
    public IReadOnlyList<NamedSession> All { get { lock (_table) { return [.. _table.All]; } } }

    /// <summary>Forgets idle sessions; returns how many.</summary>
    public int Sweep(long nowMs) { lock (_table) { return _table.Sweep(nowMs); } }

    /// <summary>
    /// A session id: 1 to 128 bytes of letters, digits and <c>- _ . : @</c> (a user id, a device
    /// pair, a UUID). Null when valid, else the client's error.
    /// </summary>
    public static string? Invalid(ReadOnlySpan<byte> id)
    {
        const int LengthMax = 128;
        if (id.Length == 0)
        {
            return "ERR a session id cannot be empty";
        }
        if (id.Length > LengthMax)
        {
            return $"ERR session id is {id.Length} bytes long; at most {LengthMax} are allowed";
        }
        foreach (var b in id)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)':' or (byte)'@'))
            {
                return "ERR a session id may hold only letters, digits and - _ . : @";
            }
        }
        return null;
    }
}
