using System.Text.RegularExpressions;
using Chorus.Client;
using Chorus.Server.Tests.Support;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// Issue 15's "COMMAND COUNT and docs/commands.md list everything": the node's COMMAND COUNT
/// agrees with the commands it lists, and every one of them is documented — data and server
/// commands in docs/commands.md, Chorus's own CHORUS.* commands in any doc under docs/.
/// </summary>
public sealed class CommandListDocsTests(SingleNode node) : IClassFixture<SingleNode>
{
    [Fact]
    public async Task Command_count_matches_the_list_and_every_command_is_documented()
    {
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", node.Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        var count = (await connection.CommandAsync(CancellationToken.None, "COMMAND", "COUNT")).AsInteger();
        var names = (await connection.CommandAsync(CancellationToken.None, "COMMAND", "LIST")).Items.Select(i => i.AsString()!.ToUpperInvariant()).ToList();
        Assert.Equal(count, names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());

        var docs = Docs();
        var commands = File.ReadAllText(Path.Combine(docs, "commands.md"));
        var everywhere = string.Concat(Directory.GetFiles(docs, "*.md").Select(File.ReadAllText));
        var undocumented = names
            .Where(name => !Documented(name.StartsWith("CHORUS.", StringComparison.Ordinal) ? everywhere : commands, name))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(undocumented.Count == 0, $"{undocumented.Count} of {names.Count} commands are not in the docs: {string.Join(' ', undocumented)}");
    }

    /// <summary>The name as a word of its own (not inside a longer command name), in any case.</summary>
    private static bool Documented(string text, string name) =>
        Regex.IsMatch(text, $@"(?<![A-Za-z0-9_.]){Regex.Escape(name)}(?![A-Za-z0-9_.])", RegexOptions.IgnoreCase);

    private static string Docs()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "docs", "commands.md")))
            {
                return Path.Combine(directory.FullName, "docs");
            }
        }
        throw new InvalidOperationException("docs/commands.md not found above " + AppContext.BaseDirectory);
    }
}
