using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Storage;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// Observes, without changing anything, the log entries a node writes, and records the ones it
/// created in the <see cref="AuthoredLog"/>: the simulator's oracle for the prefix property.
/// </summary>
internal sealed class LogTap(IStorageEngine inner, NodeId node, AuthoredLog authored) : StorageDecorator(inner)
{
    public override IStorageBatch NewBatch() => new TapBatch(Inner.NewBatch());

    public override void Write(IStorageBatch batch, bool sync)
    {
        var tap = (TapBatch)batch;
        Inner.Write(tap.Inner, sync);
        foreach (var encoded in tap.LogPuts)
        {
            authored.Record(node, LogEntryCodec.Decode(encoded));
        }
    }

    private sealed class TapBatch(IStorageBatch inner) : IStorageBatch
    {
        public IStorageBatch Inner { get; } = inner;

        public List<byte[]> LogPuts { get; } = [];

        public int Count => Inner.Count;

        public void Put(StorageColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            Inner.Put(column, key, value);
            if (column == StorageColumn.Log)
            {
                LogPuts.Add(value.ToArray());
            }
        }

        public void Delete(StorageColumn column, ReadOnlySpan<byte> key) => Inner.Delete(column, key);

        public void DeleteRange(StorageColumn column, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive) =>
            Inner.DeleteRange(column, fromInclusive, toExclusive);

        public void Clear()
        {
            Inner.Clear();
            LogPuts.Clear();
        }

        public void Dispose() => Inner.Dispose();
    }
}
