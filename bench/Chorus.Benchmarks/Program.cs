using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Chorus.Benchmarks.Load;

namespace Chorus.Benchmarks;

/// <summary>
/// <c>lag</c>, <c>ack</c>, <c>ops</c> and <c>fill</c> are load tools for bench/*.sh, <c>log-bytes</c> measures log entry sizes per format, <c>storage-floor</c> RocksDB's CPU per SET; anything else goes to
/// BenchmarkDotNet (<c>--filter '*'</c>, plus <c>--short</c> for a quick run).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = new LoadOptions(args.Skip(1));
        switch (args.FirstOrDefault())
        {
            case "lag":
                return await LagRun.RunAsync(options);
            case "ack":
                return await AckLatencyRun.RunAsync(options);
            case "ops":
                return await OpsRun.RunAsync(options);
            case "fill":
                return await FillRun.RunAsync(options);
            case "log-bytes":
                return await LogBytesRun.RunAsync();
            case "storage-floor":
                return StorageFloorRun.Run(options);
            default:
                RunMicro(args);
                return 0;
        }
    }

    private static void RunMicro(string[] args)
    {
        var isShort = args.Contains("--short");
        // In-process: no generated project to build (it would inherit the repository's strict
        // Directory.Build.props) and no child process, so a short run fits the bench budget.
        var job = (isShort ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
        var config = DefaultConfig.Instance.AddJob(job.AsDefault());
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. args.Where(a => a != "--short")], config);
    }
}
