using Chorus.Simulation.Nodes;
using Chorus.Storage;

namespace Chorus.Simulation.Variants;

/// <summary>
/// BROKEN ON PURPOSE: a disk that says a synced write is durable when it is only in the volatile
/// cache (fsync that returns early, a controller cache without a battery). A leader on it
/// acknowledges writes before they are persisted; the operating system writes them back about
/// once a second, and a power loss in between loses acknowledged writes.
/// </summary>
internal sealed class LyingDisk(IStorageEngine inner) : StorageDecorator(inner), IWriteback
{
    public override void Write(IStorageBatch batch, bool sync) => Inner.Write(batch, sync: false);

    public override void Sync()
    {
        // Claims to fsync and does nothing.
    }

    public void Writeback() => Inner.Sync();
}
