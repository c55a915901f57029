using System.CommandLine;
using Chorus.Compat.Generation;
using Chorus.Compat.Running;
using Chorus.Compat.Servers;

// chorus-compat: the long differential run (scripts/differential.sh). Starts redis-server and a
// `chorus serve` node, runs the seeds, prints each mismatch in full and a summary; exits 1 if
// any seed found a mismatch.
var seeds = new Option<int>("--seeds") { Description = "How many seeds to run.", DefaultValueFactory = _ => 100 };
var firstSeed = new Option<int>("--first-seed") { Description = "The first seed.", DefaultValueFactory = _ => 1 };
var seed = new Option<int?>("--seed") { Description = "Run this one seed only (with --trace, print every command and both replies)." };
var commands = new Option<int>("--commands") { Description = "Commands per seed.", DefaultValueFactory = _ => 2000 };
var types = new Option<string?>("--types") { Description = $"Generators, comma-separated: {string.Join(", ", GeneratorRegistry.All.Select(r => r.Name))}. Default: {string.Join(",", GeneratorRegistry.DefaultTypes)}." };
var resp = new Option<string>("--resp") { Description = "Protocol: 2, 3, or mixed (odd seeds RESP3).", DefaultValueFactory = _ => "mixed" };
var pipeline = new Option<int>("--pipeline") { Description = "Commands per pipeline.", DefaultValueFactory = _ => 32 };
var trace = new Option<bool>("--trace") { Description = "Print every command and both replies." };
var root = new RootCommand("Sends the same seeded random commands to redis-server 7.0 and to Chorus and compares every reply.")
{
    seeds, firstSeed, seed, commands, types, resp, pipeline, trace,
};
root.SetAction(async (result, cancellationToken) =>
{
    RunOptions options;
    try
    {
        options = Options(result);
    }
    catch (ArgumentException e)
    {
        await Console.Error.WriteLineAsync($"chorus-compat: {e.Message}");
        return 2;
    }
    Console.WriteLine($"starting redis-server and chorus; seeds {options.Seeds[0]}..{options.Seeds[^1]}, {options.Commands} commands each, types {string.Join(',', options.Types)}");
    await using var servers = await ServerPair.StartAsync(cancellationToken);
    var run = new DifferentialRun(servers, options);
    var summary = new RunSummary();
    try
    {
        foreach (var s in options.Seeds)
        {
            var outcome = await run.RunSeedAsync(s, cancellationToken);
            summary.Add(outcome);
            if (outcome.Mismatch is { } mismatch)
            {
                Console.WriteLine(mismatch);
            }
            summary.PrintProgress(Console.Out, options.Seeds.Count);
        }
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        Console.WriteLine("interrupted: the summary covers the seeds that finished");
    }
    Console.WriteLine(summary);
    return summary.Mismatches.Count == 0 ? 0 : 1;
});
// Ctrl+C and SIGTERM cancel the run; it then prints its summary and removes its servers and
// their directories, however long that takes (the default gives up after two seconds).
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

RunOptions Options(ParseResult result)
{
    var seedList = result.GetValue(seed) is { } one ? [one] : Enumerable.Range(result.GetValue(firstSeed), result.GetValue(seeds)).ToList();
    var typeList = result.GetValue(types) is { } list ? [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : GeneratorRegistry.DefaultTypes;
    foreach (var type in typeList)
    {
        GeneratorRegistry.Find(type);   // throws for an unknown name, listing the known ones
    }
    return new RunOptions
    {
        Seeds = seedList,
        Commands = result.GetValue(commands),
        Types = typeList,
        Protocol = result.GetValue(resp) switch { "2" => 2, "3" => 3, "mixed" => 0, var other => throw new ArgumentException($"--resp {other}: expected 2, 3 or mixed") },
        PipelineMax = result.GetValue(pipeline),
        Trace = result.GetValue(trace) ? Console.Out : null,
    };
}
