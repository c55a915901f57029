using Chorus.Core;

namespace Chorus.Simulation.Engine;

/// <summary>
/// The simulation's only notion of time: a queue of events ordered by (virtual time, sequence
/// number). Events scheduled for the same microsecond run in the order they were scheduled, so
/// a run never depends on anything but the order of its own decisions.
/// </summary>
internal sealed class Scheduler(long eventsMax)
{
    private readonly PriorityQueue<Action, (long TimeUs, long Sequence)> _events = new();
    private long _sequence;

    /// <summary>Virtual time in microseconds since the start of the run.</summary>
    public long NowUs { get; private set; }

    public long EventsRun { get; private set; }

    public void At(long timeUs, Action action) => _events.Enqueue(action, (Math.Max(timeUs, NowUs), _sequence++));

    public void After(long delayUs, Action action) => At(NowUs + delayUs, action);

    /// <summary>Runs every event due up to <paramref name="endUs"/>, then moves the clock there.</summary>
    public void RunUntil(long endUs)
    {
        while (_events.TryPeek(out _, out var due) && due.TimeUs <= endUs)
        {
            var action = _events.Dequeue();
            NowUs = due.TimeUs;
            EventsRun++;
            Invariant.That(EventsRun <= eventsMax, $"the run exceeded {eventsMax} events: a runaway schedule");
            action();
        }
        NowUs = Math.Max(NowUs, endUs);
    }
}
