using System.Text;
using Chorus.Core;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>Which node a database belongs to (the meta column's node id).</summary>
public static class NodeIdentity
{
    /// <summary>
    /// A snapshot installed from another node carries that node's identity: it becomes this
    /// node's (everything else in it — the log, the epoch history, the data — is shared history).
    /// </summary>
    public static void ClaimForNode(IStorageEngine storage, NodeId self)
    {
        using var batch = storage.NewBatch();
        batch.Put(StorageColumn.Meta, MetaKeys.NodeId, Encoding.ASCII.GetBytes(self.Value));
        storage.Write(batch, sync: true);
    }
}
