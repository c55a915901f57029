namespace Chorus.Server.Resp;

/// <summary>
/// Gives memory back to the operating system after a connection let go of large buffers. The
/// garbage collector frees them at its next full collection, which an idle node may not run for
/// a long time: the memory stays in the process. Once at least <see cref="ThresholdBytes"/> were
/// released, at most every <see cref="IntervalMs"/>, this runs a full, compacting collection that
/// returns free memory (a few milliseconds on a heap this size).
/// </summary>
internal static class LargeBufferReclaim
{
    public const long ThresholdBytes = 64L << 20;
    private const long IntervalMs = 5_000;

    private static long _releasedBytes;
    private static long _lastCollectedAtMs;

    public static void Released(long bytes)
    {
        if (bytes < QuerySpill.ThresholdBytes || Interlocked.Add(ref _releasedBytes, bytes) < ThresholdBytes)
        {
            return;
        }
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastCollectedAtMs);
        if (now - last < IntervalMs || Interlocked.CompareExchange(ref _lastCollectedAtMs, now, last) != last)
        {
            return;
        }
        Interlocked.Exchange(ref _releasedBytes, 0);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
