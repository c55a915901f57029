using System.Buffers;
using System.Text;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Core;
using Chorus.Resp;
using Chorus.Storage;
using Chorus.Storage.InMemory;
using Chorus.Storage.RocksDb;

namespace Chorus.Commands.Tests;

/// <summary>
/// docs/storage-layout.md, "Costs, per command": HSET and SADD read the element they name from
/// the elements column, which RocksDB fronts with an element cache (RocksDbStorageOptions.ElementCacheBytes).
/// Whatever the cache holds, the replies (1 for a new field or member, 0 otherwise), the counts
/// HLEN and SCARD read from the key record, and the values stay those of an engine without any
/// cache — through overwrites with the same and another value, HDEL and SREM down to an empty
/// key, and across a reopen of the directory (a restart: the cache starts empty).
/// </summary>
public sealed class CollectionCountsOnRocksDbTests(ITestOutputHelper output) : IDisposable
{
    private const long NowMs = 1_700_000_000_000;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chorus-collection-count-tests", Guid.NewGuid().ToString("N"));
    private readonly CommandTable _commands = new(DataCommands.All);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Hset_counts_new_fields_only_and_hlen_follows_overwrites_deletes_and_a_restart()
    {
        using (var node = new Node(_commands, Open(RocksDbStorageOptions.Default.ElementCacheBytes)))
        {
            Assert.Equal(":2", node.Run("HSET", "h", "a", "1", "b", "2"));
            Assert.Equal(":0", node.Run("HSET", "h", "a", "1"));       // same value: nothing new
            Assert.Equal(":0", node.Run("HSET", "h", "a", "other"));   // another value: still not new
            Assert.Equal(":1", node.Run("HSET", "h", "c", "3", "c", "4"));
            Assert.Equal(":3", node.Run("HLEN", "h"));
            Assert.Equal(":1", node.Run("HDEL", "h", "b", "missing"));
            Assert.Equal(":2", node.Run("HLEN", "h"));
        }
        using (var node = new Node(_commands, Open(RocksDbStorageOptions.Default.ElementCacheBytes)))
        {
            Assert.Equal(":2", node.Run("HLEN", "h"));
            Assert.Equal("$other", node.Run("HGET", "h", "a"));
            Assert.Equal("$4", node.Run("HGET", "h", "c"));
            Assert.Equal(":0", node.Run("HSET", "h", "a", "other"));
            Assert.Equal(":1", node.Run("HSET", "h", "b", "again"));
            Assert.Equal(":2", node.Run("HDEL", "h", "a", "c"));
            Assert.Equal(":1", node.Run("HDEL", "h", "b"));
            Assert.Equal(":0", node.Run("EXISTS", "h"));
            Assert.Equal(":1", node.Run("HSET", "h", "a", "fresh"));
            Assert.Equal(":1", node.Run("HLEN", "h"));
        }
    }

    [Fact]
    public void Sadd_counts_new_members_only_and_scard_follows_removals_and_a_restart()
    {
        using (var node = new Node(_commands, Open(RocksDbStorageOptions.Default.ElementCacheBytes)))
        {
            Assert.Equal(":2", node.Run("SADD", "s", "x", "y"));
            Assert.Equal(":0", node.Run("SADD", "s", "x"));
            Assert.Equal(":1", node.Run("SADD", "s", "x", "z", "z"));
            Assert.Equal(":1", node.Run("SREM", "s", "y", "missing"));
            Assert.Equal(":2", node.Run("SCARD", "s"));
        }
        using (var node = new Node(_commands, Open(RocksDbStorageOptions.Default.ElementCacheBytes)))
        {
            Assert.Equal(":2", node.Run("SCARD", "s"));
            Assert.Equal(":0", node.Run("SADD", "s", "z"));
            Assert.Equal(":1", node.Run("SADD", "s", "y"));
            Assert.Equal(":3", node.Run("SREM", "s", "x", "y", "z"));
            Assert.Equal(":0", node.Run("EXISTS", "s"));
        }
    }

