using Chorus.Commands.Execution;
using Chorus.Scripting;
using Chorus.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// Composes Lua scripting into a node: the engine with its time limit on the host's clock (the
/// only clock it sees), redis.log into the node log, and the script commands — or, in a family
/// that cannot make several writes atomic, the same commands refusing with the reason (like
/// MULTI/EXEC: docs/transactions.md).
/// </summary>
internal static class ScriptHost
{
    public const string LeaderlessRefusal = "ERR scripts are not available in the leaderless family: every key is written by its own quorum, so a script's writes to several keys cannot be made atomic";

    public const string MultiLeaderRefusal = "ERR scripts are not available at a multi-leader site: other sites merge each key on its own, so a script's writes to several keys cannot be made atomic";

    public static ScriptEngine Create(ChorusOptions options, TimeProvider clock, ILogger logger)
    {
        var limits = new ScriptLimits(options.ScriptTimeMaxMs, () => (long)clock.GetElapsedTime(0).TotalMilliseconds)
        {
            BusyThresholdMs = options.LuaTimeLimitMs,
        };
        return new ScriptEngine(limits, (level, message) => logger.Log(level switch
        {
            0 => LogLevel.Debug,
            1 => LogLevel.Information,
            2 => LogLevel.Information,
            _ => LogLevel.Warning,
        }, "redis.log: {Message}", message));
    }

    public static IEnumerable<CommandSpec> Specs(ChorusOptions options, ScriptEngine engine)
    {
        IEnumerable<CommandSpec> specs = [.. ScriptCommands.Specs(engine), .. FunctionCommands.Specs(engine)];
        if (options.IsLeaderless)
        {
            return specs.Select(s => s with { Write = null, Request = (_, _, reply) => Refuse(reply, LeaderlessRefusal) });
        }
        if (options.IsMultiLeader)
        {
            return specs.Select(s => s with { Write = (_, _, reply) => reply.WriteError(MultiLeaderRefusal) });
        }
        return specs;
    }

    private static RequestPlan? Refuse(Chorus.Resp.RespWriter reply, string error)
    {
        reply.WriteError(error);
        return null;
    }
}
