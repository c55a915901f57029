using System.Globalization;
using StackExchange.Redis;

namespace Chorus.Client;

/// <summary>
/// One user's (or device's) reads and writes with a guarantee (docs/client.md). Writes go to the
/// leader; reads go to a follower when the level allows, with the session's position token, so
/// the follower serves them only once it holds everything the session wrote or saw — or the
/// session reads at the leader instead. After every command the session's <see cref="Token"/>
/// grows to cover what it did. Pass the token to another session (<see cref="Adopt"/>, or
/// <see cref="ChorusClient.OpenSession"/>'s <c>after</c>) to carry the guarantee across devices.
/// Thread-safe, though a session is meant to be one logical sequence.
/// </summary>
public sealed class ChorusSession
{
    private readonly ChorusClient _client;
    private readonly object _tokenGate = new();
    private SessionToken _token;
    private readonly object _noticesGate = new();
    private readonly List<RolledBackWrite> _rolledBack = [];

    // This session's writes (first LSN, last LSN, epoch) no leader has yet said are settled:
    // listed with each recording (PENDING), so a leader judges them against its committed log
    // and tells the session of any a failover lost — even when the leader that recorded them is gone.
    private readonly List<(long First, long Last, long Epoch)> _pending = [];

    /// <summary>Writes kept for judging at most (the server judges this many per request).</summary>
    private const int PendingMax = 64;

    internal ChorusSession(ChorusClient client, ReadConsistency consistency, SessionToken after)
    {
        _client = client;
        Consistency = consistency;
        _token = after;
    }

    /// <summary>The named session's id (<see cref="ChorusClient.OpenNamedSession"/>); null for a session of this process alone.</summary>
    public string? SessionId { get; init; }

    /// <summary>The read level of this session's reads (a read can override it).</summary>
    public ReadConsistency Consistency { get; set; }

    /// <summary>Everything this session wrote or read, as a position in the cluster's log(s).</summary>
    public SessionToken Token
    {
        get
        {
            lock (_tokenGate)
            {
                return _token;
            }
        }
    }

    /// <summary>What this session's reads and writes met.</summary>
    public SessionCounters Counters { get; } = new();

    /// <summary>
    /// Raised when a named session learns that a failover discarded some of its acknowledged
    /// writes — from a write's recording (the write itself succeeded), a read (which then throws
    /// <see cref="SessionWritesRolledBackException"/>), or <see cref="GetRolledBackWritesAsync"/>.
    /// Each write is raised once per session object. Runs on the thread that learned it.
    /// </summary>
    public event EventHandler<WritesRolledBackEventArgs>? WritesRolledBack;

    /// <summary>The writes of this named session that this object has learned were rolled back, oldest first.</summary>
    public IReadOnlyList<RolledBackWrite> RolledBackWrites
    {
        get
        {
            lock (_noticesGate)
            {
                return [.. _rolledBack];
            }
        }
    }

    /// <summary>
    /// Asks the cluster for the named session's rollback notices (<c>CHORUS.SESSION NOTICES</c> at
    /// the leader): the ones it keeps (the newest 32), merged into <see cref="RolledBackWrites"/>,
    /// which it returns. Raises <see cref="WritesRolledBack"/> for any not known before. A session
    /// that is not named has none.
    /// </summary>
    public async Task<IReadOnlyList<RolledBackWrite>> GetRolledBackWritesAsync(CancellationToken cancellationToken = default)
    {
        if (SessionId is not { } id)
        {
            return [];
        }
        var connected = await _client.ConnectedAsync(cancellationToken);
        var target = connected.Server(connected.WriteTarget(connected.Monitor.Current));
        var pending = PendingArguments();
        object[] arguments = ["NOTICES", id, .. pending];
        var listed = (RedisResult[]?)await target.ExecuteAsync("CHORUS.SESSION", arguments).WaitAsync(cancellationToken) ?? [];
        if (pending.Count > 0 && listed.Length > 0)
        {
            Settled((long)listed[0]);
            listed = listed[1..];
        }
        Learn([.. listed.Select(n => RolledBackWrite.TryParse((string?)n ?? "")).OfType<RolledBackWrite>()]);
        return RolledBackWrites;
    }

    /// <summary><c>PENDING &lt;first&gt;-&lt;last&gt;@&lt;epoch&gt; …</c> for the writes not known settled (empty: none).</summary>
    private List<object> PendingArguments(params (long First, long Last, long Epoch)[] except)
    {
        lock (_noticesGate)
        {
            var listed = _pending.Where(p => !except.Contains(p)).Select(p => (object)string.Create(CultureInfo.InvariantCulture, $"{p.First}-{p.Last}@{p.Epoch}")).ToList();
            return listed.Count == 0 ? [] : ["PENDING", .. listed];
        }
    }

