namespace Chorus.Client;

/// <summary>
/// Runs one refresh at a time and shares it, with one promise: whoever asks gets the result of
/// a refresh that <em>started after it asked</em>. A caller that asks while a refresh runs
/// (a node announcing a new leader mid-refresh, a write refused by an old leader) would
/// otherwise join that refresh and get the picture from before its own news; it waits for one
/// follow-up refresh instead, shared by everyone who asked during the running one, so a burst
/// of signals costs one more refresh, not one each. Refreshes never overlap, so an older one's
/// answer can never land after a newer one's.
/// </summary>
internal sealed class SharedRefresh<T>(Func<Task<T>> refresh)
{
    private readonly object _gate = new();
    private Task<T>? _running;
    private Task<T>? _followUp;

    /// <summary>The result of a refresh that starts now, or as soon as the running one ends.</summary>
    public Task<T> RunAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_running is null || _running.IsCompleted)
            {
                _running = refresh();
                return _running.WaitAsync(cancellationToken);
            }
            _followUp ??= FollowUpAsync(_running);
            return _followUp.WaitAsync(cancellationToken);
        }
    }

    private async Task<T> FollowUpAsync(Task<T> before)
    {
        // The earlier refresh's failure is its callers' to see; this one starts either way. Always
        // yielding: run inline, this would clear _followUp before RunAsync stores it.
        await ((Task)before).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        Task<T> next;
        lock (_gate)
        {
            _followUp = null; // who asks from now on asks after this one started: it gets another
            if (_running == before)
            {
                _running = refresh();
            }
            // else a caller started one after the earlier refresh ended: after all of ours asked.
            next = _running!;
        }
        return await next;
    }
}
