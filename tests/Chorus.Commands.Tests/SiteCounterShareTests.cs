using System.Globalization;
using Chorus.Commands.Logical;
using Chorus.Commands.Sites;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Sites;

namespace Chorus.Commands.Tests;

/// <summary>
/// A counter at multi-leader sites is a PN-counter: each site keeps its own share, and a read
/// shows the sum. An increment is checked against the sum the site sees (Redis's overflow check)
/// and, here, against the site's own share too: another site's negative share can keep the sum low
/// while this site's share is near the 64-bit limit, and the share must not wrap round.
/// </summary>
public sealed class SiteCounterShareTests
{
    private static readonly byte[] Key = "visits"u8.ToArray();
    private static readonly NodeId S1 = new("s1"), S2 = new("s2");

    private static byte[] Number(long value) => Records.String(System.Text.Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)), 0);

    /// <summary>s1's share is long.MaxValue - 10, s2's is -100: the sum s1 sees is long.MaxValue - 110. Returns s1's stored record.</summary>
    private static (byte[] Record, SiteDocument Document) NearTheLimitAtS1()
    {
        var atS1 = SiteVersioner.Version(new WriteStamp(S1, HlcTimestamp.From(1, 0), SiteSettings.Default), null, Number(long.MaxValue - 10), [new PutChange(0, Key, Number(long.MaxValue - 10), null)], ConflictPolicy.Counter)!;
        var atS2 = SiteVersioner.Version(new WriteStamp(S2, HlcTimestamp.From(2, 0), SiteSettings.Default), null, Number(-100), [new PutChange(0, Key, Number(-100), null)], ConflictPolicy.Counter)!;
        var merged = SiteResolver.Merge(atS1.After, atS2.Delta, ConflictPolicy.Counter).Merged;
        Assert.Equal(long.MaxValue - 110, merged.CounterValue());
        return (Records.String(System.Text.Encoding.ASCII.GetBytes((long.MaxValue - 110).ToString(CultureInfo.InvariantCulture)), 0, SiteDocumentCodec.EncodeForRecord(merged)), merged);
    }

    [Fact]
    public void An_increment_that_would_wrap_the_sites_own_share_is_refused_although_the_sum_it_sees_has_room()
    {
        var (record, _) = NearTheLimitAtS1();
        // INCRBY 50: the sum would be long.MaxValue - 60 (fine), but s1's share long.MaxValue + 40.
        Assert.True(SiteVersioner.CounterShareOverflows(S1, record, Number(long.MaxValue - 60)));
        // INCRBY 10 fits both.
        Assert.False(SiteVersioner.CounterShareOverflows(S1, record, Number(long.MaxValue - 100)));
        // At s2, whose share is -100, the same increment is fine.
        Assert.False(SiteVersioner.CounterShareOverflows(S2, record, Number(long.MaxValue - 60)));

        // The site refuses the command before anything is staged, in Redis's words.
        using var batch = new Resp.RequestBatch();
        batch.Add("INCRBY", "visits", "50");
        var change = new PutChange(0, Key, Number(long.MaxValue - 60), record);
        Assert.Equal("ERR increment or decrement would overflow", SiteRefusals.Of(batch[0], change, record, ConflictPolicy.Counter, S1));
        Assert.Null(SiteRefusals.Of(batch[0], change, record, ConflictPolicy.Counter, S2));
    }

    [Fact]
    public void An_increment_that_fits_keeps_the_shares_exact()
    {
        var (record, document) = NearTheLimitAtS1();
        var after = Number(long.MaxValue - 100);
        var versioned = SiteVersioner.Version(new WriteStamp(S1, HlcTimestamp.From(3, 0), SiteSettings.Default), record, after, [new PutChange(0, Key, after, record)], ConflictPolicy.Counter)!;
        Assert.Equal(long.MaxValue, SiteDocument.Contribution(versioned.After.Get(SitePart.Counter, "s1"u8.ToArray())));
        Assert.Equal(long.MaxValue - 100, versioned.After.CounterValue());
        Assert.Equal(long.MaxValue - 110, document.CounterValue());
    }
}
