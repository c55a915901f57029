using Chorus.Core.Encoding;
using Chorus.Core.Log;

namespace Chorus.Core.Tests;

/// <summary>
/// Issue 17, finding 5: a forged epoch of 2^64 − 1 made the next candidate wrap to epoch 0, so
/// no leader could ever be elected again. Epochs stop at <see cref="Epoch.Max"/> (2^63 − 1):
/// nothing larger is decoded, and no epoch has a successor that wraps.
/// </summary>
public sealed class EpochTests
{
    [Fact]
    public void The_largest_epoch_has_no_successor_and_never_wraps_to_zero()
    {
        Assert.Equal(new Epoch(Epoch.Max.Value - 1).Next, Epoch.Max);
        Assert.False(Epoch.Max.HasNext);
        Assert.Throws<InvariantViolationException>(() => Epoch.Max.Next);
        Assert.Throws<InvariantViolationException>(() => new Epoch(ulong.MaxValue).Next);
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(ulong.MaxValue - 1)]
    [InlineData((ulong)long.MaxValue + 1)]
    public void An_epoch_beyond_the_largest_is_refused_by_the_reader(ulong epoch)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        new ByteWriter(buffer).WriteVarUInt(epoch);
        Assert.Throws<CorruptDataException>(() => new ByteReader(buffer.WrittenSpan).ReadEpoch());
    }

    [Fact]
    public void The_largest_epoch_itself_is_read()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        new ByteWriter(buffer).WriteVarUInt(Epoch.Max.Value);
        Assert.Equal(Epoch.Max, new ByteReader(buffer.WrittenSpan).ReadEpoch());
    }

    [Fact]
    public void A_log_entry_with_an_epoch_near_two_to_the_64_is_refused()
    {
        var forged = LogEntryCodec.Encode(new LogPosition(new Epoch(ulong.MaxValue), new Lsn(1)), HlcTimestamp.Zero, new NodeId("n1"), PayloadKind.Logical, "x"u8);
        var error = Assert.Throws<CorruptDataException>(() => LogEntryCodec.Decode(forged));
        Assert.Contains("beyond the largest valid epoch", error.Message, StringComparison.Ordinal);
    }
}
