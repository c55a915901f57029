using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// `chorus lab --list` (issue 16: "`chorus lab --list` lists them"): one line per scenario, its
/// name and its one-line description, then `all`; it starts no node.
/// </summary>
public sealed class LabListTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Lab_list_prints_every_scenario_with_its_description_and_all()
    {
        var (exitCode, terminal) = await NodeProcess.RunCliAsync(TimeSpan.FromMinutes(2), "lab", "--list");
        output.WriteLine(terminal);
        Assert.Equal(0, exitCode);
        var lines = terminal.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        string[] expected =
        [
            "lost-writes", "lost-comment", "time-backwards", "answer-before-question",
            "stale-leader", "conflicting-edits", "lost-increments", "stale-quorum-read", "all",
        ];
        Assert.Equal(expected, lines.Select(l => l.Split(' ')[0]));
        // (The test project does not reference the CLI's assembly: it runs it.) Each description is its own one line.
        var descriptions = lines.Select(l => l[l.IndexOf(' ', StringComparison.Ordinal)..].Trim()).ToList();
        Assert.All(descriptions, d => Assert.True(d.Length >= 20, $"'{d}' describes its scenario"));
        Assert.Equal(descriptions.Count, descriptions.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("Acknowledged writes lost in a failover", descriptions[0]);
        Assert.Equal("every scenario above, one after another", lines[^1]["all".Length..].Trim());
        // The descriptions line up in one column.
        Assert.Single(lines.Select(l => l.Length - l[l.IndexOf(' ', StringComparison.Ordinal)..].TrimStart().Length).Distinct());
        Assert.DoesNotContain("starting", terminal, StringComparison.Ordinal);
    }
}
