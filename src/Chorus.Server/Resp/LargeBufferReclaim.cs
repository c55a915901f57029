namespace Chorus.Server.Resp;

/// <summary>
/// Gives memory back to the operating system after connections let go of large buffers. The
/// garbage collector frees them at its next full collection, which an idle node may not run for
/// a long time, so the memory stays with the process. Once at least <see cref="ThresholdBytes"/>
/// were released, this runs a full, compacting collection that returns free memory — at most
/// every <see cref="IntervalMs"/> (releases in between are collected when the interval ends).
/// </summary>
internal static class LargeBufferReclaim
{
    public const long ThresholdBytes = 64L << 20;
    private const int IntervalMs = 2_000;

    private static long _releasedBytes;
    private static int _scheduled;

    public static void Released(long bytes)
    {
        if (bytes > 0 && Interlocked.Add(ref _releasedBytes, bytes) >= ThresholdBytes)
        {
            Schedule();
        }
    }

    private static void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 1)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            Collect();
            await Task.Delay(IntervalMs);
            Interlocked.Exchange(ref _scheduled, 0);
            if (Interlocked.Read(ref _releasedBytes) >= ThresholdBytes)
            {
                Schedule();
            }
        });
    }

    private static void Collect()
    {
        Interlocked.Exchange(ref _releasedBytes, 0);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
