using System.Globalization;
using Chorus.Simulation.Engine;
using Chorus.Simulation.History;

namespace Chorus.Simulation.Workloads;

/// <summary>
/// Writes whose effect depends on when and where they run: SPOP (random members), relative
/// expiries (EXPIRE, PEXPIRE, SET EX, SETEX, PSETEX, GETEX PX: the leader's clock) and float
/// increments. Statement-based replication must rewrite each of them (docs/log-formats.md) or the
/// replicas diverge, which the convergence check shows.
/// </summary>
public sealed class NondeterministicWorkload : IWorkload
{
    public string Name => "nondeterministic";

    public string Description => "SADD/SPOP, relative expiries and INCRBYFLOAT on a few keys";

    public IOperationGenerator NewClient(string client) => new Generator();

    private sealed class Generator : IOperationGenerator
    {
        private int _sequence;

        public IReadOnlyList<PlannedOp> Next(SimRandom random)
        {
            _sequence++;
            var set = "s" + Text(random.Next(2));
            var expiring = "e" + Text(random.Next(2));
            string[] command = random.Next(10) switch
            {
                0 or 1 or 2 => ["SADD", set, .. Enumerable.Range(0, 4).Select(_ => "m" + Text(random.Next(12)))],
                3 or 4 => ["SPOP", set, Text(1 + random.Next(2))],
                5 => ["SET", expiring, "v" + Text(_sequence), "EX", Text(60 + random.Next(60))],
                6 => random.Chance(0.5) ? ["EXPIRE", expiring, Text(30 + random.Next(30))] : ["PSETEX", expiring, Text(50_000 + random.Next(1000)), "p"],
                7 => random.Chance(0.5) ? ["SETEX", expiring, Text(90), "x"] : ["GETEX", expiring, "PX", Text(40_000 + random.Next(1000))],
                8 => ["INCRBYFLOAT", "f0", "0.1"],
                _ => ["HINCRBYFLOAT", "h0", "f" + Text(random.Next(3)), "1.5"],
            };
            return [new PlannedOp(OpKind.Nondeterministic, [command[1]], Arguments: command)];
        }

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
