using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// The client's topology refresh (<see cref="SharedRefresh{T}"/>): a failover signal that arrives
/// while a refresh runs must not be answered by that refresh — it asked its nodes before the
/// election — but by one that starts after it; a burst of signals shares that one follow-up.
/// Driven by hand: each refresh is a task the test completes.
/// </summary>
public sealed class SharedRefreshTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_request_during_a_refresh_gets_one_that_started_after_it_and_a_burst_shares_it()
    {
        var refreshes = new Refreshes();
        var shared = new SharedRefresh<int>(refreshes.Start);

        var first = shared.RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, refreshes.Started);
        var signalled = shared.RunAsync(TestContext.Current.CancellationToken); // the leader moved, mid-refresh
        var alsoSignalled = shared.RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, refreshes.Started); // refreshes never overlap

        refreshes.Finish(0, answer: 1); // the pre-election picture
        Assert.Equal(1, await first.WaitAsync(Bound, TestContext.Current.CancellationToken));
        await refreshes.WaitStartedAsync(2);
        Assert.False(signalled.IsCompleted); // not answered by the refresh that began before it asked

        var afterFollowUpStarted = shared.RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, refreshes.Started); // one follow-up for the burst; the next waits for it
        refreshes.Finish(1, answer: 2);
        Assert.Equal(2, await signalled.WaitAsync(Bound, TestContext.Current.CancellationToken));
        Assert.Equal(2, await alsoSignalled.WaitAsync(Bound, TestContext.Current.CancellationToken));

        // Asked once the follow-up ran: a third refresh, after the second.
        await refreshes.WaitStartedAsync(3);
        refreshes.Finish(2, answer: 3);
        Assert.Equal(3, await afterFollowUpStarted.WaitAsync(Bound, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_request_when_nothing_runs_starts_at_once_and_a_failed_refresh_still_gets_its_follow_up()
    {
        var refreshes = new Refreshes();
        var shared = new SharedRefresh<int>(refreshes.Start);

        var first = shared.RunAsync(TestContext.Current.CancellationToken);
        var signalled = shared.RunAsync(TestContext.Current.CancellationToken);
        refreshes.Fail(0, new InvalidOperationException("no node answered"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.WaitAsync(Bound, TestContext.Current.CancellationToken));
        await refreshes.WaitStartedAsync(2);
        refreshes.Finish(1, answer: 7);
        Assert.Equal(7, await signalled.WaitAsync(Bound, TestContext.Current.CancellationToken));

        var idle = shared.RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, refreshes.Started); // nothing ran: it started at once
        refreshes.Finish(2, answer: 8);
        Assert.Equal(8, await idle.WaitAsync(Bound, TestContext.Current.CancellationToken));
    }

    /// <summary>Each refresh the shared one starts, as a task the test completes.</summary>
    private sealed class Refreshes
    {
        private readonly List<TaskCompletionSource<int>> _started = [];
        private readonly SemaphoreSlim _startedSignal = new(0);

        public int Started
        {
            get
            {
                lock (_started)
                {
                    return _started.Count;
                }
            }
        }

        public Task<int> Start()
        {
            var refresh = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_started)
            {
                _started.Add(refresh);
            }
            _startedSignal.Release();
            return refresh.Task;
        }

        public void Finish(int index, int answer) => Source(index).SetResult(answer);

        public void Fail(int index, Exception error) => Source(index).SetException(error);

        public async Task WaitStartedAsync(int count)
        {
            using var deadline = new CancellationTokenSource(Bound);
            while (Started < count)
            {
                await _startedSignal.WaitAsync(deadline.Token);
            }
        }

        private TaskCompletionSource<int> Source(int index)
        {
            lock (_started)
            {
                return _started[index];
            }
        }
    }
}
