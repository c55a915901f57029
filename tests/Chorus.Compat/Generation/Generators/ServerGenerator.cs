using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Connection and server commands whose replies do not depend on the server's identity: PING,
/// ECHO, SELECT 0, and the DEBUG subcommands with fixed replies (PROTOCOL, ERROR, SLEEP 0,
/// unknown ones). Not DEBUG PROTOCOL push, which sends two frames for one command.
/// </summary>
internal sealed class ServerGenerator : CommandTable
{
    public override string Name => "server";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("PING", -1, 3, f => f.Chance(0.5)
            ? Step.OnKeys([], ReplyChecks.Exact, "PING")
            : Step.OnKeys([], ReplyChecks.Exact, "PING", f.Value())),
        new("ECHO", 2, 2, f => Step.OnKeys([], ReplyChecks.Exact, "ECHO", f.Value())),
        // Databases other than 0 are not built yet (issue 15); only the ones both answer alike.
        new("SELECT", 2, 1, f => Step.OnKeys([], ReplyChecks.Exact, "SELECT", f.Pick("0", "abc", "-1", "1.5", "", "9223372036854775808"))),
        new("DEBUG", -2, 2, Debug),
    ];

    private static Step Debug(Fuzz f)
    {
        object[] args = f.Next(6) switch
        {
            0 or 1 => ["DEBUG", "PROTOCOL", f.Pick("string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib", "verbatim", "true", "false", "MAP", "nosuch")],
            2 => ["DEBUG", "ERROR", f.Pick<object>("ERR boom", "WRONGTYPE made up", "no prefix", "", "line\r\nbreak", f.Value())],
            3 => ["DEBUG", f.Pick("SLEEP", "sleep"), f.Pick("0", "0.001", "-1", "abc", "")],
            4 => ["DEBUG", f.Pick("NOSUCH", "jmap", "sleep", "object", "protocol", "error", "")],
            _ => ["debug", f.Pick("SLEEP", "PROTOCOL", "ERROR"), "0", "extra"],
        };
        return Step.OnKeys([], ReplyChecks.Exact, args);
    }
}
