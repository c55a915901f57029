using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Chorus.Cli;

/// <summary>
/// A node process started by `cluster up`: the same `chorus` executable running `serve`, its
/// output prefixed with the node id, stopped with SIGTERM so it shuts down cleanly.
/// </summary>
internal sealed partial class ChildNode : IDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;

    private ChildNode(string id, Process process)
    {
        Id = id;
        _process = process;
    }

    public string Id { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildNode Start(string id, IEnumerable<string> serveArguments, TextWriter output)
    {
        var start = SelfInvocation();
        foreach (var argument in serveArguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Forward(output, id, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(output, id, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildNode(id, process);
    }

    /// <summary>How to run this same program again: the app host, or `dotnet chorus.dll`.</summary>
    public static ProcessStartInfo SelfInvocation()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which executable is running");
        var start = new ProcessStartInfo(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildNode).Assembly.Location);
        }
        start.ArgumentList.Add("serve");
        return start;
    }

    /// <summary>Asks the node to stop (SIGTERM) and waits; kills it if it does not stop in time.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }
        _ = Kill(_process.Id, SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public int ExitCode => _process.ExitCode;

    public void Dispose() => _process.Dispose();

    private static void Forward(TextWriter output, string id, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.WriteLine($"[{id}] {line}");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
