using System.Runtime.InteropServices;

namespace Chorus.Cli.Lab;

/// <summary>The lab's real faults, as signals to a node's process: kill -9, SIGSTOP and SIGCONT.</summary>
internal static partial class ProcessSignals
{
    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>kill -9: no chance to flush, close or say goodbye.</summary>
    public static void Kill(int pid) => _ = Send(pid, SigKill);

    /// <summary>
    /// SIGSTOP, returning once every thread of the process is stopped: kill(2) returns when the
    /// signal is queued, and a thread running on another core can still answer a peer a moment
    /// later (as the tests' NodeProcess.Pause found).
    /// </summary>
    public static void Stop(int pid, TimeSpan patience)
    {
        _ = Send(pid, SigStop);
        var deadline = DateTime.UtcNow + patience;
        while (!AllThreadsStopped(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"process {pid} did not stop within {patience.TotalSeconds:0} s of SIGSTOP");
            }
            Thread.Yield();
        }
    }

    public static void Continue(int pid) => _ = Send(pid, SigCont);

    private static bool AllThreadsStopped(int pid)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread exited between the listing and the read
            }
            // The state follows the command name, which is in parentheses and may hold spaces.
            if (stat[(stat.LastIndexOf(')') + 2)..][0] != 'T')
            {
                return false;
            }
        }
        return true;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Send(int pid, int signal);
}
