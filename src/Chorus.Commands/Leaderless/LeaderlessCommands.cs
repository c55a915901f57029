using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Sites;
using Chorus.Core.Requests;
using Chorus.Core.Versions;
using Chorus.Resp;

namespace Chorus.Commands.Leaderless;

/// <summary>
/// The data commands of a leaderless node (DDIA ch. 5, "Leaderless replication"). Each becomes
/// requests the leaderless core serves through a quorum: GET, MGET and EXISTS read from R
/// replicas; SET and DEL write to W. Plain GET shows one value — the newest sibling by timestamp
/// — so ordinary Redis clients work; CHORUS.GETV shows every sibling with the causal context,
/// and CHORUS.PUTV writes with that context, replacing exactly the siblings it saw. Expiry
/// (SET EX/PX/EXAT/PXAT, the EXPIRE and TTL families, PERSIST) is in <see cref="LeaderlessExpiry"/>. Every other
/// data command is refused with a clear error (a leaderless key holds a versioned string).
/// </summary>
public static class LeaderlessCommands
{
    private static readonly CommandSpec[] Served =
    [
        new("GET", 2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Request: Get),
        new("MGET", -2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, -1, 1, Request: MGet),
        new("EXISTS", -2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, -1, 1, Request: Exists),
        new("SET", -3, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Request: Set),
        new("DEL", -2, CommandFlags.Write, 1, -1, 1, Request: Del),
        new("UNLINK", -2, CommandFlags.Write | CommandFlags.Fast, 1, -1, 1, Request: Del),
        new("CHORUS.GETV", -2, CommandFlags.ReadOnly, 1, 1, 1, Request: GetVersions),
        new("CHORUS.PUTV", -4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Request: PutVersions),
        RingCommand.Spec,
        .. LeaderlessExpiry.Specs,
    ];

    /// <summary>
    /// SELECT of any database but 0 (the connection's database decides nothing for the core's
    /// requests: answering from database 0 would silently mix databases).
    /// </summary>
    public const string DatabaseRefused = "ERR the leaderless family serves database 0 only (its keys are replicated by hash, one keyspace per cluster): SELECT 0";

    /// <summary>CHORUS.CONSISTENCY and CHORUS.READ: read guarantees over a leader's log mean nothing without one.</summary>
    public const string ReadGuaranteesRefused = "ERR read guarantees (CHORUS.CONSISTENCY, CHORUS.READ) belong to the single-leader family: a leaderless read's freshness is chosen with R (CHORUS.QUORUM R n, or R n on CHORUS.GETV)";

    /// <summary>Local reads that still make sense on one replica: its digest (replicas converge when digests agree).</summary>
    private static readonly string[] LocalReads = ["CHORUS.DIGEST"];

    /// <summary>The command table's data commands for a leaderless node: the served ones, and a refusal for each other.</summary>
    public static IReadOnlyList<CommandSpec> All { get; } = Build();

    private static CommandSpec[] Build()
    {
        var served = Served.Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var refused = DataCommands.All
            .Where(c => !served.Contains(c.Name) && !LocalReads.Contains(c.Name, StringComparer.OrdinalIgnoreCase))
            .Select(c => c with { Read = null, Write = null, Request = Refuse });
        var local = DataCommands.All.Where(c => LocalReads.Contains(c.Name, StringComparer.OrdinalIgnoreCase));
        return [.. Served, .. refused, .. local];
    }

    private static RequestPlan? Get(RespCommand command, QuorumOverrides connection, RespWriter reply) =>
        Read([command.GetMemory(1).ToArray()], connection, (read, writer) => WriteWinner(read.Versions[0], writer));

    private static RequestPlan? MGet(RespCommand command, QuorumOverrides connection, RespWriter reply) =>
        Read(Keys(command, 1), connection, (read, writer) =>
        {
            writer.WriteArrayHeader(read.Versions.Count);
            foreach (var set in read.Versions)
            {
                WriteWinner(set, writer);
            }
        });

    private static RequestPlan? Exists(RespCommand command, QuorumOverrides connection, RespWriter reply) =>
        Read(Keys(command, 1), connection, (read, writer) => writer.WriteInteger(read.Versions.Count(KeyVersions.IsLive)));

    private static RequestPlan? Set(RespCommand command, QuorumOverrides connection, RespWriter reply)
    {
        if (!LeaderlessExpiry.TryParseSet(command, reply, out var expiry))
        {
            return null;
        }
        var write = new KeyWrite(command.GetMemory(1).ToArray(), command.GetMemory(2).ToArray(), null, connection, expiry);
        return new RequestPlan([write], static (answers, writer) => RenderWrites(answers, writer, static (_, w) => w.WriteOk()));
    }

