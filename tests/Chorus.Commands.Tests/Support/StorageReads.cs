using System.Buffers;
using System.Text;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Storage;

namespace Chorus.Commands.Tests.Support;

/// <summary>Runs read commands against any storage engine, as a connection to that replica would.</summary>
internal static class StorageReads
{
    private static readonly CommandTable Commands = new(DataCommands.All);

    public static RespValue Run(IStorageEngine storage, long nowMs, params string[] args) =>
        RunBytes(storage, nowMs, [.. args.Select(Encoding.UTF8.GetBytes)]);

    public static RespValue RunBytes(IStorageEngine storage, long nowMs, params byte[][] args)
    {
        using var batch = new RequestBatch();
        batch.Add(args);
        var output = new ArrayBufferWriter<byte>();
        Assert.True(Commands.TryGet(batch[0][0], out var spec) && spec.Read is not null, $"{Encoding.UTF8.GetString(args[0])} is a read command");
        spec.Read!(new ReadContext(storage, new Random(1)) { NowMs = nowMs }, batch[0], new RespWriter(output, RespProtocol.Resp2));
        return RespReplyParser.Parse(output.WrittenSpan);
    }
}
