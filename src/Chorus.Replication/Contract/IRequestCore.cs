using Chorus.Core.Requests;

namespace Chorus.Replication;

/// <summary>
/// A core that serves client requests itself (leaderless): reads that consult other replicas and
/// writes acknowledged by a quorum, each answered as soon as its own quorum replies — out of
/// order. Its completions name exactly one proposal (<see cref="ProposalCompletion.Of"/>) and
/// carry an <see cref="Answered"/> outcome with the result, or a failure.
/// </summary>
public interface IRequestCore
{
    /// <summary>Starts serving <paramref name="request"/>; whatever it needs (storage, messages) is in the next Ready.</summary>
    ProposalId Submit(ClientRequest request);
}

/// <summary>
/// A core that reads and writes key versions and node-local records through the shell (the
/// <see cref="Ready.KeyReads"/>, <see cref="Ready.RangeReads"/>, <see cref="Ready.LocalReads"/>
/// and <see cref="Ready.LocalWrites"/> effects). The shell hands results back here, synchronously,
/// after the Ready's log operations and local writes are stored, so a read always sees every
/// write the core asked for before it; range reads are handed back before key reads, so a scan
/// never misses a change decided in a key read of the same Ready (it is stored in the next one).
/// </summary>
public interface IKeyStoreCore
{
    /// <summary>The stored versions of each requested key, in request order (null: no versioned record).</summary>
    void OnKeysRead(KeyReadRequest request, IReadOnlyList<StoredKeyVersions?> found);

    /// <summary>Versioned records in a hash range, in storage order; <paramref name="complete"/>: the range has no more.</summary>
    void OnRangeRead(RangeReadRequest request, IReadOnlyList<StoredKeyVersions> records, bool complete);

    /// <summary>Node-local records under a prefix, in key order.</summary>
    void OnLocalRead(LocalReadRequest request, IReadOnlyList<LocalRecord> records);
}

/// <summary>Read the versioned records of <paramref name="Keys"/>.</summary>
public sealed record KeyReadRequest(long Id, IReadOnlyList<byte[]> Keys);

/// <summary>
/// Read versioned records whose key hash lies in [<paramref name="HashStart"/>,
/// <paramref name="HashEnd"/>), in storage order, after the stored key <paramref name="After"/>
/// (null: from the start), at most <paramref name="RecordsMax"/> records or about
/// <paramref name="BytesMax"/> bytes (at least one record if any).
/// </summary>
public sealed record RangeReadRequest(long Id, ulong HashStart, ulong HashEnd, byte[]? After, int RecordsMax, long BytesMax);

/// <summary>A key's stored versions: its record's version block and body, and where it sits in storage order.</summary>
public sealed record StoredKeyVersions(byte[] Key, byte[] Block, byte[] Body)
{
    /// <summary>The storage key (hash prefix, then the key): range reads resume after it.</summary>
    public byte[]? StorageKey { get; init; }
}

/// <summary>Read node-local records whose key starts with <paramref name="Prefix"/>, after <paramref name="After"/> (null: from the first), at most <paramref name="RecordsMax"/>.</summary>
public sealed record LocalReadRequest(long Id, byte[] Prefix, byte[]? After, int RecordsMax);

/// <summary>A node-local record (the local column: never replicated, never in the log).</summary>
public sealed record LocalRecord(byte[] Key, byte[] Value);

/// <summary>Store (or, with a null <paramref name="Value"/>, delete) a node-local record.</summary>
public sealed record LocalWrite(byte[] Key, byte[]? Value);

/// <summary>A family's own part of the published status (leaderless: ring, hints, repairs).</summary>
public abstract record FamilyStatus;
