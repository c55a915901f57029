using System.Collections.Concurrent;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Commands.Sites;
using Chorus.Commands.Values;
using Chorus.Core.Sites;
using Chorus.Core.Versions;
using Chorus.Node;
using Chorus.Resp;
using Chorus.Server.Resp;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// The on-read half of a custom resolver (<see cref="IReadResolver"/>) at a multi-leader site: a
/// GET (or MGET) of a string key that holds concurrent values under <c>custom:&lt;name&gt;</c>, whose
/// resolver has an on-read handler, answers with the handler's value and writes it back with the
/// causal context the read saw (<see cref="ResolveCommand"/>, through the write gateway: a follower
/// forwards it to its site leader), so it replicates like any write and supersedes exactly those
/// values. The read never waits for the write-back.
/// <para>
/// The handler is the user's code, so it runs guarded (<see cref="GuardedHandler"/>: off the
/// connection's thread, with a deadline, <c>ReadResolverTimeoutMs</c>, and at most
/// <see cref="HandlersMax"/> at once): one that throws, runs late or cannot start gives the read
/// its ordinary answer (the on-write merge), leaves the siblings, and is counted and logged.
/// </para>
/// </summary>
internal sealed class OnReadResolution(NodeDriver driver, WriteGateway gateway, TimeSpan timeout, ILogger logger)
{
    /// <summary>On-read handlers running at once, at most (beyond it a read answers without one).</summary>
    public const int HandlersMax = 8;

    /// <summary>Write-backs waiting for the loop at once, at most (one per key; more reads of the key meanwhile do not add one).</summary>
    public const int WriteBacksMax = 1024;

    private readonly GuardedHandler _handlers = new(HandlersMax, timeout);
    private readonly ConcurrentDictionary<(int Db, string Key), byte> _pending = new();
    private long _resolved;
    private long _failures;
    private long _writtenBack;
    private long _stale;

    /// <summary>Reads answered by an on-read handler.</summary>
    public long Resolved => Interlocked.Read(ref _resolved);

    /// <summary>On-read handlers that threw, ran past the deadline or found no free slot (the read answered without them).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Resolutions written back (they replaced the siblings they saw).</summary>
    public long WrittenBack => Interlocked.Read(ref _writtenBack);

    /// <summary>Resolutions not written back: the key had changed by the time the write-back ran, or it failed (the siblings stay).</summary>
    public long NotWrittenBack => Interlocked.Read(ref _stale);

    /// <summary>The newest handler failure, one line.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>
    /// Answers <paramref name="command"/> when it is a GET an on-read handler resolves, or an MGET
    /// of which at least one key is resolved or (RESP3) flagged; false when the read should run as
    /// usual. A GET or HGET of a value with unresolved concurrent values is flagged
    /// (<see cref="SiblingsFlag"/>): the flag is written here and the ordinary read's reply follows it.
    /// </summary>
    public async ValueTask<bool> TryReadAsync(ClientSession session, CommandSpec spec, RespCommand command, RespWriter reply)
    {
        if (driver.Status.Sites is not { } sites)
        {
            return false;
        }
        if (spec.Name == "MGET")
        {
            return await TryMGetAsync(session, sites, command, reply);
        }
        if (spec.Name == "GET" && command.ArgumentCount == 2 && await ResolveAsync(session, sites, command[1].ToArray()) is { } value)
        {
            reply.WriteBulkString(value);
            return true;
        }
        if (reply.Protocol == RespProtocol.Resp3 && (spec.Name, command.ArgumentCount) is ("GET", 2) or ("HGET", 3))
        {
            var key = command[1];
            SiblingsFlag.Write(reply, Siblings(session, sites, key, spec.Name == "HGET" ? command[2].ToArray() : null));
        }
        return false;
    }

    /// <summary>How many unresolved concurrent values stand behind what a read of the key (or its hash field) shows; 0: no flag.</summary>
    private static int Siblings(ClientSession session, Replication.SitesStatus sites, ReadOnlySpan<byte> key, byte[]? field = null) =>
        SiblingsFlag.Count(session.Reads.GetLive(session.Db, key), sites.Site, PolicyRules.RuleOf(sites.Settings, key)?.Policy ?? ConflictPolicy.Lww, field);

