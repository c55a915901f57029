using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// What a client and the cluster did around a failover, on one clock: StackExchange.Redis's own
/// log lines (through <see cref="StackExchange.Redis.ConfigurationOptions.LoggerFactory"/>), its connection events and
/// the test's observations, each stamped with the time since <see cref="Mark"/> (the kill). Printed
/// by the failover timing tests so the time between the election and the client's first write can
/// be read step by step.
/// </summary>
internal sealed class ClientTimeline : ILoggerFactory, ILoggerProvider
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<(TimeSpan At, string What)> _events = new();
    private TimeSpan _mark;

    /// <summary>Time since <see cref="Mark"/> (negative before it).</summary>
    public TimeSpan Now => _clock.Elapsed - _mark;

    /// <summary>A moment on the timeline's own clock, to compare with <see cref="Now"/> once the mark is set (<see cref="SinceMark"/>).</summary>
    public TimeSpan Stamp => _clock.Elapsed;

    public TimeSpan SinceMark(TimeSpan stamp) => stamp - _mark;

    /// <summary>Sets the zero of the clock (the moment of the kill).</summary>
    public void Mark() => _mark = _clock.Elapsed;

    public void Add(string what) => _events.Enqueue((_clock.Elapsed, what));

    /// <summary>When the first event since the mark starting with <paramref name="prefix"/> happened, relative to the mark.</summary>
    public TimeSpan? First(string prefix) =>
        _events.Where(e => e.At >= _mark && e.What.StartsWith(prefix, StringComparison.Ordinal)).Select(e => (TimeSpan?)(e.At - _mark)).FirstOrDefault();

    /// <summary>The events from <paramref name="from"/> to <paramref name="to"/> (relative to the mark) that <paramref name="keep"/> keeps, one a line, at most <paramref name="linesMax"/>.</summary>
    public string Describe(TimeSpan from, TimeSpan to, Func<string, bool> keep, int linesMax = 400)
    {
        var lines = _events.Select(e => (At: e.At - _mark, e.What)).Where(e => e.At >= from && e.At <= to && keep(e.What))
            .Select(e => $"{e.At.TotalMilliseconds,8:0} ms  {e.What}").ToList();
        return string.Join('\n', lines.Count > linesMax ? [.. lines.Take(linesMax), $"… {lines.Count - linesMax} more"] : lines);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the timeline is its own provider");

    public void Dispose()
    {
    }

    private sealed class Logger(ClientTimeline timeline) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            timeline.Add("client: " + formatter(state, exception) + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})"));
    }
}
