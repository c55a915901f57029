namespace Chorus.Core.Encoding;

/// <summary>
/// Interns node ids within one encoded record: the ids are written once, sorted, at the start,
/// and every later mention is a varint index (one byte for up to 128 ids). An OR-set whose
/// members carry dots, or a hash whose fields each carry a version, then pays for "n1" once
/// rather than once per dot.
/// <para>
/// Writing: <see cref="Add"/> every id the record mentions, <see cref="Write"/> the table, then
/// <see cref="WriteReference"/>. Reading: <see cref="Read"/>, then <see cref="ReadReference"/>,
/// which refuses an index outside the table.
/// </para>
/// </summary>
public sealed class NodeIdTable
{
    /// <summary>More distinct writers than any cluster has; a larger count is corrupt input.</summary>
    public const int CountMax = 4096;

    private readonly List<NodeId> _ids = [];
    private readonly Dictionary<NodeId, int> _indexes = [];
    private bool _sealed;

    public int Count => _ids.Count;

    public NodeId this[int index] => _ids[index];

    public void Add(NodeId id)
    {
        Invariant.That(!_sealed, "ids are added before the table is written");
        if (_indexes.TryAdd(id, -1))
        {
            _ids.Add(id);
        }
    }

    /// <summary>Sorts the ids, fixes their indexes and writes <c>varint count | (len+ascii id)*</c>.</summary>
    public void Write(ByteWriter writer)
    {
        Seal();
        writer.WriteVarUInt((ulong)_ids.Count);
        Span<byte> ascii = stackalloc byte[NodeId.LengthMax];
        foreach (var id in _ids)
        {
            var length = System.Text.Encoding.ASCII.GetBytes(id.Value, ascii);
            writer.WriteLengthPrefixed(ascii[..length]);
        }
    }

    public void WriteReference(ByteWriter writer, NodeId id)
    {
        Invariant.That(_sealed, "the table is written before references to it");
        writer.WriteVarUInt((ulong)_indexes[id]);
    }

    /// <summary>Reads a table written by <see cref="Write"/>: sorted, distinct, valid ids.</summary>
    public static NodeIdTable Read(ref ByteReader reader)
    {
        var count = reader.ReadLength(CountMax);
        var table = new NodeIdTable();
        for (var i = 0; i < count; i++)
        {
            var id = ReadId(reader.ReadRaw(reader.ReadLength(NodeId.LengthMax)));
            if (i > 0 && Order(table._ids[i - 1], id) >= 0)
            {
                throw new CorruptDataException("node id table is not sorted and distinct");
            }
            table._ids.Add(id);
            table._indexes.Add(id, i);
        }
        table._sealed = true;
        return table;
    }

    public NodeId ReadReference(ref ByteReader reader)
    {
        var index = reader.ReadVarUInt();
        if (index >= (ulong)_ids.Count)
        {
            throw new CorruptDataException($"node id reference {index} is outside a table of {_ids.Count}");
        }
        return _ids[(int)index];
    }

    private void Seal()
    {
        if (_sealed)
        {
            return;
        }
        _ids.Sort(Order);
        for (var i = 0; i < _ids.Count; i++)
        {
            _indexes[_ids[i]] = i;
        }
        _sealed = true;
    }

    private static int Order(NodeId a, NodeId b) => string.CompareOrdinal(a.Value, b.Value);

    private static NodeId ReadId(ReadOnlySpan<byte> ascii)
    {
        foreach (var b in ascii)
        {
            if (b >= 0x80)
            {
                throw new CorruptDataException("node id is not ASCII");
            }
        }
        return NodeId.TryParse(System.Text.Encoding.ASCII.GetString(ascii), out var id)
            ? id
            : throw new CorruptDataException("node id is empty or holds characters node ids may not");
    }
}
