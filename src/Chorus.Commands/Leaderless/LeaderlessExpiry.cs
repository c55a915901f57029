using Chorus.Commands.Data.Keys;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Data.Strings;
using Chorus.Commands.Execution;
using Chorus.Core.Requests;
using Chorus.Core.Versions;
using Chorus.Resp;

namespace Chorus.Commands.Leaderless;

/// <summary>
/// Expiry on a leaderless cluster (docs/leaderless.md, "Expiry"): the absolute expiry is part of
/// the versioned value, set by the node that takes the write and replicated with it.
/// SET's EX/PX/EXAT/PXAT write a value with an expiry; EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT and
/// PERSIST read the key from R replicas and write its value again with the new expiry
/// (<see cref="KeyExpire"/>); TTL, PTTL, EXPIRETIME and PEXPIRETIME answer from a quorum read.
/// Replies and errors are Redis's.
/// </summary>
internal static class LeaderlessExpiry
{
    private const CommandFlags ReadFlags = CommandFlags.ReadOnly | CommandFlags.Fast;
    private const CommandFlags WriteFlags = CommandFlags.Write | CommandFlags.Fast;

    public static readonly CommandSpec[] Specs =
    [
        new("EXPIRE", -3, WriteFlags, 1, 1, 1, Request: (c, q, r) => Expire(c, q, r, relative: true, unitMs: 1000)),
        new("PEXPIRE", -3, WriteFlags, 1, 1, 1, Request: (c, q, r) => Expire(c, q, r, relative: true, unitMs: 1)),
        new("EXPIREAT", -3, WriteFlags, 1, 1, 1, Request: (c, q, r) => Expire(c, q, r, relative: false, unitMs: 1000)),
        new("PEXPIREAT", -3, WriteFlags, 1, 1, 1, Request: (c, q, r) => Expire(c, q, r, relative: false, unitMs: 1)),
        new("PERSIST", 2, WriteFlags, 1, 1, 1, Request: Persist),
        new("TTL", 2, ReadFlags, 1, 1, 1, Request: (c, q, r) => Ttl(c, q, milliseconds: false, absolute: false)),
        new("PTTL", 2, ReadFlags, 1, 1, 1, Request: (c, q, r) => Ttl(c, q, milliseconds: true, absolute: false)),
        new("EXPIRETIME", 2, ReadFlags, 1, 1, 1, Request: (c, q, r) => Ttl(c, q, milliseconds: false, absolute: true)),
        new("PEXPIRETIME", 2, ReadFlags, 1, 1, 1, Request: (c, q, r) => Ttl(c, q, milliseconds: true, absolute: true)),
    ];

    public const string SetOptionsRefused = "ERR SET options NX, XX, GET and KEEPTTL are not supported by the leaderless family (each needs a read and a write that a quorum cannot make atomic); EX, PX, EXAT and PXAT are";

    /// <summary>SET's expiry options: true with the expiry (none without one); false after writing the error.</summary>
    public static bool TryParseSet(RespCommand command, RespWriter reply, out WriteExpiry expiry)
    {
        expiry = WriteExpiry.None;
        if (!SetOptions.TryParseSet(command, out var options))
        {
            reply.WriteError(Errors.Syntax);
            return false;
        }
        if (options.Nx || options.Xx || options.Get || options.KeepTtl)
        {
            reply.WriteError(SetOptionsRefused);
            return false;
        }
        if (!options.HasExpiry)
        {
            return true;
        }
        // Resolved against time 0: validates the number and its unit; the node adds its own time.
        if (!options.TryResolveExpiry(command, nowMs: 0, "set", out var ms, out var error))
        {
            reply.WriteError(error);
            return false;
        }
        expiry = options.IsAbsoluteExpiry ? WriteExpiry.At(ms) : WriteExpiry.In(ms);
        return true;
    }

    private static RequestPlan? Expire(RespCommand command, QuorumOverrides connection, RespWriter reply, bool relative, long unitMs)
    {
        if (ExpireOptionParser.Parse(command, reply) is not { } options)
        {
            return null;
        }
        if (!IntegerText.TryParse(command[2], out var time))
        {
            reply.WriteError(Errors.NotInteger);
            return null;
        }
        var name = ExpireCommands.Name(relative, unitMs);
        return Change(command, connection, (shown, nowMs) =>
        {
            if (!ExpireCommands.TryAbsolute(time, unitMs, relative ? nowMs : 0, out var expiresAtMs))
            {
                return ExpiryDecision.Refuse(Errors.InvalidExpireTimeReason(name));
            }
            if (shown is not { } value || !ExpireOptionParser.Allows(options, value.ExpiresAtMs, expiresAtMs))
            {
                return ExpiryDecision.Unchanged;
            }
            // Redis deletes right away when the time is not in the future (checkAlreadyExpired).
            return expiresAtMs <= nowMs ? ExpiryDecision.Delete : ExpiryDecision.Set(expiresAtMs);
        });
    }

    private static RequestPlan? Persist(RespCommand command, QuorumOverrides connection, RespWriter reply) =>
        Change(command, connection, static (shown, _) => shown is { HasExpiry: true } ? ExpiryDecision.Set(0) : ExpiryDecision.Unchanged);

    private static RequestPlan Change(RespCommand command, QuorumOverrides connection, Func<VersionedValue?, long, ExpiryDecision> decide) =>
        new([new KeyExpire(command.GetMemory(1).ToArray(), decide, connection)], static (answers, writer) =>
        {
            if (answers[0].Error is { } error)
            {
                writer.WriteError(error);
                return;
            }
            writer.WriteInteger(((ExpiryChanged)answers[0].Result!).Changed ? 1 : 0);
        });

    /// <summary>TTL and its kin from a quorum read: -2 when the key reads as absent, -1 without an expiry.</summary>
    private static RequestPlan Ttl(RespCommand command, QuorumOverrides connection, bool milliseconds, bool absolute) =>
        LeaderlessCommands.Read([command.GetMemory(1).ToArray()], connection, (read, writer) =>
        {
            if (KeyVersions.Winner(read.Versions[0]) is not { Value.IsTombstone: false } winner)
            {
                writer.WriteInteger(-2);
                return;
            }
            if (!winner.Value.HasExpiry)
            {
                writer.WriteInteger(-1);
                return;
            }
            var ms = Math.Max(0, absolute ? winner.Value.ExpiresAtMs : winner.Value.ExpiresAtMs - read.NowMs);
            writer.WriteInteger(milliseconds ? ms : TtlCommands.RoundToSeconds(ms));
        });
}
