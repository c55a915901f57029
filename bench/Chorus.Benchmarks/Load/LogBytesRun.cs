using System.Globalization;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Node;
using Chorus.Replication;
using Chorus.Replication.SingleLeader;
using Chorus.Storage;
using Chorus.Storage.InMemory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Benchmarks.Load;

/// <summary>
/// <c>log-bytes</c>: the replication log's payload bytes for one write, in each log format
/// (docs/log-formats.md, "Costs"). One node, the production driver and command layer over an
/// in-memory disk: the bytes are what a follower would receive (the entry adds about 20 bytes of
/// position, time and origin). A size, not a speed: it takes a second.
/// </summary>
public static class LogBytesRun
{
    private static readonly string Kilobyte = new('x', 1024);

    private static readonly string[][] Setup =
    [
        ["SET", "big", Kilobyte],
        ["HSET", "wide", .. Enumerable.Range(0, 1000).SelectMany(i => new[] { $"f{i}", "v" })],
    ];

    private static readonly (string Name, string[] Command)[] Writes =
    [
        ("SET of 16 bytes (new key)", ["SET", "small", "0123456789abcdef"]),
        ("SET of 1 KiB over 1 KiB", ["SET", "big", new string('y', 1024)]),
        ("INCR", ["INCR", "n"]),
        ("HSET one field of a 1,000-field hash", ["HSET", "wide", "f1", "w"]),
        ("EXPIRE", ["EXPIRE", "small", "100"]),
        ("DEL of a 1 KiB string", ["DEL", "big"]),
    ];

    public static Task<int> RunAsync()
    {
        LogFormat[] formats = [LogFormat.Logical, LogFormat.Statement, LogFormat.Physical];
        var sizes = formats.Select(Measure).ToList();
        Console.WriteLine($"| write | {string.Join(" | ", formats.Select(LogFormatSetting.Name))} |");
        Console.WriteLine($"|---|{string.Concat(formats.Select(_ => "---:|"))}");
        for (var i = 0; i < Writes.Length; i++)
        {
            Console.WriteLine($"| `{Writes[i].Name}` | {string.Join(" | ", sizes.Select(s => s[i].ToString("N0", CultureInfo.InvariantCulture)))} |");
        }
        return Task.FromResult(0);
    }

    /// <summary>The payload bytes of each write's log entry, in <paramref name="format"/>.</summary>
    private static List<int> Measure(LogFormat format)
    {
        var self = new NodeId("n1");
        var cluster = new ClusterConfig(self, self, [self]);
        var family = new SingleLeaderFamily(new ReplicationOptions(), cluster, "127.0.0.1:0");
        var storage = new InMemoryStorageEngine();
        var options = new NodeDriverOptions(self, family) { LogFormat = new LogFormatSetting(format) };
        var driver = new NodeDriver(options, storage, new CommandTable(DataCommands.All), new NoPeers(), new NoRollbacks(), NullLogger.Instance);
        var nowMs = 1_700_000_000_000L;
        driver.Start(nowMs);
        for (var round = 0; round < 1000 && driver.Status.Role != NodeRole.Leader; round++)
        {
            nowMs += 100;
            driver.BeginRound(nowMs);
            driver.EndRound();
        }
        foreach (var command in Setup)
        {
            Run(driver, command);
        }
        var sizes = new List<int>();
        foreach (var (_, command) in Writes)
        {
            Run(driver, command);
            using var log = storage.NewIterator(StorageColumn.Log);
            log.SeekToLast();
            sizes.Add(Chorus.Core.Log.LogEntryCodec.Decode(log.Value.ToArray()).Payload.Length);
        }
        return sizes;
    }

    private static void Run(NodeDriver driver, string[] command)
    {
        using var batch = new ClientWriteBatch();
        batch.Commands.Add(command);
        driver.Submit(batch);
        driver.EndRound();
        if (batch.Error is { } error)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)}: {error}");
        }
    }

    private sealed class NoPeers : ITransport
    {
        public void Send(Envelope message)
        {
        }
    }

    private sealed class NoRollbacks : IRollbackSink
    {
        public void Write(RollbackRecord record)
        {
        }
    }
}
