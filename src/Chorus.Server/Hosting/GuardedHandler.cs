namespace Chorus.Server.Hosting;

/// <summary>What running a user's handler gave: its value (null: it declined), or why there is none.</summary>
internal readonly record struct HandlerOutcome<T>(T? Value, string? Error) where T : class
{
    public bool Failed => Error is not null;
}

/// <summary>
/// Runs user code a request waits for (an on-read resolver) so that it cannot take the request down
/// with it: off the caller's thread, with a deadline, and at most <paramref name="runningMax"/> at
/// once. An exception, a missed deadline or no free slot is an outcome, not a throw. A handler
/// still running past its deadline keeps its slot until it returns, so handlers that hang cannot
/// pile up threads: once every slot is held, calls fail at once until one returns.
/// </summary>
internal sealed class GuardedHandler(int runningMax, TimeSpan deadline)
{
    private readonly SemaphoreSlim _slots = new(runningMax, runningMax);

    /// <summary>Handlers holding a slot now (returned ones release theirs).</summary>
    public int Running => runningMax - _slots.CurrentCount;

    public async Task<HandlerOutcome<T>> RunAsync<T>(Func<T?> handler) where T : class
    {
        if (!_slots.Wait(0))
        {
            return new(null, $"{runningMax} handlers are running already (none has returned)");
        }
        var run = Task.Run(handler);
        _ = run.ContinueWith(done => { _ = done.Exception; _slots.Release(); }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        try
        {
            return new(await run.WaitAsync(deadline), null);
        }
        catch (TimeoutException)
        {
            return new(null, $"no answer within {deadline.TotalMilliseconds} ms");
        }
        catch (Exception e)
        {
            return new(null, e.GetType().Name + ": " + e.Message);
        }
    }
}
