using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Chorus.Storage.Tests.Crash;

/// <summary>
/// A running Chorus.Storage.CrashWriter child process. Follows its "opened N" and
/// "committed N" lines so a test can wait for progress, then kill it with SIGKILL.
/// </summary>
public sealed class CrashWriterProcess : IDisposable
{
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<ulong> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _errors = new();
    private (ulong Lsn, TaskCompletionSource Reached)? _waiter;
    private ulong _committedMax;
    private bool _outputEnded;

    private CrashWriterProcess(Process process) => _process = process;

    /// <summary>The highest LSN the writer reported committed so far.</summary>
    public ulong CommittedMax
    {
        get
        {
            lock (_lock)
            {
                return _committedMax;
            }
        }
    }

    public static CrashWriterProcess Start(string directory, bool sync)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true, // the writer exits when this closes: no orphan if the test dies
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WriterAssemblyPath());
        start.ArgumentList.Add(directory);
        start.ArgumentList.Add(sync ? "always" : "no");
        var writer = new CrashWriterProcess(new Process { StartInfo = start });
        writer._process.OutputDataReceived += (_, e) => writer.OnOutputLine(e.Data);
        writer._process.ErrorDataReceived += (_, e) => writer.OnErrorLine(e.Data);
        writer._process.Start();
        writer._process.BeginOutputReadLine();
        writer._process.BeginErrorReadLine();
        return writer;
    }

    /// <summary>The applied LSN the writer found when it opened the directory.</summary>
    public Task<ulong> OpenedAsync(TimeSpan timeout) => _opened.Task.WaitAsync(timeout, TestContext.Current.CancellationToken);

    /// <summary>Completes once the writer reports <paramref name="lsn"/> committed; fails if it exits first.</summary>
    public Task WaitForCommittedAsync(ulong lsn, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_committedMax >= lsn)
            {
                return Task.CompletedTask;
            }
            if (_outputEnded)
            {
                return Task.FromException(Exited());
            }
            _waiter = (lsn, reached);
        }
        return reached.Task.WaitAsync(timeout, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// SIGKILL, then wait for the process to end and its output to drain. Returns the highest LSN
    /// it reported committed, including lines still in the pipe when it died.
    /// </summary>
    public async Task<ulong> KillAsync(TimeSpan timeout)
    {
        _process.Kill(); // SIGKILL on Unix: no managed shutdown, no RocksDB close.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        await _process.WaitForExitAsync(deadline.Token); // also waits for the output to reach end of stream
        return CommittedMax;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.Dispose();
    }

    private void OnOutputLine(string? line)
    {
        lock (_lock)
        {
            if (line is null)
            {
                _outputEnded = true;
                _opened.TrySetException(Exited());
                _waiter?.Reached.TrySetException(Exited());
                return;
            }
            // The last line may be cut short by the kill; a shortened number is only smaller.
            if (line.StartsWith("committed ", StringComparison.Ordinal) && TryParseLsn(line, out var lsn))
            {
                _committedMax = Math.Max(_committedMax, lsn);
                if (_waiter is { } waiter && lsn >= waiter.Lsn)
                {
                    waiter.Reached.TrySetResult();
                }
            }
            else if (line.StartsWith("opened ", StringComparison.Ordinal) && TryParseLsn(line, out var opened))
            {
                _opened.TrySetResult(opened);
            }
        }
    }

    private void OnErrorLine(string? line)
    {
        if (line is not null)
        {
            lock (_lock)
            {
                _errors.AppendLine(line);
            }
        }
    }

    private InvalidOperationException Exited() =>
        new($"the crash writer's output ended (it exited or was killed); its stderr:\n{_errors}");

    private static bool TryParseLsn(string line, out ulong lsn) =>
        ulong.TryParse(line.AsSpan(line.IndexOf(' ', StringComparison.Ordinal) + 1), NumberStyles.None, CultureInfo.InvariantCulture, out lsn);

    /// <summary>Where the build put the writer (recorded by the test project file).</summary>
    private static string WriterAssemblyPath()
    {
        var path = typeof(CrashWriterProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CrashWriterPath").Value;
        return File.Exists(path) ? path : throw new FileNotFoundException("the crash writer was not built", path);
    }

    /// <summary>The dotnet host running these tests (set by the SDK), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
