using System.Text;
using System.Text.Unicode;
using Chorus.Compat.Generation;
using Chorus.Resp;

namespace Chorus.Compat.Running;

/// <summary>A command and the reply Redis gave it (the reference), as kept for the history of a mismatch.</summary>
internal readonly record struct SentCommand(int Index, Step Step, RespValue RedisReply);

/// <summary>
/// The first reply of a seed that differs (beyond the documented differences): everything needed
/// to understand it and to replay it with one command line.
/// </summary>
internal sealed record Mismatch(
    int Seed, int Index, Step Step, RespValue Redis, RespValue Chorus, string Problem,
    IReadOnlyList<SentCommand> EarlierOnSameKeys, int EarlierOnSameKeysTotal, string Reproduce)
{
    /// <summary>Both servers' state under the command's keys right after it (see <see cref="KeyStates"/>).</summary>
    public string? StateAfter { get; init; }

    /// <summary>Earlier commands on the same keys shown with a mismatch.</summary>
    public const int HistoryShown = 25;

    public static Mismatch Create(int seed, int index, Step step, RespValue redis, RespValue chorus, string problem, IReadOnlyList<SentCommand> sent, RunOptions options)
    {
        var related = sent.Where(s => step.Keys.Any(s.Step.Touches) || (step.TouchesEveryKey && s.Step.Keys.Count > 0) || s.Step.TouchesEveryKey).ToList();
        return new Mismatch(seed, index, step, redis, chorus, problem, related.TakeLast(HistoryShown).ToList(), related.Count, options.ReproduceLine(seed, index + 1));
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine($"MISMATCH at seed {Seed}, command #{Index}: {Problem}");
        text.AppendLine($"  command: {Shorten(Step.ToString(), 400)}");
        text.AppendLine($"  redis:   {Indent(Shorten(Show(Redis), 4000))}");
        text.AppendLine($"  chorus:  {Indent(Shorten(Show(Chorus), 4000))}");
        var shown = EarlierOnSameKeys.Count < EarlierOnSameKeysTotal ? $" (last {EarlierOnSameKeys.Count} of {EarlierOnSameKeysTotal})" : "";
        text.AppendLine($"  earlier commands on the same keys{shown}, with Redis's replies:");
        foreach (var sent in EarlierOnSameKeys)
        {
            text.AppendLine($"    #{sent.Index,-6} {Shorten(sent.Step.ToString(), 160)}  ->  {Shorten(sent.RedisReply.ToString().ReplaceLineEndings(" "), 100)}");
        }
        if (StateAfter is not null)
        {
            text.AppendLine("  the keys right after it (≠ where the servers differ):");
            text.Append(StateAfter);
        }
        text.AppendLine($"  reproduce: {Reproduce}");
        return text.ToString();
    }

    /// <summary>
    /// As redis-cli shows a reply, except that an error or status with bytes that are not UTF-8
    /// is quoted byte by byte (redis-cli would show both as the same replacement characters).
    /// </summary>
    public static string Show(RespValue reply) =>
        reply.Kind is RespValueKind.Error or RespValueKind.SimpleString && !Utf8.IsValid(reply.Bytes.Span)
            ? $"({(reply.IsError ? "error" : "status")} bytes) {RespValue.BulkString(reply.Bytes.Span)}"
            : reply.ToString();

    private static string Indent(string rendered) => rendered.ReplaceLineEndings("\n           ");

    private static string Shorten(string text, int lengthMax) => text.Length <= lengthMax ? text : text[..lengthMax] + $"… ({text.Length} chars)";
}
