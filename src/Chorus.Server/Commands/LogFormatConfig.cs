using Chorus.Commands.Statements;
using Chorus.Node;

namespace Chorus.Server.Commands;

/// <summary>
/// CONFIG GET/SET log-format (statement | physical | logical) and
/// statement-rewrite (yes | no). A change is a marker entry the leader appends (<see
/// cref="NodeDriver.ChangeLogFormat"/>), so every node switches at the same log position.
/// </summary>
internal static class LogFormatConfig
{
    public static readonly HashSet<string> Names = ["log-format", "statement-rewrite"];

    public static IEnumerable<(string Name, string Value)> Describe(LogFormatSetting setting) =>
        [("log-format", setting.FormatName), ("statement-rewrite", setting.Rewrite ? "yes" : "no")];

    /// <summary>Folds one parameter into <paramref name="setting"/>: "" when accepted, an error, or null if not one of them.</summary>
    public static string? TrySet(string name, string value, ref LogFormatSetting setting)
    {
        switch (name)
        {
            case "log-format" when LogFormatSetting.TryParse(value, out var format):
                setting = setting with { Format = format };
                return "";
            case "log-format":
                return $"'{value}' is not statement, physical or logical";
            case "statement-rewrite" when value.ToLowerInvariant() is "yes" or "no":
                setting = setting with { Rewrite = value.Equals("yes", StringComparison.OrdinalIgnoreCase) };
                return "";
            case "statement-rewrite":
                return "argument must be 'yes' or 'no'";
            default:
                return null;
        }
    }

    /// <summary>Appends the marker on the loop; null once it is stored locally, else the error.</summary>
    public static async Task<string?> ApplyAsync(NodeServices node, LogFormatSetting setting)
    {
        var completion = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Inbox.Post(new AdminInput(core =>
            node.Driver.ChangeLogFormat(setting) ? null
            : core.Admission.Refusal is { } refusal ? OutcomeText.Error(refusal)
            : "READONLY log-format is changed on the leader; send this command there", completion));
        return await completion.Task.ConfigureAwait(false);
    }
}
