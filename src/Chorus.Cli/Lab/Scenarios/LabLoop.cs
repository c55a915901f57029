namespace Chorus.Cli.Lab.Scenarios;

/// <summary>Client loops of a scenario, and where they send their commands now.</summary>
internal static class LabLoop
{
    /// <summary>Runs <paramref name="step"/> (given its iteration number) until <paramref name="stop"/>; each step finishes what it started.</summary>
    public static async Task RunAsync(Func<int, Task> step, CancellationToken stop)
    {
        for (var i = 1; !stop.IsCancellationRequested; i++)
        {
            await step(i);
        }
    }

    /// <summary>A client's pause between attempts after a failure (a real client backs off too).</summary>
    public static Task BackOffAsync() => Task.Delay(50);

    /// <summary>Waits for the run's schedule; the lab's faults happen at these moments.</summary>
    public static Task HoldAsync(int milliseconds, CancellationToken cancellationToken) => Task.Delay(milliseconds, cancellationToken);
}

/// <summary>The node a client sends its writes to; the lab moves it when a new leader is elected.</summary>
internal sealed class WriteTarget(string node)
{
    private volatile string _node = node;

    public string Node
    {
        get => _node;
        set => _node = value;
    }
}
