using Chorus.Compat.Generation;
using Chorus.Compat.Generation.Generators;
using Chorus.Compat.Running;
using Chorus.Resp;

namespace Chorus.Compat.Tests;

/// <summary>A seed names one command sequence: it must replay exactly, and reports must say how.</summary>
public sealed class GenerationTests
{
    private static List<string> Commands(int seed, int count, IEnumerable<string> types)
    {
        var fuzz = new Fuzz(seed);
        var mix = new CommandMix(types);
        return [.. Enumerable.Range(0, count).Select(_ => mix.Next(fuzz).ToString())];
    }

    [Fact]
    public void A_seed_replays_the_same_commands_and_another_seed_does_not()
    {
        var types = GeneratorRegistry.All.Select(r => r.Name).ToList();
        Assert.Equal(Commands(7, 500, types), Commands(7, 500, types));
        Assert.NotEqual(Commands(7, 500, types), Commands(8, 500, types));
    }

    [Fact]
    public void Every_registered_generator_makes_commands_of_its_own()
    {
        foreach (var registration in GeneratorRegistry.All)
        {
            var commands = Commands(1, 200, [registration.Name]);
            Assert.True(commands.Distinct().Count() > 20, $"{registration.Name} made {commands.Distinct().Count()} distinct commands");
        }
    }

    [Fact]
    public void The_error_generator_sends_the_run_s_commands_with_wrong_arities()
    {
        var fuzz = new Fuzz(3);
        var errors = new ErrorGenerator { Targets = [new CommandArity("GET", 2), new CommandArity("SET", -3)] };
        for (var i = 0; i < 200; i++)
        {
            var step = errors.Next(fuzz);
            switch (step.Name)
            {
                case "GET":
                    Assert.NotEqual(2, step.Args.Count);
                    break;
                case "SET":
                    Assert.True(step.Args.Count < 3, step.ToString());
                    break;
            }
        }
    }

    [Fact]
    public void A_mismatch_report_has_the_seed_the_command_both_replies_its_key_s_history_and_the_replay_line()
    {
        var options = new RunOptions { Seeds = [42], Types = ["strings", "keys"], Protocol = 3 };
        Step[] sent = [Step.OnKey(Comparison.ReplyChecks.Exact, "SET", "k1", "5"), Step.OnKey(Comparison.ReplyChecks.Exact, "SET", "k2", "x")];
        var history = sent.Select((s, i) => new SentCommand(i, s, RespValue.SimpleString("OK"))).ToList();
        var step = Step.OnKey(Comparison.ReplyChecks.Exact, "INCRBYFLOAT", "k1", "935.48");
        var report = Mismatch.Create(42, 2, step, RespValue.BulkString("940.48"), RespValue.BulkString("940.5"), "the replies differ", history, options).ToString();
        Assert.Contains("seed 42, command #2", report, StringComparison.Ordinal);
        Assert.Contains("INCRBYFLOAT \"k1\" \"935.48\"", report, StringComparison.Ordinal);
        Assert.Contains("\"940.48\"", report, StringComparison.Ordinal);
        Assert.Contains("\"940.5\"", report, StringComparison.Ordinal);
        Assert.Contains("SET \"k1\" \"5\"", report, StringComparison.Ordinal);
        Assert.DoesNotContain("\"k2\"", report, StringComparison.Ordinal);
        Assert.Contains("scripts/differential.sh --seed 42 --commands 3 --types strings,keys --resp 3", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_that_are_not_utf8_are_shown_byte_by_byte()
    {
        Assert.Equal("(error bytes) \"ERR bad \\xff\"", Mismatch.Show(RespValue.Error([.. "ERR bad "u8, 0xff])));
        Assert.Equal("(error) ERR plain", Mismatch.Show(RespValue.Error("ERR plain")));
    }
}
