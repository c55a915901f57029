using System.Diagnostics;
using Chorus.Client;

namespace Chorus.Compat.Servers;

/// <summary>
/// A server running as a child process on a loopback port (redis-server, or `chorus serve`),
/// with one RESP connection to it. Its output is kept (bounded) so a failure can show it.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int OutputLinesMax = 200;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private RespConnection? _connection;

    private ServerProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public RespConnection Connection => _connection ?? throw new InvalidOperationException($"{Name} is not connected");

    /// <summary>Starts the process and waits (with a deadline) until <paramref name="ready"/> holds on a connection to it.</summary>
    public static async Task<ServerProcess> StartAsync(
        string name, string fileName, IEnumerable<string> arguments, int port,
        Func<RespConnection, Task<bool>> ready, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = start };
        var server = new ServerProcess(name, process, port);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(ready, TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>What the process printed last, and whether it has exited: for failure messages.</summary>
    public string Describe()
    {
        lock (_output)
        {
            var state = _process.HasExited ? $"exited with code {_process.ExitCode}" : $"running (pid {_process.Id})";
            return $"{Name} on port {Port}, {state}; last output:\n  " + string.Join("\n  ", _output);
        }
    }

    private async Task WaitUntilReadyAsync(Func<RespConnection, Task<bool>> ready, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} did not start: {Describe()}");
            }
            try
            {
                _connection ??= await RespConnection.ConnectAsync("127.0.0.1", Port, TimeSpan.FromSeconds(5), cancellationToken);
                if (await ready(_connection))
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // not listening yet, or closed the connection while starting: try a new one
                if (_connection is not null)
                {
                    await _connection.DisposeAsync();
                    _connection = null;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:0} s: {Describe()}");
            }
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>A readiness check: the command's reply is <paramref name="expected"/>.</summary>
    public static Func<RespConnection, Task<bool>> Answers(string expected, params string[] command) =>
        async connection => (await connection.CommandAsync(CancellationToken.None, command)).AsString() == expected;

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
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
            _output.Enqueue(line);
            if (_output.Count > OutputLinesMax)
            {
                _output.Dequeue();
            }
        }
    }
}
