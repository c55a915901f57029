using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

/// <summary>A snapshot download that keeps failing is retried at growing intervals, not at every request of the leader.</summary>
public sealed class RetryPauseTests
{
    [Fact]
    public void Pauses_double_after_each_failure_up_to_the_longest_and_start_over_after_a_success()
    {
        var pause = new RetryPause(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        var seconds = Enumerable.Range(0, 7).Select(_ => pause.AfterFailure().TotalSeconds).ToArray();
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], seconds);

        pause.Succeeded();
        Assert.Equal(TimeSpan.FromSeconds(1), pause.AfterFailure());
    }
}
