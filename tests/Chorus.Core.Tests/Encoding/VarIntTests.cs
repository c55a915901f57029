using Chorus.Core.Encoding;

namespace Chorus.Core.Tests.Encoding;

public sealed class VarIntTests
{
    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(127UL, 1)]
    [InlineData(128UL, 2)]
    [InlineData(1UL << 63, 10)]
    [InlineData(ulong.MaxValue, 10)]
    public void Values_round_trip_in_their_shortest_form(ulong value, int length)
    {
        var bytes = new byte[ByteWriter.VarIntLengthMax];
        Assert.Equal(length, VarInt.Write(bytes, value));
        Assert.Equal(length, VarInt.Length(value));
        Assert.True(VarInt.TryRead(bytes, out var read, out var consumed));
        Assert.Equal((value, length), (read, consumed));
    }

    /// A hostile peer's bytes decode to one value only: no overlong forms, no bits past 64.
    [Theory]
    [InlineData(new byte[] { 0x80, 0x00 })]
    [InlineData(new byte[] { 0xFF, 0x80, 0x00 })]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F })]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(new byte[] { 0x80 })]
    public void Overlong_overflowing_and_truncated_varints_are_refused(byte[] bytes) =>
        Assert.False(VarInt.TryRead(bytes, out _, out _));
}
