namespace Chorus.Core.Sites;

/// <summary>
/// What a multi-leader site leader gives the data layer for one local write: its site, the
/// write's HLC timestamp (unique at the site, and later than every change the site has seen), and
/// the shared settings in force (which policy each key follows).
/// </summary>
public sealed record WriteStamp(NodeId Site, HlcTimestamp Timestamp, SiteSettings Settings);
