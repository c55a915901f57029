using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Chorus.Client;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// A client that writes unique keys (`prefix:i` = `i`) through one node, one at a time, until
/// stopped — through a follower, writes are forwarded to whichever node leads. It records which
/// writes were acknowledged and when, and every error, reconnecting after a broken connection.
/// </summary>
internal sealed class ContinuousWriter
{
    private readonly List<(string Key, TimeSpan At)> _acknowledged = [];
    private readonly List<string> _errors = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task? _running;

    private ContinuousWriter()
    {
    }

    public static ContinuousWriter Start(int port, string prefix)
    {
        var writer = new ContinuousWriter();
        writer._running = Task.Run(() => writer.RunAsync(port, prefix));
        return writer;
    }

    /// <summary>Time since the writer started, on the same clock as <see cref="FirstAcknowledgedAfter"/>.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<string> Acknowledged
    {
        get
        {
            lock (_acknowledged)
            {
                return [.. _acknowledged.Select(a => a.Key)];
            }
        }
    }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>When the first write acknowledged after <paramref name="since"/> was, if any.</summary>
    public TimeSpan? FirstAcknowledgedAfter(TimeSpan since)
    {
        lock (_acknowledged)
        {
            return _acknowledged.Where(a => a.At > since).Select(a => (TimeSpan?)a.At).FirstOrDefault();
        }
    }

    public int AcknowledgedCount
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.Count;
            }
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running!;
    }

    private async Task RunAsync(int port, string prefix)
    {
        RespConnection? connection = null;
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            try
            {
                connection ??= await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(2), _stop.Token);
                var key = string.Create(CultureInfo.InvariantCulture, $"{prefix}:{i}");
                var reply = await connection.CommandAsync(_stop.Token, "SET", key, i.ToString(CultureInfo.InvariantCulture));
                if (reply.IsError)
                {
                    Record(_errors, reply.AsString() ?? "");
                    await Task.Delay(10);
                }
                else
                {
                    Record(_acknowledged, (key, _clock.Elapsed));
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                Record(_errors, e.Message);
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                    connection = null;
                }
                await Task.Delay(10);
            }
        }
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    private static void Record<T>(List<T> list, T item)
    {
        lock (list)
        {
            list.Add(item);
        }
    }
}
