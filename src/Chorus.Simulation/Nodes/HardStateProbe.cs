using System.Text;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Storage;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// Reads the epoch a node has persisted in its meta column ("epoch", written with "voted-for"
/// before any message that depends on it leaves). Reading the disk rather than the driver's
/// published status gives the current value after every input, and it is what the node resumes
/// with after a power loss — so an epoch that goes backwards across a crash shows up here.
/// </summary>
internal static class HardStateProbe
{
    private static readonly byte[] EpochKey = Encoding.ASCII.GetBytes("epoch");

    public static Epoch Epoch(IStorageEngine storage)
    {
        var bytes = storage.Get(StorageColumn.Meta, EpochKey);
        return bytes is not null && VarInt.TryRead(bytes, out var value, out _) ? new Epoch(value) : Core.Epoch.Zero;
    }
}