    private void Pend((long First, long Last, long Epoch) write)
    {
        lock (_noticesGate)
        {
            if (!_pending.Contains(write))
            {
                _pending.Add(write);
                if (_pending.Count > PendingMax)
                {
                    _pending.RemoveAt(0);
                }
            }
        }
    }

    /// <summary>A leader judged the listed writes at its commit point <paramref name="through"/>: each at or below it is decided.</summary>
    private void Settled(long through)
    {
        lock (_noticesGate)
        {
            _pending.RemoveAll(p => p.Last <= through);
        }
    }

    /// <summary>Adds the notices not known yet; raises <see cref="WritesRolledBack"/> with them; returns them.</summary>
    private List<RolledBackWrite> Learn(IReadOnlyList<RolledBackWrite> notices)
    {
        List<RolledBackWrite> fresh;
        lock (_noticesGate)
        {
            fresh = [.. notices.Where(n => !_rolledBack.Any(k => k.Lsn == n.Lsn && k.Epoch == n.Epoch)).DistinctBy(n => (n.Lsn, n.Epoch))];
            _rolledBack.AddRange(fresh);
        }
        if (fresh.Count > 0)
        {
            WritesRolledBack?.Invoke(this, new WritesRolledBackEventArgs(SessionId ?? "", fresh));
        }
        return fresh;
    }

    /// <summary>Moves the session's position forward to cover <paramref name="token"/> (never back).</summary>
    public void Adopt(SessionToken token)
    {
        lock (_tokenGate)
        {
            _token = _token.Merge(token);
        }
    }

