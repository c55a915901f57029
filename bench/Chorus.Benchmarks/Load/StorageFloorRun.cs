using System.Diagnostics;
using System.Runtime.InteropServices;
using Chorus.Benchmarks.Micro;

namespace Chorus.Benchmarks.Load;

/// <summary>
/// <c>storage-floor</c>: <see cref="RocksDbFloorBenchmarks"/> measured in CPU time rather than
/// wall time, for a machine other work keeps busy (where BenchmarkDotNet's wall-clock means are
/// the load average, not RocksDB). For each row: the calling thread's CPU per SET (the
/// foreground cost: memtable inserts and the WAL append happen on the writing thread) and the
/// whole process's CPU per SET (adds RocksDB's flushes and compactions). Median of
/// <c>--rounds</c> runs of <c>--requests</c> SETs each.
/// </summary>
public static class StorageFloorRun
{
    private static readonly (string Name, Action<RocksDbFloorBenchmarks> Round)[] Rows =
    [
        ("raw: log records only", b => b.RawLogOnly()),
        ("raw: data records only", b => b.RawDataOnly()),
        ("raw: a SET's records (log + data, meta once)", b => b.RawSetShape()),
        ("raw: point read of a written key", b => b.RawPointRead()),
        ("engine: a SET's records + read, record cache on", b => b.EngineCached()),
        ("engine: a SET's records + read, record cache off", b => b.EngineUncached()),
    ];

    public static int Run(LoadOptions options)
    {
        var rounds = (int)options.Number("rounds", 5);
        var requests = (int)options.Number("requests", 200_000);
        Console.WriteLine("| group | row | thread CPU µs/SET | process CPU µs/SET |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var group in new[] { 64, 512 })
        {
            var bench = new RocksDbFloorBenchmarks { Group = group };
            bench.Setup();
            try
            {
                foreach (var (name, round) in Rows)
                {
                    var thread = new List<double>();
                    var process = new List<double>();
                    for (var r = 0; r < rounds; r++)
                    {
                        var batches = Math.Max(1, requests / group);
                        var thread0 = ThreadCpuNs();
                        var process0 = Process.GetCurrentProcess().TotalProcessorTime;
                        for (var i = 0; i < batches; i++)
                        {
                            round(bench);
                        }
                        var sets = (double)batches * group;
                        thread.Add((ThreadCpuNs() - thread0) / 1000.0 / sets);
                        process.Add((Process.GetCurrentProcess().TotalProcessorTime - process0).TotalMicroseconds / sets);
                    }
                    Console.WriteLine($"| {group} | {name} | {Median(thread):F2} | {Median(process):F2} |");
                }
            }
            finally
            {
                bench.Cleanup();
            }
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static long ThreadCpuNs()
    {
        if (ClockGetTime(ClockThreadCpuTime, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }
}
