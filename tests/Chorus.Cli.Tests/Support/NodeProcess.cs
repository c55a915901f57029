using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// A Chorus node running as its own process (`dotnet chorus.dll serve ...`), as in production.
/// Its output is kept so a failing test can show it.
/// </summary>
internal sealed partial class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private NodeProcess(Process process) => _process = process;

    public static string ChorusPath { get; } = typeof(NodeProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ChorusCliPath").Value!;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts `chorus serve`; with <paramref name="openFilesLimit"/>, under that RLIMIT_NOFILE (soft
    /// and hard, via prlimit); with a <paramref name="launcher"/>, through it (`ip netns exec ns`,
    /// which execs the node in place, so the process is still the node's).
    /// </summary>
    public static NodeProcess Start(IEnumerable<string> serveArguments, int? openFilesLimit = null, IReadOnlyList<string>? launcher = null) =>
        StartCli(["serve", .. serveArguments], openFilesLimit, launcher);

    /// <summary>Starts a long-running `chorus` command (`serve`, `relay`) as its own process.</summary>
    public static NodeProcess StartCli(IEnumerable<string> arguments, int? openFilesLimit = null, IReadOnlyList<string>? launcher = null)
    {
        IEnumerable<string> command =
        [
            .. launcher ?? [],
            .. openFilesLimit is { } limit ? new[] { "prlimit", $"--nofile={limit}:{limit}" } : [],
            "dotnet",
        ];
        var start = new ProcessStartInfo(command.First())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add(ChorusPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = start };
        var node = new NodeProcess(process);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Runs a one-shot CLI command (`chorus failover ...`) to completion; returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunCliAsync(TimeSpan timeout, params string[] arguments) =>
        RunCliAsync(timeout, new Dictionary<string, string>(), arguments);

    /// <summary>As above, with extra environment variables for the command (CHORUS_PASSWORD, say).</summary>
    public static async Task<(int ExitCode, string Output)> RunCliAsync(TimeSpan timeout, Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        start.ArgumentList.Add(ChorusPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"chorus {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s");
        }
        return (process.ExitCode, await output + await errors);
    }

    /// <summary>kill -9: no chance to flush, close or say goodbye.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then wait for a clean exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        _ = Signal(_process.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>
    /// Stops every process at once (SIGCONT for any paused one, then SIGTERM) and disposes them,
    /// killing any that did not stop in time. At once, not one after another: a node that stops
    /// while its peers still hold streams to it waits for them (seconds), so a cluster stopped
    /// node by node spends most of its teardown waiting.
    /// </summary>
    public static async Task StopAllAsync(IReadOnlyList<NodeProcess> processes)
    {
        foreach (var process in processes)
        {
            process.Resume();
        }
        await Task.WhenAll(processes.Select(async process =>
        {
            try
            {
                await process.StopAsync();
            }
            catch (OperationCanceledException)
            {
                // it did not stop in time; Dispose kills it
            }
        }));
        foreach (var process in processes)
        {
            process.Dispose();
        }
    }

    /// <summary>SIGSTOP: the process freezes (a long GC pause, or a stopped VM) but keeps its sockets.</summary>
    /// kill(2) returns once the signal is queued; threads running on another core stop a moment
    /// later, and one of them can still answer a peer in that moment. So this returns only once
    /// every thread of the process is in the stopped state.
    public void Pause()
    {
        _ = Signal(_process.Id, 19);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!AllThreadsStopped(_process.Id))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"process {_process.Id} did not stop within 10 s of SIGSTOP");
            }
            Thread.Yield();
        }
    }

    private static bool AllThreadsStopped(int pid)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread exited between the listing and the read
            }
            // The state is the first field after the command name, which is in parentheses and may hold spaces.
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            if (state != 'T')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>SIGCONT: the process carries on where it stopped.</summary>
    public void Resume() => _ = Signal(_process.Id, 18);

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 2000)
            {
                _output.RemoveRange(0, 1000);
            }
        }
    }

    /// <summary>kill(2): sends <paramref name="signal"/> (15 SIGTERM, 19 SIGSTOP, 18 SIGCONT) to a process.</summary>
    [LibraryImport("libc", EntryPoint = "kill")]
    internal static partial int Signal(int pid, int signal);
}
