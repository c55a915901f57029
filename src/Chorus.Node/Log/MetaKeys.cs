using System.Text;

namespace Chorus.Node;

/// <summary>Keys of the meta column family.</summary>
internal static class MetaKeys
{
    public static readonly byte[] NodeId = Encoding.ASCII.GetBytes("node-id");
    public static readonly byte[] Epoch = Encoding.ASCII.GetBytes("epoch");
    public static readonly byte[] VotedFor = Encoding.ASCII.GetBytes("voted-for");
    public static readonly byte[] Applied = Encoding.ASCII.GetBytes("applied");
    public static readonly byte[] EpochHistory = Encoding.ASCII.GetBytes("epoch-history");
    public static readonly byte[] ClusterSettings = Encoding.ASCII.GetBytes("cluster-settings");

    /// <summary>Discarded entries waiting for their rollback file (see <see cref="PendingRollbacks"/>).</summary>
    public static readonly byte[] PendingRollbackPrefix = Encoding.ASCII.GetBytes("rollback-pending/");
}
