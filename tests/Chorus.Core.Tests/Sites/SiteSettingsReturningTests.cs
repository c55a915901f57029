using Chorus.Core.Sites;

namespace Chorus.Core.Tests.Sites;

/// <summary>
/// A failed site comes back in two steps: recovering puts it back on the routes (it is no longer
/// failed) while its homes stay at its successor (it is returning); returned gives them back.
/// The shared settings record carries the returning sites (format version 2) and still reads
/// version 1 records, written before there were any.
/// </summary>
public sealed class SiteSettingsReturningTests
{
    private static readonly NodeId S1 = new("s1");
    private static readonly NodeId S2 = new("s2");
    private static readonly NodeId S3 = new("s3");
    private static readonly IReadOnlyList<NodeId> Sites = [S1, S2, S3];

    [Fact]
    public void A_recovering_site_is_routed_to_again_but_its_homes_stay_at_its_successor_until_it_has_returned()
    {
        var failed = SiteSettings.Default.Failing(S1);
        Assert.True(failed.IsFailed(S1));
        Assert.Equal(S2, failed.HomeSuccessor(S1, Sites));

        var returning = failed.Recovering(S1);
        Assert.False(returning.IsFailed(S1));
        Assert.True(returning.IsReturning(S1));
        Assert.Equal(S2, returning.HomeSuccessor(S1, Sites));

        var back = returning.Returned(S1);
        Assert.False(back.IsReturning(S1));
        Assert.Equal(S1, back.HomeSuccessor(S1, Sites));

        Assert.True(returning.Failing(S1).IsFailed(S1) && !returning.Failing(S1).IsReturning(S1), "failing again ends the return");
        Assert.Same(back, back.Recovering(S1)); // recovering a site that is not failed changes nothing
    }

    [Fact]
    public void A_successor_skips_returning_sites_as_it_skips_failed_ones()
    {
        var settings = SiteSettings.Default.Failing(S3).Failing(S1).Recovering(S1);
        Assert.Equal(S2, settings.HomeSuccessor(S3, Sites)); // s3 → s1 (returning) → s2
        Assert.Equal(S1, settings.Returned(S1).HomeSuccessor(S3, Sites));
    }

    [Fact]
    public void Returning_sites_survive_encoding_and_a_version_1_record_still_decodes()
    {
        var returning = SiteSettings.Default.Failing(S1).Failing(S3).Recovering(S1).Stamped(new HlcTimestamp(42), S2);
        var decoded = SiteSettings.Decode(returning.Encode());
        Assert.Equal([S1], decoded.ReturningSites);
        Assert.Equal([S3], decoded.FailedSites);

        // Version 1 had no returning list: it ended with the failed sites, the time and the site.
        var v2 = SiteSettings.Default.Encode();
        var v1 = v2.Take(v2.Length - 10).Concat(v2.Skip(v2.Length - 9)).ToArray();
        v1[0] = 1;
        var old = SiteSettings.Decode(v1);
        Assert.Empty(old.ReturningSites);
        Assert.Equal(SiteSettings.Default.Topology, old.Topology);
    }
}
