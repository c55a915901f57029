using Chorus.Storage.CrashWriter;
using Chorus.Storage.RocksDb;

// Usage: Chorus.Storage.CrashWriter <directory> <always|no>
// Writes apply batches forever, continuing after the applied LSN found in <directory>. Prints
// "opened <lsn>" once, then "committed <lsn>" after every Write that returned. Exits when its
// standard input closes, so a test that dies without killing it does not leave it filling the disk.
if (args.Length != 2 || args[1] is not ("always" or "no"))
{
    Console.Error.WriteLine("usage: Chorus.Storage.CrashWriter <directory> <always|no>");
    return 2;
}
var sync = args[1] == "always";
using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
using var engine = RocksDbStorageEngine.Open(args[0], RocksDbStorageOptions.Default);
new Thread(ExitWhenInputCloses) { IsBackground = true }.Start();

var lsn = ApplyBatchModel.ReadAppliedLsn(engine);
output.WriteLine($"opened {lsn}");
using var batch = engine.NewBatch();
while (true)
{
    lsn++;
    batch.Clear();
    ApplyBatchModel.Fill(batch, lsn);
    engine.Write(batch, sync);
    output.WriteLine($"committed {lsn}");
}

static void ExitWhenInputCloses()
{
    Console.In.ReadToEnd();
    Environment.Exit(3);
}