    /// <summary>Runs a write command (SET, HSET, INCR, DEL …) at the leader.</summary>
    /// <exception cref="WriteOutcomeUnknownException">The write may or may not have been applied.</exception>
    /// <exception cref="RedisServerException">The node refused the write (its error says why; nothing was applied).</exception>
    public async Task<RedisResult> WriteAsync(string command, IReadOnlyList<object>? arguments = null, CancellationToken cancellationToken = default)
    {
        var connected = await _client.ConnectedAsync(cancellationToken);
        var deadline = DateTimeOffset.UtcNow + _client.Options.WriteRetryTimeout;
        var backoff = TimeSpan.FromMilliseconds(25);
        var topology = connected.Monitor.Current;
        while (true)
        {
            try
            {
                var target = connected.Server(connected.WriteTarget(topology));
                if (SessionId is { } id)
                {
                    var (written, made) = await ExecuteNamedWriteAsync(target, command, arguments ?? [], cancellationToken);
                    await RecordWriteAsync(connected, target, id, made, deadline, cancellationToken);
                    Count(c => c.CountWrite());
                    return written;
                }
                var result = await ExecuteTrackedAsync(target, command, arguments ?? [], cancellationToken);
                Count(c => c.CountWrite());
                return result;
            }
            catch (Exception e) when (ServerReplies.WriteInDoubt(e))
            {
                _ = connected.Monitor.RefreshAsync(CancellationToken.None);
                throw new WriteOutcomeUnknownException($"{command}: the write may or may not have been applied ({e.Message})", e);
            }
            catch (Exception e) when (ServerReplies.WriteNotApplied(e) && DateTimeOffset.UtcNow + backoff < deadline)
            {
                // Not applied anywhere (no leader yet, or the leader moved): find the leader again
                // and resend, backing off so an election can finish.
                Count(c => c.CountWriteRetried());
                if (ServerReplies.IsStaleReplicaView(e))
                {
                    await connected.Connections.ReconfigureAsync("Chorus: the leader moved");
                }
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
                topology = await connected.Monitor.RefreshAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// Tells the cluster the named session wrote up to <see cref="Token"/> (which covers the write
    /// just acknowledged), so its other devices' reads wait for it. Retried on another node while
    /// the leader is unknown or moving; a leader elected meanwhile counts every write that
    /// survived the failover as the session's anyway.
    /// </summary>
    private async Task RecordWriteAsync(ChorusClient.Connected connected, IServer target, string id, (long First, long Last, long Epoch) made, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(25);
        if (made.Epoch > 0)
        {
            Pend(made); // kept until a leader says it is settled, whatever this recording's outcome
        }
        while (true)
        {
            try
            {
                if (made.Last <= 0)
                {
                    // The entries are not known (the write changed nothing, went through a follower, or the node predates LASTWRITE).
                    if ((string?)await target.ExecuteAsync("CHORUS.SESSION", "WROTE", id, Token.ToString()).WaitAsync(cancellationToken) is { Length: > 0 } recorded)
                    {
                        Adopt(SessionToken.Parse(recorded));
                    }
                    return;
                }
                // The exact entries go along — with their epoch, the write's identity, and the
                // session's earlier writes not known settled — so a rollback of them becomes this
                // session's notice; the reply is the session's token, (with EPOCH) the commit point
                // the leader judged the writes at, then any notices not told yet.
                object[] arguments = made.Epoch > 0
                    ? ["WROTE", id, Token.ToString(), "LSNS", made.First, made.Last, "EPOCH", made.Epoch, .. PendingArguments(made)]
                    : ["WROTE", id, Token.ToString(), "LSNS", made.First, made.Last];
                var reply = (RedisResult[]?)await target.ExecuteAsync("CHORUS.SESSION", arguments).WaitAsync(cancellationToken) ?? [];
                if (reply.Length > 0 && (string?)reply[0] is { Length: > 0 } token)
                {
                    Adopt(SessionToken.Parse(token));
                }
                var notices = reply.Skip(1);
                if (made.Epoch > 0 && reply.Length > 1)
                {
                    Settled((long)reply[1]);
                    notices = reply.Skip(2);
                }
                Learn([.. notices.Select(n => RolledBackWrite.TryParse((string?)n ?? "")).OfType<RolledBackWrite>()]);
                return;
            }
            catch (Exception e) when (ServerReplies.ReadHeldBack(e) || ServerReplies.Unreachable(e) || ServerReplies.WriteNotApplied(e))
            {
                if (DateTimeOffset.UtcNow + backoff >= deadline)
                {
                    throw new SessionWriteNotRecordedException($"the write was applied, but session {id} could not record it ({e.Message}): its other devices may not read it yet", e);
                }
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
                var topology = await connected.Monitor.RefreshAsync(cancellationToken);
                target = connected.Server(connected.WriteTarget(topology));
            }
        }
    }

    /// <summary>Runs a read command (GET, HGETALL, SMEMBERS …) under the session's level.</summary>
    public Task<RedisResult> ReadAsync(string command, IReadOnlyList<object>? arguments = null, CancellationToken cancellationToken = default) =>
        ReadAsync(Consistency, command, arguments, cancellationToken);

    /// <summary>Runs a read command under <paramref name="consistency"/> instead of the session's level, this once.</summary>
    /// <exception cref="SessionWritesRolledBackException">A named session learned that writes of it were rolled back; the read was not run.</exception>
    public async Task<RedisResult> ReadAsync(ReadConsistency consistency, string command, IReadOnlyList<object>? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consistency);
        try
        {
            return await ReadOnceAsync(consistency, command, arguments, cancellationToken);
        }
        catch (RedisServerException e) when (SessionId is { } id && e.Message.StartsWith("ROLLEDBACK", StringComparison.Ordinal))
        {
            // Each node tells a session's notices once: another node may repeat ones this object
            // knows already, and then the read is simply sent again.
            if (Learn(RolledBackWrite.ParseError(e.Message)) is { Count: > 0 } fresh)
            {
                throw new SessionWritesRolledBackException(id, fresh, e);
            }
            return await ReadOnceAsync(consistency, command, arguments, cancellationToken);
        }
    }

    private async Task<RedisResult> ReadOnceAsync(ReadConsistency consistency, string command, IReadOnlyList<object>? arguments, CancellationToken cancellationToken)
    {
        var connected = await _client.ConnectedAsync(cancellationToken);
        var topology = connected.Monitor.Current;
        if (ReadRouting.Follower(topology, consistency, _client.Options.ReadFromFollowers, _client.NextReadTurn()) is { } follower)
        {
            try
            {
                var result = await ExecuteTrackedAsync(connected.Server(follower.EndPoint), Guarded(consistency, _client.Options.FollowerReadWait, command, arguments), cancellationToken);
                Count(c => c.CountRead(atLeader: false));
                return result;
            }
            catch (Exception e) when (ServerReplies.ReadHeldBack(e))
            {
                // The follower was too stale for the guarantee: under eventual this would have
                // been a stale read. The leader has everything.
                Count(c => c.CountHeldBack());
            }
            catch (Exception e) when (ServerReplies.Unreachable(e))
            {
                topology = await connected.Monitor.RefreshAsync(cancellationToken);
            }
        }
        var leader = topology.Leader?.EndPoint ?? (await connected.Monitor.RefreshAsync(cancellationToken)).Leader?.EndPoint ?? connected.WriteTarget(topology);
        var atLeader = await ExecuteTrackedAsync(connected.Server(leader), Guarded(consistency, null, command, arguments), cancellationToken);
        Count(c => c.CountRead(atLeader: true));
        return atLeader;
    }

    /// <summary>GET under the session's level.</summary>
    public async Task<RedisValue> StringGetAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        (RedisValue)await ReadAsync("GET", [key], cancellationToken);

    /// <summary>SET, with an optional expiry.</summary>
    public async Task StringSetAsync(RedisKey key, RedisValue value, TimeSpan? expiry = null, CancellationToken cancellationToken = default) =>
        await WriteAsync("SET", expiry is { } ttl ? [key, value, "PX", (long)ttl.TotalMilliseconds] : [key, value], cancellationToken);

    /// <summary>INCRBY; returns the new value.</summary>
    public async Task<long> StringIncrementAsync(RedisKey key, long by = 1, CancellationToken cancellationToken = default) =>
        (long)await WriteAsync("INCRBY", [key, by], cancellationToken);

    /// <summary>DEL; returns how many of the keys existed.</summary>
    public async Task<long> KeyDeleteAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        (long)await WriteAsync("DEL", [key], cancellationToken);

    /// <summary>HSET of one field; true when the field is new.</summary>
    public async Task<bool> HashSetAsync(RedisKey key, RedisValue field, RedisValue value, CancellationToken cancellationToken = default) =>
        (long)await WriteAsync("HSET", [key, field, value], cancellationToken) == 1;

    /// <summary>HGET under the session's level.</summary>
    public async Task<RedisValue> HashGetAsync(RedisKey key, RedisValue field, CancellationToken cancellationToken = default) =>
        (RedisValue)await ReadAsync("HGET", [key, field], cancellationToken);

    private (string Command, object[] Arguments) Guarded(ReadConsistency consistency, TimeSpan? wait, string command, IReadOnlyList<object>? arguments)
    {
        if (consistency.Level == ReadLevel.Eventual)
        {
            return (command, [.. arguments ?? []]);
        }
        var guarded = new List<object>(consistency.Arguments());
        if (wait is { } w)
        {
            guarded.Add("WAIT");
            guarded.Add(((long)w.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }
        if (Token is { IsEmpty: false } token)
        {
            guarded.Add("AFTER");
            guarded.Add(token.ToString());
        }
        if (SessionId is { } id)
        {
            guarded.Add("SESSION");
            guarded.Add(id);
        }
        guarded.Add(command);
        guarded.AddRange(arguments ?? []);
        return ("CHORUS.READ", [.. guarded]);
    }

    private Task<RedisResult> ExecuteTrackedAsync(IServer server, (string Command, object[] Arguments) request, CancellationToken cancellationToken) =>
        ExecuteTrackedAsync(server, request.Command, request.Arguments, cancellationToken);

    /// <summary>
    /// Sends the command and CHORUS.TOKEN back to back on the node's connection, so the token
    /// covers the command (the connection answers in order; other sessions' commands on the same
    /// connection can only make the token larger, which is safe: a later read waits a little more).
    /// </summary>
    private async Task<RedisResult> ExecuteTrackedAsync(IServer server, string command, IReadOnlyList<object> arguments, CancellationToken cancellationToken)
    {
        var reply = server.ExecuteAsync(command, [.. arguments]);
        var position = server.ExecuteAsync("CHORUS.TOKEN");
        RedisResult result;
        try
        {
            result = await reply.WaitAsync(cancellationToken);
        }
        finally
        {
            _ = position.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
        if ((string?)await position.WaitAsync(cancellationToken) is { Length: > 0 } token)
        {
            Adopt(SessionToken.Parse(token));
        }
        return result;
    }

    /// <summary>
    /// A named session's write: the command, <c>CHORUS.TOKEN</c> and <c>CHORUS.SESSION LASTWRITE</c>
    /// sent back to back, with no other session's write of this client in between (the client's
    /// write gate), so LASTWRITE names exactly the entries this command made on the shared connection.
    /// </summary>
    private async Task<(RedisResult Result, (long First, long Last, long Epoch) Made)> ExecuteNamedWriteAsync(IServer server, string command, IReadOnlyList<object> arguments, CancellationToken cancellationToken)
    {
        Task<RedisResult> reply, position, lastWrite;
        lock (_client.SessionWriteGate)
        {
            reply = server.ExecuteAsync(command, [.. arguments]);
            position = server.ExecuteAsync("CHORUS.TOKEN");
            lastWrite = server.ExecuteAsync("CHORUS.SESSION", "LASTWRITE", "WITHEPOCH");
        }
        RedisResult result;
        try
        {
            result = await reply.WaitAsync(cancellationToken);
        }
        finally
        {
            _ = position.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            _ = lastWrite.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
        if ((string?)await position.WaitAsync(cancellationToken) is { Length: > 0 } token)
        {
            Adopt(SessionToken.Parse(token));
        }
        (long, long, long) made = (0, 0, 0);
        try
        {
            if ((RedisResult[]?)await lastWrite.WaitAsync(cancellationToken) is [var first, var last, var epoch])
            {
                made = ((long)first, (long)last, (long)epoch);
            }
        }
        catch (RedisServerException)
        {
            // A node that predates LASTWRITE WITHEPOCH: the write is recorded without its entries.
        }
        return (result, made);
    }

    private void Count(Action<SessionCounters> count)
    {
        count(Counters);
        count(_client.Counters);
    }
}
