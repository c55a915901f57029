using System.IO.Pipelines;
using System.Text;
using Chorus.Core;
using Chorus.Replication;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;
using Chorus.Server.PubSub;
using Chorus.Server.Sentinel;

namespace Chorus.Server.Tests.PubSub;

/// <summary>
/// Issue 15, "Clients follow failovers": what a node publishes on a change of leader, and when.
/// StackExchange.Redis starts a topology read on every <c>__Booksleeve_MasterChanged</c>; one
/// that starts while the old leader is dead but the election is not over waits ~3 s for the dead
/// node and swallows the election's own broadcast (docs/failover.md, "Sentinel-aware clients").
/// So a follower announces a leader once, when it hears from it, and only a leader repeats the
/// announcement, until it stops leading. Timers run on a manual clock.
/// </summary>
public sealed class FailoverSignalTests
{
    private static readonly NodeId N1 = new("n1"), N2 = new("n2"), N3 = new("n3");

    [Fact]
    public async Task A_follower_announces_a_new_leader_once_and_never_repeats_it()
    {
        var clock = new ManualClock();
        await using var heard = Heard.Start(out var hub);
        using var signal = Signal(hub, self: N2, clock);

        signal.OnLeaderChanged(Status(self: N2, leader: N1));
        clock.Advance(TimeSpan.FromMinutes(1));

        var text = await heard.UntilNowAsync();
        Assert.Equal(1, Count(text, FailoverSignal.Channel));
        Assert.Contains("127.0.0.1:7001", text);
        Assert.Equal(0, Count(text, "+switch-master")); // the first leader it knows replaces none
    }

    [Fact]
    public async Task The_leader_repeats_the_announcement_until_it_stops_leading()
    {
        var clock = new ManualClock();
        await using var heard = Heard.Start(out var hub);
        using var signal = Signal(hub, self: N1, clock);

        signal.OnLeaderChanged(Status(self: N1, leader: N1));
        clock.Advance(FailoverSignal.RepeatAfter[1]);
        Assert.Equal(3, Count(await heard.UntilNowAsync(), FailoverSignal.Channel)); // at once, then twice

        signal.OnLeaderChanged(Status(self: N1, leader: null)); // it lost its majority: no leader known
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, Count(await heard.UntilNowAsync(), FailoverSignal.Channel));
    }

    [Fact]
    public async Task A_follower_stops_nothing_it_did_not_start_and_announces_each_change_with_switch_master()
    {
        var clock = new ManualClock();
        await using var heard = Heard.Start(out var hub);
        using var signal = Signal(hub, self: N2, clock);

        signal.OnLeaderChanged(Status(self: N2, leader: N1));
        signal.OnLeaderChanged(Status(self: N2, leader: null)); // n1 went silent: an election runs
        signal.OnLeaderChanged(Status(self: N2, leader: N3));
        clock.Advance(TimeSpan.FromMinutes(1));

        var text = await heard.UntilNowAsync();
        Assert.Equal(2, Count(text, FailoverSignal.Channel));
        Assert.Equal(1, Count(text, "+switch-master"));
        Assert.Contains("chorus 127.0.0.1 7001 127.0.0.1 7003", text);
    }

    private static FailoverSignal Signal(PubSubHub hub, NodeId self, TimeProvider clock) =>
        new(hub, new ClientAddressBook(self, Endpoint(self)), "chorus", clock);

    private static string Endpoint(NodeId id) => $"127.0.0.1:700{id.Value[1..]}";

    private static NodeStatus Status(NodeId self, NodeId? leader)
    {
        var members = new[] { N1, N2, N3 }.Select(id => new Member(id, $"{id.Value}:1", Endpoint(id), MemberRole.Voter)).ToList();
        var role = leader == self ? NodeRole.Leader : NodeRole.Follower;
        return NodeStatus.Initial(self, new ClusterSettings(members, AckPolicy.Default)) with { Role = role, Leader = leader };
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>
    /// Everything published on the hub, as a subscriber to every channel receives it. Reading up to
    /// "now" publishes a marker and reads until the marker arrives: a subscriber's messages keep
    /// their order, so everything published before it has arrived too.
    /// </summary>
    private sealed class Heard : IAsyncDisposable
    {
        private readonly PubSubHub _hub = new();
        private readonly Subscriber _subscriber = new();
        private readonly Pipe _output = new();
        private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
        private readonly StringBuilder _text = new();
        private Task _pump = Task.CompletedTask;
        private int _marks;

        public static Heard Start(out PubSubHub hub)
        {
            var heard = new Heard();
            heard._hub.Subscribe(heard._subscriber, "*"u8.ToArray(), pattern: true);
            heard._pump = heard._subscriber.PumpAsync(heard._output.Writer, new SemaphoreSlim(1), heard._stop.Token);
            hub = heard._hub;
            return heard;
        }

        public async Task<string> UntilNowAsync()
        {
            var mark = $"mark-{++_marks}";
            _hub.Publish("test:mark"u8.ToArray(), Encoding.UTF8.GetBytes(mark));
            while (!_text.ToString().Contains(mark, StringComparison.Ordinal))
            {
                var read = await _output.Reader.ReadAsync(_stop.Token);
                _text.Append(Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(read.Buffer)));
                _output.Reader.AdvanceTo(read.Buffer.End);
            }
            return _text.ToString();
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _subscriber.Complete();
            await _pump.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }
    }

    /// <summary>A clock that moves only when told, firing the one-shot timers that fall due, in order.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly List<ManualTimer> _timers = [];
        private TimeSpan _now;

        public void Advance(TimeSpan by)
        {
            var until = _now + by;
            while (_timers.Where(t => t.Due is { } due && due <= until).OrderBy(t => t.Due).FirstOrDefault() is { } next)
            {
                _now = next.Due!.Value;
                next.Fire();
            }
            _now = until;
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Assert.Equal(Timeout.InfiniteTimeSpan, period); // the signal only sets one-shot timers
            var timer = new ManualTimer(callback, state, _now + dueTime);
            _timers.Add(timer);
            return timer;
        }

        private sealed class ManualTimer(TimerCallback callback, object? state, TimeSpan due) : ITimer
        {
            public TimeSpan? Due { get; private set; } = due;

            public void Fire()
            {
                Due = null;
                callback(state);
            }

            public bool Change(TimeSpan dueTime, TimeSpan period) => throw new NotSupportedException("not used by the signal");

            public void Dispose() => Due = null;

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
