using Chorus.Compat.Comparison;
using Chorus.Compat.Generation;
using Chorus.Compat.Servers;
using Chorus.Resp;

namespace Chorus.Compat.Running;

/// <summary>How one seed went: commands compared, documented differences met, and the first mismatch if any.</summary>
internal sealed record SeedResult(int Seed, int Protocol, int Commands, IReadOnlyDictionary<string, int> KnownDifferences, Mismatch? Mismatch);

/// <summary>
/// Runs seeds against a <see cref="ServerPair"/>: for each, empties both servers, generates the
/// seed's commands, sends them to both in pipelines and compares every pair of replies. A seed
/// stops at its first mismatch: what follows it usually differs only because of it.
/// </summary>
internal sealed class DifferentialRun(ServerPair servers, RunOptions options)
{
    public async Task<SeedResult> RunSeedAsync(int seed, CancellationToken cancellationToken)
    {
        var protocol = options.ProtocolFor(seed);
        await servers.ResetAsync(protocol, cancellationToken);
        var fuzz = new Fuzz(seed);
        var mix = new CommandMix(options.Types);
        var sent = new List<SentCommand>(options.Commands);
        var known = new Dictionary<string, int>();
        var transactions = new TransactionTracker();
        while (sent.Count < options.Commands)
        {
            var pipeline = NextPipeline(mix, fuzz, options.Commands - sent.Count, transactions);
            var (redis, chorus) = await SendAsync(seed, sent.Count, pipeline, cancellationToken);
            for (var i = 0; i < pipeline.Count; i++)
            {
                var step = pipeline[i];
                var index = sent.Count;
                var problem = await CompareAsync(step, redis[i], chorus[i], transactions, known, cancellationToken);
                transactions.Observe(step, redis[i]);
                options.Trace?.WriteLine($"#{index} {step}\n  redis:  {Mismatch.Show(redis[i]).ReplaceLineEndings("\n          ")}\n  chorus: {(problem is null ? "(same)" : Mismatch.Show(chorus[i]).ReplaceLineEndings("\n          "))}");
                if (problem is not null)
                {
                    if (KnownDifferences.Find(step, redis[i], chorus[i]) is not { } difference)
                    {
                        var mismatch = Mismatch.Create(seed, index, step, redis[i], chorus[i], problem, sent, options) with
                        {
                            StateAfter = await KeyStates.DescribeAsync(servers, step, cancellationToken),
                        };
                        await servers.LeaveCleanAsync(cancellationToken);
                        return new SeedResult(seed, protocol, index + 1, known, mismatch);
                    }
                    known[difference.Name] = known.GetValueOrDefault(difference.Name) + 1;
                }
                sent.Add(new SentCommand(index, step, redis[i]));
            }
        }
        await servers.LeaveCleanAsync(cancellationToken);
        return new SeedResult(seed, protocol, sent.Count, known, null);
    }

    /// <summary>A lost connection names the commands in flight (with --pipeline 1, the one that did it).</summary>
    private async Task<(RespValue[] Redis, RespValue[] Chorus)> SendAsync(int seed, int first, List<Step> pipeline, CancellationToken cancellationToken)
    {
        try
        {
            return await servers.SendAsync([.. pipeline.Select(s => s.Args)], cancellationToken);
        }
        catch (IOException e)
        {
            var commands = string.Join("\n    ", pipeline.Select((step, i) => $"#{first + i} {step}"));
            throw new IOException($"{e.Message}\n  at seed {seed}, while these commands were in flight:\n    {commands}", e);
        }
    }

    private async Task<string?> CompareAsync(Step step, RespValue redis, RespValue chorus, TransactionTracker transactions, Dictionary<string, int> known, CancellationToken cancellationToken)
    {
        if (TransactionTracker.IsQueued(redis))
        {
            return ReplyChecks.Exact.Compare(redis, chorus);
        }
        var problem = transactions.CompareExec(step, redis, chorus, known);
        if (problem is null && step.Check is FollowUpCheck followUp && !redis.IsError && !chorus.IsError)
        {
            problem = await followUp.FollowUpAsync(servers, step, redis, chorus, cancellationToken);
        }
        return problem;
    }

    /// <summary>The next commands to send together: up to the pipeline size, ending early after a check that needs follow-up commands.</summary>
    private List<Step> NextPipeline(CommandMix mix, Fuzz fuzz, int remaining, TransactionTracker transactions)
    {
        var pipeline = new List<Step>();
        while (pipeline.Count < Math.Min(options.PipelineMax, remaining))
        {
            var step = mix.Next(fuzz);
            while (!transactions.Allows(step))
            {
                step = mix.Next(fuzz);
            }
            transactions.Generated(step);
            pipeline.Add(step);
            if (step.Check is FollowUpCheck)
            {
                break;
            }
        }
        return pipeline;
    }
}
