using System.Buffers;
using System.Text;
using Chorus.Commands.Sites;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Core.Versions;
using Chorus.Resp;

namespace Chorus.Commands.Tests;

/// <summary>
/// Issue 11, siblings: "a read returns one value to plain clients with a flag" — how many
/// concurrent values a plain read of a site's key stands for, and the RESP3 attribute that says so.
/// </summary>
public sealed class SiblingsFlagTests
{
    private static readonly NodeId S1 = new("s1");

    private static SiteSibling Version(string site, long atMs, string? value, params (string Site, ulong Counter)[] clock) =>
        new(new SiteVersion(VersionVector.Of(clock), HlcTimestamp.From(atMs, 0), new NodeId(site)), value is null ? null : Records.String(Encoding.UTF8.GetBytes(value), 0));

    private static readonly byte[] TwoValues = SiteRecord.Encode(new SiteKeyState([Version("s1", 100, "milk", ("s1", 1)), Version("s2", 200, "eggs", ("s2", 1))]));

    [Fact]
    public void Concurrent_values_are_counted_under_siblings_and_custom_but_not_lww()
    {
        Assert.Equal(2, SiblingsFlag.Count(TwoValues, S1, ConflictPolicy.Siblings));
        Assert.Equal(2, SiblingsFlag.Count(TwoValues, S1, ConflictPolicy.Custom));
        Assert.Equal(0, SiblingsFlag.Count(TwoValues, S1, ConflictPolicy.Lww)); // resolved: the loser is in the conflict log
    }

    [Fact]
    public void A_deletion_beside_a_value_counts_one_value_alone_or_no_key_does_not()
    {
        var withDeletion = SiteRecord.Encode(new SiteKeyState([Version("s1", 100, "milk", ("s1", 1)), Version("s2", 50, null, ("s2", 1))]));
        Assert.Equal(2, SiblingsFlag.Count(withDeletion, S1, ConflictPolicy.Siblings)); // CHORUS.SIBLINGS lists both
        Assert.Equal(0, SiblingsFlag.Count(SiteRecord.Encode(new SiteKeyState([Version("s1", 100, "milk", ("s1", 1))])), S1, ConflictPolicy.Siblings));
        Assert.Equal(0, SiblingsFlag.Count(Records.String("plain"u8, 0), S1, ConflictPolicy.Siblings));
        Assert.Equal(0, SiblingsFlag.Count(null, S1, ConflictPolicy.Siblings));
        Assert.Equal(0, SiblingsFlag.Count(TwoValues, S1, ConflictPolicy.Siblings, field: "f"u8.ToArray())); // HGET of a string: WRONGTYPE, no flag
    }

    [Fact]
    public void The_flag_is_a_resp3_attribute_before_the_value_and_nothing_on_resp2()
    {
        Assert.Equal("|1\r\n+siblings\r\n:2\r\n", Written(RespProtocol.Resp3, 2));
        Assert.Equal("", Written(RespProtocol.Resp2, 2));
        Assert.Equal("", Written(RespProtocol.Resp3, 0));
    }

    private static string Written(RespProtocol protocol, int count)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SiblingsFlag.Write(new RespWriter(buffer, protocol), count);
        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }
}
