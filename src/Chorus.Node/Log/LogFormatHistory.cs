using System.Buffers;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>
/// The log-format markers this node's log holds, newest last, so the format in force at any
/// position is known from the log itself — after a restart, a snapshot (the list travels in the
/// checkpoint's meta), or a rollback that discards the newest marker (the one before it wins
/// again, even if the log prefix holding it was retired). Markers are rare; at most
/// <see cref="MarkersMax"/> are kept.
/// <code>value := varint count | (varint LSN | len+marker payload)*</code>
/// </summary>
internal sealed class LogFormatHistory
{
    private const int MarkersMax = 64;

    private readonly List<(Lsn Lsn, LogFormatSetting Setting)> _markers;

    private LogFormatHistory(List<(Lsn, LogFormatSetting)> markers) => _markers = markers;

    /// <summary>The setting of the newest marker, or null if the log never held one.</summary>
    public LogFormatSetting? Current => _markers.Count == 0 ? null : _markers[^1].Setting;

    public static LogFormatHistory Load(IStorageEngine storage)
    {
        var markers = new List<(Lsn, LogFormatSetting)>();
        if (storage.Get(StorageColumn.Meta, MetaKeys.LogFormats) is { } stored)
        {
            var reader = new ByteReader(stored);
            var count = reader.ReadLength(MarkersMax);
            for (var i = 0; i < count; i++)
            {
                markers.Add((new Lsn(reader.ReadVarUInt()), LogFormatSetting.Decode(reader.ReadLengthPrefixed())));
            }
        }
        return new LogFormatHistory(markers);
    }

    /// <summary>A marker entry at <paramref name="lsn"/> (appended, or proposed by this leader); idempotent.</summary>
    public void Observe(Lsn lsn, LogFormatSetting setting)
    {
        if (_markers.Count > 0 && _markers[^1].Lsn >= lsn)
        {
            return;
        }
        _markers.Add((lsn, setting));
        if (_markers.Count > MarkersMax)
        {
            _markers.RemoveAt(0);
        }
    }

    /// <summary>Whether <paramref name="entry"/> is a marker; if so it is observed and the list written to <paramref name="batch"/>.</summary>
    public void OnAppended(IStorageBatch batch, LogEntry entry)
    {
        if (entry.Kind != PayloadKind.LogFormat)
        {
            return;
        }
        Observe(entry.Lsn, LogFormatSetting.Decode(entry.Payload.Span));
        Write(batch);
    }

    /// <summary>Forgets markers after <paramref name="keepThrough"/> (a rollback discarded them).</summary>
    public void OnTruncated(IStorageBatch batch, Lsn keepThrough)
    {
        _markers.RemoveAll(m => m.Lsn > keepThrough);
        Write(batch);
    }

    private void Write(IStorageBatch batch)
    {
        var output = new ArrayBufferWriter<byte>(16 + 8 * _markers.Count);
        var writer = new ByteWriter(output);
        writer.WriteVarUInt((ulong)_markers.Count);
        foreach (var (lsn, setting) in _markers)
        {
            writer.WriteVarUInt(lsn.Value);
            writer.WriteLengthPrefixed(setting.Encode());
        }
        batch.Put(StorageColumn.Meta, MetaKeys.LogFormats, output.WrittenSpan);
    }
}
