using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Chorus.Compat.Running;

/// <summary>What a run of many seeds found: totals, documented differences met, mismatches grouped by command.</summary>
internal sealed class RunSummary
{
    private readonly List<SeedResult> _results = [];
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();

    public IReadOnlyList<Mismatch> Mismatches => [.. _results.Select(r => r.Mismatch).OfType<Mismatch>()];

    public void Add(SeedResult result) => _results.Add(result);

    /// <summary>A line every tenth of a long run (and at its end), so an operator sees it move.</summary>
    public void PrintProgress(TextWriter output, int seedsTotal)
    {
        var step = Math.Max(1, seedsTotal / 10);
        if (_results.Count % step != 0 && _results.Count != seedsTotal)
        {
            return;
        }
        var commands = _results.Sum(r => r.Commands);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {_results.Count}/{seedsTotal} seeds, {commands:N0} commands, {Mismatches.Count} with a mismatch, {_elapsed.Elapsed.TotalSeconds:0} s"));
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        var commands = _results.Sum(r => r.Commands);
        var seconds = _elapsed.Elapsed.TotalSeconds;
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"== differential run: {_results.Count} seeds, {commands:N0} commands compared in {seconds:0.0} s ({commands / Math.Max(seconds, 0.001):N0} commands/s) =="));
        var known = _results.SelectMany(r => r.KnownDifferences).GroupBy(p => p.Key).Select(g => $"{g.Key} ({g.Sum(p => p.Value)})").ToList();
        text.AppendLine($"documented differences met: {(known.Count == 0 ? "none" : string.Join(", ", known))}");
        var failed = _results.Where(r => r.Mismatch is not null).ToList();
        text.AppendLine($"seeds with a mismatch: {failed.Count}");
        foreach (var group in failed.GroupBy(r => r.Mismatch!.Step.Name).OrderByDescending(g => g.Count()))
        {
            var first = group.First().Mismatch!;
            text.AppendLine($"  {group.Key}: {group.Count()} seed(s), e.g. {first.Reproduce}");
            text.AppendLine($"      {first.Step.ToString()[..Math.Min(first.Step.ToString().Length, 200)]}: {first.Problem}");
        }
        return text.ToString();
    }
}
