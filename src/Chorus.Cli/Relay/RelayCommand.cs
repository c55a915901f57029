using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Chorus.Client;
using Chorus.Resp;

namespace Chorus.Cli.Relay;

/// <summary>
/// `chorus relay --from host:port[,host:port...] --trigger triggers.json`: trigger-based
/// replication (docs/relay.md). A separate process that consumes the cluster's change data capture
/// (CHORUS.CDC) and delivers each trigger's changes to its target at least once: the position is
/// saved (fsync) only after every target acknowledged, so a kill -9 redelivers and never skips; a
/// target that refuses holds the relay at that position, retrying, with its lag printed.
/// </summary>
internal static class RelayCommand
{
    /// <summary>How often the relay says where it is, and how long it waits before retrying a refusing target or an unreachable source.</summary>
    private const int StatusIntervalMs = 5000;
    private const int RetryMs = 1000;

    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The cluster's nodes, host:port (RESP), comma-separated; the relay moves to the next one when one fails.", Required = true };
        var trigger = new Option<string>("--trigger") { Description = "The trigger file (JSON, see docs/relay.md).", Required = true };
        var position = new Option<string?>("--position") { Description = "Where the relay keeps its position. Default: the trigger file's path + \".position\"." };
        var batch = new Option<int>("--batch") { Description = "Log entries per read (and per target transaction).", DefaultValueFactory = _ => 500 };
        var command = new Command("relay", "Relay committed changes matching triggers to PostgreSQL, Redis or another Chorus cluster.") { from, trigger, position, batch };
        command.SetAction((r, ct) => RunAsync(r.GetValue(from)!, r.GetValue(trigger)!, r.GetValue(position), r.GetValue(batch), ct));
        return command;
    }

    private static async Task<int> RunAsync(string from, string triggerFile, string? positionFile, int batch, CancellationToken cancellationToken)
    {
        List<Trigger> triggers;
        List<(string Host, int Port)> sources;
        try
        {
            triggers = Trigger.Load(triggerFile);
            sources = Endpoints.Parse(from, "--from");
        }
        catch (TriggerError e)
        {
            await Console.Error.WriteLineAsync($"chorus relay: {e.Message}");
            return 2;
        }
        var relay = new Relay(triggers, sources, new RelayPosition(positionFile ?? triggerFile + ".position"), Math.Clamp(batch, 1, 10_000));
        try
        {
            return await relay.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            await relay.DisposeAsync();
        }
    }

    /// <summary>The relay loop: read a batch, deliver it to every trigger's target, save the position.</summary>
    private sealed class Relay(List<Trigger> triggers, List<(string Host, int Port)> sources, RelayPosition position, int batch) : IAsyncDisposable
    {
        private readonly List<IRelayTarget> _targets = [.. triggers.Select(t => IRelayTarget.Create(t.Target))];
        private readonly Dictionary<string, long> _unsupported = [];
        private readonly Stopwatch _sinceStatus = Stopwatch.StartNew();
        private RespConnection? _source;
        private int _sourceIndex;
        private long _delivered;
        private ulong _committed;

        public async Task<int> RunAsync(CancellationToken cancellationToken)
        {
            var (next, epoch) = position.Load();
            Console.WriteLine($"relay: {triggers.Count} trigger(s), from LSN {next} (position file {position.Path})");
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await ReadAsync(next, epoch, cancellationToken) is not { } reply)
                {
                    continue;
                }
                if (reply.Kind == RespValueKind.Error)
                {
                    var message = reply.AsString() ?? "";
                    await Console.Error.WriteLineAsync($"relay: the source refused: {message}");
                    if (message.StartsWith("CDCRETENTION", StringComparison.Ordinal))
                    {
                        return 3; // going on would skip changes: an operator must re-seed the targets
                    }
                    await Task.Delay(RetryMs, cancellationToken);
                    continue;
                }
                _committed = (ulong)reply.Items[2].AsInteger();
                var events = reply.Items[3].Items.Select(e => JsonDocument.Parse(e.AsString()!).RootElement.Clone()).ToList();
                await DeliverAsync(events, next, cancellationToken);
                var (after, afterEpoch) = ((ulong)reply.Items[0].AsInteger(), (ulong)reply.Items[1].AsInteger());
                if ((after, afterEpoch) != (next, epoch))
                {
                    position.Save(after, afterEpoch);
                    (next, epoch) = (after, afterEpoch);
                }
                Status(next, null);
            }
            return 0;
        }

        /// <summary>One CHORUS.CDC READ; null (after moving to the next node) when the source failed.</summary>
        private async Task<RespValue?> ReadAsync(ulong next, ulong epoch, CancellationToken cancellationToken)
        {
            try
            {
                var (host, port) = sources[_sourceIndex];
                _source ??= await NodeConnection.OpenAsync(host, port, TimeSpan.FromSeconds(5), cancellationToken);
                // A frozen node never answers: give up on it well after BLOCK's second.
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(TimeSpan.FromSeconds(15));
                return await _source.CommandAsync(deadline.Token, "CHORUS.CDC", "READ", Text(next), "EPOCH", Text(epoch), "COUNT", Text((ulong)batch), "BLOCK", "1000");
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or NodeRefusedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"relay: source {sources[_sourceIndex].Host}:{sources[_sourceIndex].Port} failed ({e.Message}); trying the next one");
                await DropSourceAsync();
                _sourceIndex = (_sourceIndex + 1) % sources.Count;
                await Task.Delay(RetryMs, cancellationToken);
                return null;
            }
        }

        /// <summary>Every trigger's ops reach its target before the position moves; a refusing target is retried until it takes them.</summary>
        private async Task DeliverAsync(List<JsonElement> events, ulong at, CancellationToken cancellationToken)
        {
            foreach (var rollback in events.Where(e => e.GetProperty("type").GetString() == "rollback"))
            {
                await Console.Error.WriteLineAsync($"relay: WARNING {rollback.GetProperty("reason").GetString()}; the targets keep what was relayed after it until those keys change again");
            }
            var changes = events.Where(e => e.GetProperty("type").GetString() == "change").ToList();
            for (var i = 0; i < triggers.Count; i++)
            {
                var ops = Ops(triggers[i], changes);
                while (true)
                {
                    try
                    {
                        await _targets[i].ApplyAsync(ops, cancellationToken);
                        _delivered += ops.Count;
                        break;
                    }
                    catch (TargetRefused e)
                    {
                        Status(at, $"{triggers[i].Name}: {e.Message}; holding at LSN {at}, retrying");
                        await Task.Delay(RetryMs, cancellationToken);
                    }
                }
            }
        }

        private List<RowOp> Ops(Trigger trigger, List<JsonElement> changes)
        {
            var ops = new List<RowOp>();
            foreach (var change in changes)
            {
                RowOp? op;
                string? unsupported;
                try
                {
                    op = RowOps.For(trigger, change, out unsupported);
                }
                catch (KeyNotFoundException)
                {
                    (op, unsupported) = (null, "non-UTF-8 field or value"); // written as field64/after64 (docs/cdc.md)
                }
                if (op is not null)
                {
                    ops.Add(op);
                }
                else if (unsupported is not null && _unsupported.TryAdd(unsupported, 0))
                {
                    Console.Error.WriteLine($"relay: {trigger.Name}: '{unsupported}' changes are not relayed (first at LSN {change.GetProperty("lsn").GetUInt64()}; see docs/relay.md)");
                }
            }
            return ops;
        }

        private void Status(ulong next, string? problem)
        {
            if (_sinceStatus.ElapsedMilliseconds < StatusIntervalMs && problem is null)
            {
                return;
            }
            if (problem is not null && _sinceStatus.ElapsedMilliseconds < RetryMs)
            {
                return;
            }
            _sinceStatus.Restart();
            var lag = _committed >= next ? _committed - next + 1 : 0;
            Console.WriteLine($"relay: next LSN {next}, committed {_committed}, lag {lag} entries, {_delivered} row changes delivered{(problem is null ? "" : "; " + problem)}");
        }

        private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);

        private async Task DropSourceAsync()
        {
            if (_source is { } source)
            {
                _source = null;
                await source.DisposeAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await DropSourceAsync();
            foreach (var target in _targets)
            {
                await target.DisposeAsync();
            }
        }
    }
}
