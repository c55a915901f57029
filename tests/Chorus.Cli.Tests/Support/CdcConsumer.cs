using System.Globalization;
using System.Text.Json;
using Chorus.Client;
using Chorus.Resp;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// A change-data-capture consumer as docs/cdc.md tells one to behave: it reads CHORUS.CDC from
/// one node at a time, keeps its position (next LSN and epoch), and when the node goes away it
/// moves to the next one and resumes from that position. It skips a change it already has (same
/// LSN and index: a duplicate) and counts it, and records every rollback event.
/// </summary>
internal sealed class CdcConsumer
{
    private readonly Lock _lock = new();
    private readonly List<JsonElement> _changes = [];
    private readonly List<string> _errors = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly IReadOnlyList<int> _ports;
    private Task? _running;
    private (ulong Lsn, int Index) _last;

    private CdcConsumer(IReadOnlyList<int> ports) => _ports = ports;

    /// <summary>Starts reading at LSN 1 from the first port; moves along <paramref name="ports"/> when one fails.</summary>
    public static CdcConsumer Start(params int[] ports)
    {
        var consumer = new CdcConsumer(ports);
        consumer._running = Task.Run(consumer.RunAsync);
        return consumer;
    }

    public ulong Next { get; private set; } = 1;

    public ulong Epoch { get; private set; }

    public int Duplicates { get; private set; }

    public int Rollbacks { get; private set; }

    public int Reconnects { get; private set; }

    public List<JsonElement> Changes
    {
        get
        {
            lock (_lock)
            {
                return [.. _changes];
            }
        }
    }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_lock)
            {
                return [.. _errors];
            }
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running!;
    }

    private async Task RunAsync()
    {
        var node = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await RespConnection.ConnectAsync("127.0.0.1", _ports[node], TimeSpan.FromSeconds(2), _stop.Token);
                while (!_stop.IsCancellationRequested)
                {
                    var reply = await connection.CommandAsync(_stop.Token, "CHORUS.CDC", "READ", Next.ToString(CultureInfo.InvariantCulture),
                        "EPOCH", Epoch.ToString(CultureInfo.InvariantCulture), "COUNT", "200", "BLOCK", "500");
                    Take(reply);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException or OperationCanceledException)
            {
                // The node went away: resume from the same position on the next one.
                node = (node + 1) % _ports.Count;
                Reconnects++;
            }
        }
    }

    private void Take(RespValue reply)
    {
        if (reply.Kind == RespValueKind.Error)
        {
            lock (_lock)
            {
                _errors.Add(reply.AsString() ?? "");
            }
            throw new InvalidOperationException(reply.AsString());
        }
        var items = reply.Items;
        foreach (var item in items[3].Items)
        {
            var change = JsonDocument.Parse(item.AsString()!).RootElement.Clone();
            if (change.GetProperty("type").GetString() == "rollback")
            {
                Rollbacks++;
                lock (_lock)
                {
                    var after = change.GetProperty("afterLsn").GetUInt64();
                    _changes.RemoveAll(c => c.GetProperty("lsn").GetUInt64() > after);
                    _last = (after, int.MaxValue);
                }
                continue;
            }
            var position = (change.GetProperty("lsn").GetUInt64(), change.GetProperty("index").GetInt32());
            if (position.CompareTo(_last) <= 0)
            {
                Duplicates++;
                continue;
            }
            _last = position;
            lock (_lock)
            {
                _changes.Add(change);
            }
        }
        Next = (ulong)items[0].AsInteger();
        Epoch = (ulong)items[1].AsInteger();
    }
}
