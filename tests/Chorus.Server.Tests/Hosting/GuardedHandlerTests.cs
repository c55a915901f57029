using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

/// <summary>
/// Issue 11, the custom resolver's on-read handler is user code a read waits for: a handler that
/// throws, runs past its deadline or finds every slot taken by hung ones is an outcome the read
/// falls back from (the on-write merge), never an exception that breaks the read.
/// </summary>
public sealed class GuardedHandlerTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_value_or_a_decline_comes_back_as_it_is()
    {
        var guard = new GuardedHandler(2, Generous);
        Assert.Equal("v", (await guard.RunAsync(() => "v")).Value);
        var declined = await guard.RunAsync<string>(() => null);
        Assert.False(declined.Failed);
        Assert.Null(declined.Value);
    }

    [Fact]
    public async Task A_handler_that_throws_is_a_failure_saying_what_it_threw()
    {
        var outcome = await new GuardedHandler(2, Generous).RunAsync<string>(() => throw new InvalidOperationException("resolver bug"));
        Assert.True(outcome.Failed);
        Assert.Equal("InvalidOperationException: resolver bug", outcome.Error);
    }

    [Fact]
    public async Task A_hung_handler_misses_its_deadline_keeps_its_slot_and_a_full_guard_refuses_at_once_until_one_returns()
    {
        using var release = new ManualResetEventSlim();
        var guard = new GuardedHandler(1, TimeSpan.FromMilliseconds(50));
        var late = await guard.RunAsync(() => { release.Wait(); return "late"; });
        Assert.Equal("no answer within 50 ms", late.Error);
        Assert.Equal(1, guard.Running);

        var busy = await guard.RunAsync(() => "never run");
        Assert.Equal("1 handlers are running already (none has returned)", busy.Error);

        release.Set();
        await Support.Eventually.TrueAsync(() => guard.Running == 0, Generous, "the released handler returned its slot");
        Assert.Equal("again", (await guard.RunAsync(() => "again")).Value);
    }
}
