using System.Security.Cryptography;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Node;
using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

/// <summary>
/// Issue 17, finding 1: rollback files are binary, so a value of any size and any bytes reaches
/// the file and comes back exactly (the JSON writer failed above ~166 MB). What happens when the
/// file cannot be written is the node shell's part: Chorus.Node.Tests, RollbackFileTests.
/// </summary>
public sealed class FileRollbackSinkTests
{
    /// <summary>The finding's size: 170,000,000 bytes, binary, through a file and back byte for byte.</summary>
    [Fact]
    public void A_large_binary_value_round_trips_through_a_rollback_file()
    {
        var value = new byte[170_000_000];
        new Random(17).NextBytes(value.AsSpan(0, 1 << 20));
        value.AsSpan(0, 1 << 20).CopyTo(value.AsSpan(value.Length - (1 << 20)));
        var change = new PutChange("big"u8.ToArray(), StringValue.Encode(value, 0), null);
        var entry = LogEntry.Create(new LogPosition(new Epoch(3), new Lsn(8)), HlcTimestamp.From(1_700_000_000_000, 0), new NodeId("n1"), PayloadKind.Logical, LogicalPayload.Encode([change]));
        var directory = Path.Combine(Path.GetTempPath(), "chorus-rollback-" + Guid.NewGuid().ToString("N"));
        try
        {
            var sink = new FileRollbackSink(directory);
            sink.Write(new RollbackRecord(new NodeId("n1"), new Epoch(4), new Lsn(7), 1_700_000_000_500, [entry]));
            var path = Assert.Single(Directory.GetFiles(sink.Directory));
            Assert.EndsWith("-epoch4-lsn8-8.rollback", path, StringComparison.Ordinal);
            using var stream = File.OpenRead(path);
            var header = RollbackFile.ReadHeader(stream);
            Assert.Equal(new RollbackFile.Header(new NodeId("n1"), new Epoch(4), new Lsn(7), 1_700_000_000_500, 1), header);
            var read = Assert.Single(RollbackFile.ReadEntries(stream, header));
            var put = Assert.IsType<PutChange>(Assert.Single(LogicalPayload.Decode(read.Payload.Span)));
            Assert.Equal(SHA256.HashData(value), SHA256.HashData(StoredValue.Parse(put.After).Payload));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