    private static RequestPlan? Del(RespCommand command, QuorumOverrides connection, RespWriter reply)
    {
        var writes = Keys(command, 1).Select(key => (ClientRequest)new KeyWrite(key, null, null, connection)).ToList();
        return new RequestPlan(writes, static (answers, writer) =>
            RenderWrites(answers, writer, static (written, w) => w.WriteInteger(written.Count(k => k.WasLive))));
    }

    /// <summary>CHORUS.GETV key [N n] [R r]: the context, then every sibling (nil for a deletion), newest first.</summary>
    private static RequestPlan? GetVersions(RespCommand command, QuorumOverrides connection, RespWriter reply)
    {
        if (QuorumOptions.Parse(command, 2, out var error) is not { } overrides)
        {
            reply.WriteError(error!);
            return null;
        }
        return Read([command.GetMemory(1).ToArray()], connection.Then(overrides), (read, writer) => SiblingsReply.Write(read.Versions[0], writer));
    }

    /// <summary>CHORUS.PUTV key context value [N n] [W w]: a write that replaces exactly the siblings the context covers.</summary>
    private static RequestPlan? PutVersions(RespCommand command, QuorumOverrides connection, RespWriter reply)
    {
        if (SiblingsReply.ParseContext(command[2]) is not { } context)
        {
            reply.WriteError("ERR invalid version context: pass back the first element of a CHORUS.GETV reply, or \"\" for a blind write");
            return null;
        }
        if (QuorumOptions.Parse(command, 4, out var error) is not { } overrides)
        {
            reply.WriteError(error!);
            return null;
        }
        var write = new KeyWrite(command.GetMemory(1).ToArray(), command.GetMemory(3).ToArray(), context, connection.Then(overrides));
        return new RequestPlan([write], static (answers, writer) =>
            RenderWrites(answers, writer, static (written, w) => w.WriteBulkString(SiblingsReply.ContextText(written[0].Stored.Context))));
    }

    private static RequestPlan? Refuse(RespCommand command, QuorumOverrides connection, RespWriter reply)
    {
        reply.WriteError($"ERR '{System.Text.Encoding.UTF8.GetString(command[0]).ToLowerInvariant()}' is not supported by the leaderless family (it serves GET, MGET, EXISTS, SET, DEL, UNLINK, the EXPIRE and TTL families, PERSIST, CHORUS.GETV and CHORUS.PUTV)");
        return null;
    }

    internal static RequestPlan Read(IReadOnlyList<byte[]> keys, QuorumOverrides quorum, Action<KeysRead, RespWriter> render) =>
        new([new KeyRead(keys, quorum)], (answers, writer) =>
        {
            if (answers[0].Error is { } error)
            {
                writer.WriteError(error);
                return;
            }
            render((KeysRead)answers[0].Result!, writer);
        });

    /// <summary>Every write acknowledged: <paramref name="render"/>; otherwise the first failure's error.</summary>
    private static void RenderWrites(IReadOnlyList<RequestAnswer> answers, RespWriter writer, Action<IReadOnlyList<KeyWritten>, RespWriter> render)
    {
        if (answers.FirstOrDefault(a => !a.Succeeded) is { Error: { } error })
        {
            writer.WriteError(error);
            return;
        }
        render([.. answers.Select(a => (KeyWritten)a.Result!)], writer);
    }

    /// <summary>
    /// The value a plain read shows: the newest sibling. When there are several, a RESP3 client is
    /// told so in an attribute before the value (<c>|1 siblings n</c>, which clients that do not know
    /// it skip); RESP2 has no way to say it beside a value, so those clients ask with CHORUS.GETV.
    /// </summary>
    private static void WriteWinner(DottedVersionVectorSet<VersionedValue> versions, RespWriter writer)
    {
        SiblingsFlag.Write(writer, versions.SiblingCount);
        if (KeyVersions.Winner(versions) is { Value.Bytes: { } bytes })
        {
            writer.WriteBulkString(bytes);
        }
        else
        {
            writer.WriteNull();
        }
    }

    private static List<byte[]> Keys(RespCommand command, int first) =>
        [.. Enumerable.Range(first, command.ArgumentCount - first).Select(i => command.GetMemory(i).ToArray())];
}
