using Chorus.Commands.Execution;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication;
using Chorus.Resp;

namespace Chorus.Node;

/// <summary>
/// Turns a client write the executor ran into a proposal in the log format in force (DESIGN
/// §4.5): the statement, its row changes, or the storage bytes it wrote (physical). Also switches
/// the cluster's format (CONFIG SET log-format) with a marker entry, so every node switches at the
/// same log position.
/// </summary>
internal sealed class WriteProposer
{
    private readonly IReplicationCore _core;
    private readonly LogWriter _log;
    private readonly WriteExecutor _executor;
    private readonly KeyWatches _watches;
    private readonly LogFormatSetting _startFormat;
    private readonly uint _storageFormatVersion;
    private readonly Action _storeStaged;
    private volatile LogFormatSetting _current;

    /// <param name="startFormat">The format this node was started with; its first write as leader records it.</param>
    /// <param name="storeStaged">Carries out everything the core has decided (a physical entry must be stored before the next write executes).</param>
    public WriteProposer(IReplicationCore core, LogWriter log, WriteExecutor executor, KeyWatches watches, LogFormatSetting startFormat, uint storageFormatVersion, Action storeStaged)
    {
        _core = core;
        _log = log;
        _executor = executor;
        _watches = watches;
        _startFormat = startFormat;
        _storageFormatVersion = storageFormatVersion;
        _storeStaged = storeStaged;
        _current = log.Formats.Current ?? startFormat;
    }

    /// <summary>
    /// The log format in force: the newest marker in the log, else the one this node was started
    /// with (which its first write as leader records). Readable from any thread.
    /// </summary>
    public LogFormatSetting Current => _current;

    /// <summary>Catches up with markers the log gained (a follower applies them).</summary>
    public void Refresh() => _current = _log.Formats.Current ?? _startFormat;

    /// <summary>Proposes a marker switching to <paramref name="setting"/>; false when this node takes no writes now.</summary>
    public bool Change(LogFormatSetting setting)
    {
        if (_core.Admission.Kind != AdmissionKind.Accept)
        {
            return false;
        }
        ProposeLogFormat(setting);
        return true;
    }

    /// <summary>
    /// Before a write executes in the physical format: a physical entry captures everything staged,
    /// so what earlier proposals (the leader's expiry deletions, say) staged must be stored first,
    /// or it would travel twice.
    /// </summary>
    public void StoreStagedIfPhysical()
    {
        if ((_log.Formats.Current ?? _startFormat).Format == LogFormat.Physical && _core.HasReady)
        {
            _storeStaged();
        }
    }

    /// <summary>
    /// Proposes a client write's row changes, in the log format in force when it is one
    /// <paramref name="command"/>. A transaction (no single command) is logged as its row changes
    /// in every format: one entry, applied atomically, with nothing to re-execute.
    /// </summary>
    public void Propose(byte[]? payload, ClientWriteBatch batch, RespCommand? command, long nowMs)
    {
        if (_executor.Touched.Count > 0)
        {
            _watches.TouchKeys(_executor.WatchTouched);
            _executor.ClearTouched();
        }
        if (payload is null)
        {
            return;
        }
        // A later EXEC in this round must see the change before it reaches storage.
        _watches.Touch(PayloadKind.Logical, payload, _executor.Keyspace.Exists);
        var format = WriteFormat();
        if (format.Format == LogFormat.Physical)
        {
            ProposePhysical(batch);
            return;
        }
        var (kind, entry) = command is { } single ? EntryFormatter.ForClientWrite(format, single, batch.Db, nowMs, payload, _executor.Context) : (PayloadKind.Logical, payload);
        batch.LastWrittenLsn = _core.Propose(kind, entry).Lsn;
        batch.WrittenEpoch = _core.LastProposedEpoch;
        if (batch.FirstWrittenLsn == Lsn.Zero)
        {
            batch.FirstWrittenLsn = batch.LastWrittenLsn;
        }
        if (kind == PayloadKind.Statement)
        {
            _log.RememberUndo(batch.LastWrittenLsn, payload);
        }
    }

    private void ProposeLogFormat(LogFormatSetting setting)
    {
        var lsn = _core.Propose(PayloadKind.LogFormat, setting.Encode()).Lsn;
        _log.Formats.Observe(lsn, setting);
        _current = setting;
    }

    /// <summary>The format for a client write; a cluster started in a format other than logical records it first.</summary>
    private LogFormatSetting WriteFormat()
    {
        if (_log.Formats.Current is { } current)
        {
            return current;
        }
        if (_startFormat != LogFormatSetting.Default)
        {
            ProposeLogFormat(_startFormat);
        }
        return _startFormat;
    }

    /// <summary>
    /// Proposes a client write as a physical entry: the storage writes its staged changes make,
    /// byte for byte. Everything staged before the write was stored already (each physical write
    /// is stored before the next executes), so the capture holds this write's changes only; it
    /// empties the staged keyspace, so the entry is stored at once, before anything reads again.
    /// </summary>
    private void ProposePhysical(ClientWriteBatch batch)
    {
        var lsn = _core.LastProposed.Lsn.Next;
        var entry = Commands.Physical.PhysicalApplier.Capture(_executor.Keyspace, lsn, _storageFormatVersion);
        var proposal = _core.Propose(PayloadKind.Physical, Commands.Physical.PhysicalPayload.Encode(entry));
        Invariant.That(proposal.Lsn == lsn, $"a physical entry captured for LSN {lsn} was proposed at {proposal.Lsn}");
        batch.LastWrittenLsn = proposal.Lsn;
        batch.FirstWrittenLsn = batch.FirstWrittenLsn == Lsn.Zero ? proposal.Lsn : batch.FirstWrittenLsn;
        batch.WrittenEpoch = _core.LastProposedEpoch;
        _storeStaged();
    }
}
