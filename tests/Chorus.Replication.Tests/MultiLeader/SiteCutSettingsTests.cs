using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.Tests.MultiLeader;

/// <summary>
/// The links a site's operator cut (CHORUS.LINK CUT) live in the site's replicated settings, so
/// every node of the site — and the next site leader — has them. They are optional at the end of
/// the record: settings written before (with or without site settings) still decode.
/// </summary>
public sealed class SiteCutSettingsTests
{
    private static readonly ClusterSettings Plain = new([new Member(new NodeId("s1n1"), "h:1", "h:2", MemberRole.Voter)], AckPolicy.Default);

    [Fact]
    public void Cut_links_round_trip_with_and_without_site_settings()
    {
        var cutOnly = Plain with { CutLinks = [new NodeId("s2"), new NodeId("s3")] };
        var decoded = ClusterSettings.Decode(cutOnly.Encode());
        Assert.Equal([new NodeId("s2"), new NodeId("s3")], decoded.CutLinks);
        Assert.Null(decoded.SiteSettings);

        var both = cutOnly with { SiteSettings = SiteSettings.Default.Failing(new NodeId("s3")).Encode() };
        decoded = ClusterSettings.Decode(both.Encode());
        Assert.Equal([new NodeId("s2"), new NodeId("s3")], decoded.CutLinks);
        Assert.True(SiteSettings.Decode(decoded.SiteSettings).IsFailed(new NodeId("s3")));
    }

    [Fact]
    public void Settings_written_before_cut_links_existed_decode_with_none()
    {
        Assert.Empty(ClusterSettings.Decode(Plain.Encode()).CutLinks);
        var site = SiteSettings.Default.Encode();
        var withSite = Plain with { SiteSettings = site };
        Assert.Equal([.. Plain.Encode(), (byte)site.Length, .. site], withSite.Encode()); // no cuts: the format is unchanged
        var decoded = ClusterSettings.Decode(withSite.Encode());
        Assert.Empty(decoded.CutLinks);
        Assert.NotNull(decoded.SiteSettings);
    }
}
