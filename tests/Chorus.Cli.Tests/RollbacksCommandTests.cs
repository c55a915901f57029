using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>`chorus rollbacks` still lists and shows rollback files written before the binary format (JSON lines).</summary>
[Collection(ProcessClusters.Name)]
public sealed class RollbacksCommandTests
{
    [Fact]
    public async Task Rollback_files_from_older_versions_are_listed_and_shown()
    {
        var root = Path.Combine(Path.GetTempPath(), "chorus-legacy-" + Guid.NewGuid().ToString("N"));
        var directory = Path.Combine(root, "n1", "rollback");
        Directory.CreateDirectory(directory);
        try
        {
            File.WriteAllLines(Path.Combine(directory, "rollback-1732435200500-epoch2-lsn7-7.jsonl"),
            [
                """{"node":"n1","epoch":2,"keptThroughLsn":6,"discardedEntries":1,"atUnixMs":1732435200500}""",
                """{"lsn":7,"epoch":1,"timeUnixMs":1732435200123,"origin":"n1","kind":"Logical","changes":[{"Op":"put","Key":"stable","Value":{"type":"string","expiresAtUnixMs":0,"data":"2"},"Previous":null}]}""",
            ]);
            File.WriteAllText(Path.Combine(directory, "rollback-1732435200600-epoch2-lsn8-8.rollback"), "not a rollback file");
            var (exit, output) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "rollbacks", "--data", root, "--show");
            var listed = output.Split('\n').Single(l => l.EndsWith("rollback-1732435200500-epoch2-lsn7-7.jsonl", StringComparison.Ordinal));
            Assert.Equal(["2024-11-24", "08:00:00.500", "n1", "2", "7-7", "1"], listed.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..6]);
            Assert.Contains("    LSN 7 (epoch 1, 2024-11-24 08:00:00.123): put stable = 2", output, StringComparison.Ordinal);
            Assert.Contains("(not a readable rollback file)", output, StringComparison.Ordinal);
            Assert.Equal(1, exit);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
