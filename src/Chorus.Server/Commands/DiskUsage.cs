namespace Chorus.Server.Commands;

/// <summary>
/// What the storage engine's directory takes on disk, for INFO persistence: everything, and the
/// storage engine's own write-ahead log files (*.log), which RocksDB keeps until every column
/// family with data in them has been flushed — the part of the footprint that is neither data nor
/// the replication log.
/// </summary>
internal readonly record struct DiskUsage(long TotalBytes, long WriteAheadLogBytes)
{
    public static DiskUsage Of(string directory)
    {
        long total = 0, wal = 0;
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles())
            {
                long length;
                try
                {
                    length = file.Length;
                }
                catch (FileNotFoundException)
                {
                    continue; // deleted by a flush or compaction while listing
                }
                total += length;
                if (file.Extension == ".log")
                {
                    wal += length;
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // an in-memory engine (tests) has no directory
        }
        return new DiskUsage(total, wal);
    }
}
