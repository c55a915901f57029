namespace Chorus.Resp;

/// <summary>
/// How far a multibulk request still arriving has been validated. The parser keeps it in the
/// connection's <see cref="RequestBatch"/> so each read resumes where the last one stopped:
/// without it a 512 MiB value arriving in 4 KiB reads, or a million small arguments, would be
/// rescanned from the start on every read.
/// </summary>
/// <remarks>
/// It is keyed on the request's start position. The pipe loop hands the same unconsumed bytes
/// back at the same position, so a match means the prefix already validated is still there.
/// </remarks>
internal struct MultibulkScan
{
    private object? _startObject;
    private int _startInteger;
    private bool _isActive;

    /// <summary>Bytes of the request validated so far: the header and whole arguments.</summary>
    public long ValidatedBytes;

    public int ArgumentCount;

    public int ArgumentsLeft;

    /// <summary>Sum of the argument lengths validated so far.</summary>
    public long DataBytes;

    /// <summary>The request cannot complete before this many bytes from its start are available.</summary>
    public long BytesNeeded;

    public readonly bool IsResumableAt(SequencePosition start) =>
        _isActive && ReferenceEquals(_startObject, start.GetObject()) && _startInteger == start.GetInteger();

    public void Suspend(SequencePosition start, long bytesNeeded)
    {
        _startObject = start.GetObject();
        _startInteger = start.GetInteger();
        _isActive = true;
        BytesNeeded = bytesNeeded;
    }
}
