using System.Buffers;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Resp;
using Chorus.Simulation.Checkers.Prefix;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Simulation.Tests.Support;

/// <summary>Hand-made replication logs and replicas for the prefix checker's tests.</summary>
internal static class LogBuilder
{
    private const long NowMs = 1_700_000_000_000;

    /// <summary>The entries a leader in epoch 1 writes for these commands (LSN 1, 2, ...), made by the production executor.</summary>
    public static List<LogEntry> Entries(params string[][] commands)
    {
        var scratch = new InMemoryStorageEngine();
        var keyspace = new StagedKeyspace(scratch);
        var executor = new WriteExecutor(new CommandTable(DataCommands.All), keyspace, new Random(1));
        var entries = new List<LogEntry>();
        foreach (var command in commands)
        {
            using var request = new RequestBatch();
            request.Add(command);
            var payload = executor.Execute(request[0], new RespWriter(new ArrayBufferWriter<byte>(), RespProtocol.Resp2), NowMs)!;
            using var batch = scratch.NewBatch();
            keyspace.FlushTo(batch, new Lsn((ulong)entries.Count + 1));
            scratch.Write(batch, sync: false);
            var position = new LogPosition(new Epoch(1), new Lsn((ulong)entries.Count + 1));
            entries.Add(LogEntry.Create(position, HlcTimestamp.From(NowMs + entries.Count, 0), new NodeId("n1"), PayloadKind.Logical, payload));
        }
        return entries;
    }

    /// <summary>A replica whose log holds <paramref name="log"/> and whose data is <paramref name="applied"/> (default: the log) applied in order.</summary>
    public static InMemoryStorageEngine Replica(IReadOnlyList<LogEntry> log, IReadOnlyList<LogEntry>? applied = null)
    {
        var storage = new InMemoryStorageEngine();
        var keyspace = new StagedKeyspace(storage);
        foreach (var entry in applied ?? log)
        {
            LogApplier.Apply(entry, keyspace);
        }
        using var batch = storage.NewBatch();
        keyspace.FlushTo(batch, (applied ?? log).LastOrDefault()?.Lsn ?? Lsn.Zero);
        foreach (var entry in log)
        {
            batch.Put(StorageColumn.Log, LogColumn.Key(entry.Lsn), entry.Encoded.Span);
        }
        storage.Write(batch, sync: false);
        return storage;
    }
}
