using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// Makes room for maxclients connections, as Redis does at start-up: raises the process's soft
/// limit on open files (RLIMIT_NOFILE) toward what maxclients needs, up to the hard limit, and
/// if even that is too low, lowers the effective maxclients with a warning. Without it a node ran
/// out of descriptors at ~19,850 connections and died (issue 17, finding 3).
/// </summary>
internal static partial class OpenFilesLimit
{
    /// <summary>Descriptors kept for everything but clients: RocksDB's files, peers, HTTP, rollback files.</summary>
    public const int ReservedDescriptors = 1000;

    private const int RlimitNofile = 7;

    /// <summary>The most clients this process can serve, after raising its limit as far as it may.</summary>
    public static int Prepare(int maxClients, ILogger logger)
    {
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNofile, out var limit) != 0)
        {
            return maxClients;
        }
        var wanted = (ulong)maxClients + ReservedDescriptors;
        if (limit.Current < wanted)
        {
            var raised = limit with { Current = Math.Min(wanted, limit.Maximum) };
            if (setrlimit(RlimitNofile, in raised) == 0)
            {
                limit = raised;
            }
            else
            {
                logger.LogWarning("could not raise the open files limit to {Wanted}: error {Error}", Math.Min(wanted, limit.Maximum), Marshal.GetLastPInvokeError());
            }
        }
        if (limit.Current >= wanted)
        {
            return maxClients;
        }
        var possible = (int)Math.Max(1, (long)limit.Current - ReservedDescriptors);
        logger.LogWarning(
            "You requested maxclients of {MaxClients} requiring at least {Wanted} max file descriptors, but the limit is {Limit}: maxclients has been reduced to {Possible} to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
            maxClients, wanted, limit.Current, possible);
        return possible;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Rlimit(ulong Current, ulong Maximum);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out Rlimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in Rlimit limit);
}