    /// <summary>
    /// MGET: each key an on-read handler resolves shows the handler's value (and is written back),
    /// the others what MGET shows (a string, or nil), flagged when it has unresolved siblings (RESP3). The handlers run one after another, each with
    /// its deadline, so one MGET never takes more than one handler slot.
    /// </summary>
    private async ValueTask<bool> TryMGetAsync(ClientSession session, Replication.SitesStatus sites, RespCommand command, RespWriter reply)
    {
        var keys = new byte[command.ArgumentCount][];
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            keys[i] = command[i].ToArray(); // copied before any await
        }
        var resolved = new byte[]?[command.ArgumentCount];
        var flags = new int[command.ArgumentCount];
        var any = false;
        for (var i = 1; i < keys.Length; i++)
        {
            resolved[i] = await ResolveAsync(session, sites, keys[i]);
            flags[i] = resolved[i] is null && reply.Protocol == RespProtocol.Resp3 ? Siblings(session, sites, keys[i]) : 0;
            any |= resolved[i] is not null || flags[i] > 0;
        }
        if (!any)
        {
            return false;
        }
        reply.WriteArrayHeader(keys.Length - 1);
        for (var i = 1; i < keys.Length; i++)
        {
            SiblingsFlag.Write(reply, flags[i]);
            if (resolved[i] is { } value)
            {
                reply.WriteBulkString(value);
            }
            else if (session.Reads.GetLive(session.Db, keys[i]) is { } live && KeyRecord.Parse(live) is { Type: DataType.String } record)
            {
                reply.WriteBulkString(record.Payload);
            }
            else
            {
                reply.WriteNull();
            }
        }
        return true;
    }

    /// <summary>The on-read handler's value for <paramref name="key"/> (written back in the background); null when no handler resolves it.</summary>
    private async ValueTask<byte[]?> ResolveAsync(ClientSession session, Replication.SitesStatus sites, byte[] key)
    {
        if (PolicyRules.RuleOf(sites.Settings, key) is not { Policy: ConflictPolicy.Custom, Resolver: { } name }
            || !driver.Resolvers.TryGetValue(name, out var resolver) || resolver is not IReadResolver handler)
        {
            return null;
        }
        if (ReadSiblings.Of(session.Reads.GetLive(session.Db, key), sites.Site) is not { } conflict)
        {
            return null;
        }
        if (await RunAsync(handler, name, key, conflict) is not { } value)
        {
            return null;
        }
        Interlocked.Increment(ref _resolved);
        WriteBack(session, key, conflict.Context, value);
        return value;
    }

    /// <summary>The handler's value; null when it declined, threw, ran late or could not start.</summary>
    private async Task<byte[]?> RunAsync(IReadResolver handler, string name, byte[] key, ReadConflict conflict)
    {
        var outcome = await _handlers.RunAsync(() => handler.ResolveOnRead(key, conflict.Siblings));
        if (outcome.Error is { } error)
        {
            Failed(name, key, error);
        }
        return outcome.Value;
    }

    private void Failed(string name, byte[] key, string error)
    {
        Interlocked.Increment(ref _failures);
        LastFailure = $"{name} on {ConflictText.Bytes(key)}: {error}".ReplaceLineEndings(" ");
        logger.LogWarning("on-read handler of resolver {Resolver} failed on key {Key}; the read shows the on-write merge and the siblings stay: {Error}", name, ConflictText.Bytes(key), error);
    }

    /// <summary>CHORUS.RESOLVE key context value, in the background: once per key at a time, bounded.</summary>
    private void WriteBack(ClientSession session, byte[] key, VersionVector context, byte[] value)
    {
        var pending = (session.Db, Convert.ToHexString(key));
        if (_pending.Count >= WriteBacksMax || !_pending.TryAdd(pending, 0))
        {
            return; // a write-back of this key is on its way (or too many are): a later read resolves again if still needed
        }
        var batch = new ClientWriteBatch { Protocol = RespProtocol.Resp2, Db = session.Db, Forwardable = true };
        batch.Commands.Add(["CHORUS.RESOLVE"u8.ToArray(), key, Encoding.UTF8.GetBytes(context.ToString()), value]);
        _ = Task.Run(async () =>
        {
            try
            {
                await gateway.ExecuteAsync(batch, CancellationToken.None);
                var written = !batch.Failed && batch.Replies.WrittenSpan.SequenceEqual(":1\r\n"u8);
                Interlocked.Increment(ref written ? ref _writtenBack : ref _stale);
                if (!written)
                {
                    logger.LogInformation("on-read resolution of key {Key} not written back ({Why}); its siblings stay", ConflictText.Bytes(key), batch.Error ?? Encoding.UTF8.GetString(batch.Replies.WrittenSpan).Trim());
                }
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _stale);
                logger.LogWarning(e, "on-read resolution of key {Key} could not be written back; its siblings stay", ConflictText.Bytes(key));
            }
            finally
            {
                _pending.TryRemove(pending, out _);
                batch.Dispose();
            }
        });
    }
}
