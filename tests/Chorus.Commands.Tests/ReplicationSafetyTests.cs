using System.Globalization;

namespace Chorus.Commands.Tests;

/// DDIA ch. 5 (logical log replication, rolling back a divergent suffix): a seeded random workload over
/// every write command, where the harness checks after each write that a follower applying the log
/// converges and that undoing the entry restores the previous state exactly.
public sealed class ReplicationSafetyTests
{
    private static readonly string[] Keys = ["a", "b", "c", "d"];
    private static readonly string[] Fields = ["f", "g", "h"];

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void Random_workloads_replicate_and_roll_back_exactly(int seed, bool collectGarbage)
    {
        using var harness = new CommandHarness(seed) { CollectGarbage = collectGarbage };
        var random = new Random(seed);
        for (var i = 0; i < 1500; i++)
        {
            harness.AdvanceMs(random.Next(0, 400));
            harness.Db = random.Next(10) == 0 ? 1 : 0;
            Run(harness, RandomCommand(random));
            if (i % 50 == 0)
            {
                harness.RunExpiryCycle();
            }
        }
        Assert.True(harness.Payloads > 500, $"the workload wrote ({harness.Payloads} entries)");
    }

    /// <summary>RESTORE names the key to DUMP in place of the payload: the payload is binary, so it is fetched here.</summary>
    private static void Run(CommandHarness harness, string[] command)
    {
        if (command[0] != "RESTORE")
        {
            harness.Run(command);
            return;
        }
        var payload = harness.Run("DUMP", command[3]);
        byte[] restore = [.. "RESTORE"u8];
        var bytes = payload.IsNull ? "garbage"u8.ToArray() : payload.Bytes.ToArray();
        harness.RunBytes(restore, Encoding(command[1]), Encoding(command[2]), bytes, Encoding(command[4]));
    }

    private static byte[] Encoding(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static string[] RandomCommand(Random random)
    {
        var key = Pick(random, Keys);
        var other = Pick(random, Keys);
        var field = Pick(random, Fields);
        var number = random.Next(-3, 4).ToString(CultureInfo.InvariantCulture);
        return random.Next(59) switch
        {
            0 => ["SET", key, number],
            1 => ["SET", key, number, "PX", random.Next(1, 1000).ToString(CultureInfo.InvariantCulture)],
            2 => ["SET", key, number, "KEEPTTL", "GET"],
            3 => ["INCRBY", key, number],
            4 => ["INCRBYFLOAT", key, "0.5"],
            5 => ["APPEND", key, number],
            6 => ["SETRANGE", key, random.Next(0, 4).ToString(CultureInfo.InvariantCulture), "xy"],
            7 => ["MSET", key, number, other, number],
            8 => ["GETDEL", key],
            9 => ["DEL", key, other],
            10 => ["PEXPIRE", key, random.Next(-50, 1000).ToString(CultureInfo.InvariantCulture), Pick(random, ["NX", "XX", "GT", "LT"])],
            11 => ["EXPIRE", key, random.Next(-1, 3).ToString(CultureInfo.InvariantCulture)],
            12 => ["PERSIST", key],
            13 => ["RENAME", key, other],
            14 => ["HSET", key, field, number, Pick(random, Fields), number],
            15 => ["HDEL", key, field, Pick(random, Fields)],
            16 => ["HINCRBY", key, field, number],
            17 => ["HINCRBYFLOAT", key, field, "1.25"],
            18 => ["HSETNX", key, field, number],
            19 => ["SADD", key, field, Pick(random, Fields)],
            20 => ["SREM", key, field, Pick(random, Fields)],
            21 => ["SPOP", key],
            22 => ["SPOP", key, random.Next(0, 4).ToString(CultureInfo.InvariantCulture)],
            23 => ["GETSET", key, number],
            24 => ["MSETNX", key, number, other, number],
            25 => ["RENAMENX", key, other],
            26 => ["HMSET", key, field, number],
            27 => ["SETNX", key, number],
            28 => ["UNLINK", key],
            29 => ["SETEX", key, random.Next(1, 3).ToString(CultureInfo.InvariantCulture), number],
            30 => ["PSETEX", key, random.Next(1, 800).ToString(CultureInfo.InvariantCulture), number],
            31 => random.Next(2) == 0 ? ["GETEX", key, "PERSIST"] : ["GETEX", key, "PXAT", AroundStart(random)],
            32 => ["SMOVE", key, other, field],
            33 => [Pick(random, ["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), key, other, Pick(random, Keys)],
            34 => ["HDEL", key, "f", "g", "h"],
            35 => ["SREM", key, "f", "g", "h"],
            36 => ["FLUSHDB"],
            37 => ["APPEND", key, field],
            38 => ["MOVE", key, random.Next(2).ToString(CultureInfo.InvariantCulture)],
            39 => ["SWAPDB", "0", "1"],
            40 => [Pick(random, ["LPUSH", "RPUSH", "LPUSHX"]), key, field, number],
            41 => [Pick(random, ["LPOP", "RPOP"]), key, random.Next(0, 3).ToString(CultureInfo.InvariantCulture)],
            42 => ["LINSERT", key, Pick(random, ["BEFORE", "AFTER"]), field, number],
            43 => ["LREM", key, random.Next(-2, 3).ToString(CultureInfo.InvariantCulture), field],
            44 => ["LTRIM", key, random.Next(-3, 3).ToString(CultureInfo.InvariantCulture), random.Next(-3, 3).ToString(CultureInfo.InvariantCulture)],
            45 => ["LSET", key, random.Next(-2, 2).ToString(CultureInfo.InvariantCulture), number],
            46 => ["LMOVE", key, other, Pick(random, ["LEFT", "RIGHT"]), Pick(random, ["LEFT", "RIGHT"])],
            47 => ["LMPOP", "2", key, other, "RIGHT", "COUNT", "2"],
            48 => ["ZADD", key, Pick(random, ["NX", "XX", "GT", "CH", "1"]), number, field, random.Next(-5, 5).ToString(CultureInfo.InvariantCulture), Pick(random, Fields)],
            49 => ["ZINCRBY", key, Pick(random, ["1.5", "-inf", "inf", "-2"]), field],
            50 => ["ZREM", key, field, Pick(random, Fields)],
            51 => [Pick(random, ["ZPOPMIN", "ZPOPMAX"]), key, random.Next(0, 3).ToString(CultureInfo.InvariantCulture)],
            52 => ["ZREMRANGEBYSCORE", key, "(" + number, "+inf"],
            53 => ["ZREMRANGEBYRANK", key, "0", random.Next(-2, 2).ToString(CultureInfo.InvariantCulture)],
            54 => ["ZRANGESTORE", other, key, "0", "-1", "REV"],
            55 => [Pick(random, ["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]), other, "2", key, Pick(random, Keys)],
            56 => ["ZMPOP", "2", key, other, Pick(random, ["MIN", "MAX"])],
            57 => ["ZREMRANGEBYLEX", key, "[" + field, "+"],
            _ => random.Next(40) == 0 ? ["FLUSHALL"] : ["INCR", key],
        };
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];

    /// <summary>An absolute time that is sometimes past and sometimes future as the clock advances.</summary>
    private static string AroundStart(Random random) =>
        (CommandHarness.StartMs + random.Next(0, 600_000)).ToString(CultureInfo.InvariantCulture);
}