    /// <summary>
    /// Seeded random HSET/HDEL/SADD/SREM/DEL over a few small collections, with an element cache
    /// large, tiny (it turns over constantly) and off, against the in-memory engine; every reply
    /// and the counts compared, and the directory reopened every 200 commands.
    /// </summary>
    [Theory]
    [InlineData(32L << 20)]
    [InlineData(2048)]
    [InlineData(0)]
    public void Random_writes_answer_as_the_in_memory_engine_does_across_restarts(long elementCacheBytes)
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}, element cache {elementCacheBytes} bytes");
        var random = new Random(seed);
        using var model = new Node(_commands, new InMemoryStorageEngine());
        var node = new Node(_commands, Open(elementCacheBytes));
        try
        {
            for (var i = 1; i <= 1_000; i++)
            {
                var args = RandomCommand(random);
                var expected = model.Run(args);
                Assert.True(expected == node.Run(args), $"seed {seed}, command {i}: {string.Join(' ', args)}");
                if (i % 200 == 0)
                {
                    node.Dispose();
                    node = new Node(_commands, Open(elementCacheBytes));
                }
                foreach (var key in new[] { "h0", "h1", "s0", "s1" })
                {
                    var count = key[0] == 'h' ? "HLEN" : "SCARD";
                    Assert.Equal(model.Run(count, key), node.Run(count, key));
                }
            }
        }
        finally
        {
            node.Dispose();
        }
    }

    private static string[] RandomCommand(Random random)
    {
        var hash = $"h{random.Next(2)}";
        var set = $"s{random.Next(2)}";
        // Fields and members of up to 2 KiB: some above what fits a key on the stack.
        string Name() => random.Next(10) == 0 ? new string('n', 1000 + random.Next(1000)) + random.Next(8) : $"f{random.Next(12)}";
        string Value() => random.Next(3) == 0 ? new string('v', random.Next(2000)) : $"v{random.Next(3)}";
        return random.Next(11) switch
        {
            < 4 => ["HSET", hash, Name(), Value(), Name(), Value()],
            < 6 => ["HDEL", hash, Name(), Name()],
            < 8 => ["SADD", set, Name(), Name()],
            < 10 => ["SREM", set, Name()],
            _ => ["DEL", random.Next(2) == 0 ? hash : set],
        };
    }

    private RocksDbStorageEngine Open(long elementCacheBytes) =>
        RocksDbStorageEngine.Open(_directory, RocksDbStorageOptions.Default with { ElementCacheBytes = elementCacheBytes });

    /// <summary>One node's write path over an engine: commands run, the staged keyspace flushed after each, as the loop does.</summary>
    private sealed class Node(CommandTable commands, IStorageEngine storage) : IDisposable
    {
        private readonly StagedKeyspace _keyspace = new(storage);
        private WriteExecutor? _executor;
        private ulong _lsn;

        /// <summary>The reply in a short form: ":n", "$text", "$nil", "-error" or "*n".</summary>
        public string Run(params string[] args)
        {
            using var batch = new RequestBatch();
            batch.Add([.. args.Select(Encoding.UTF8.GetBytes)]);
            var command = batch[0];
            Assert.True(commands.TryGet(command[0], out var spec));
            var written = new ArrayBufferWriter<byte>();
            var reply = new RespWriter(written, RespProtocol.Resp2);
            if (spec.Write is not null)
            {
                _executor ??= new WriteExecutor(commands, _keyspace, new Random(1));
                _executor.Execute(command, reply, NowMs);
                using var storageBatch = storage.NewBatch();
                _keyspace.FlushTo(storageBatch, new Lsn(++_lsn));
                storage.Write(storageBatch, sync: false);
            }
            else
            {
                spec.Read!(new ReadContext(storage, new Random(1)) { NowMs = NowMs }, command, reply);
            }
            var text = Encoding.UTF8.GetString(written.WrittenSpan);
            return text.StartsWith("$-1", StringComparison.Ordinal) ? "$nil"
                : text[0] == '$' ? "$" + text.Split("\r\n")[1]
                : text.Split("\r\n")[0];
        }

        public void Dispose() => storage.Dispose();
    }
}
