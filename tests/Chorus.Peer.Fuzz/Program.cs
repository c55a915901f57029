using Chorus.Peer.Fuzz;

// AFL++ runs this process once and feeds it inputs through SharpFuzz; any exception is a crash.
// With a file argument it runs the target on that file once (to reproduce a crash by hand);
// with --write-seeds DIR it writes the seed corpus (valid encodings of every message kind).
if (args is ["--write-seeds", var directory])
{
    PeerCodecSeeds.Write(directory);
    return;
}
if (args.Length == 1)
{
    PeerCodecTarget.Run(File.ReadAllBytes(args[0]));
    Console.WriteLine("ok");
    return;
}
SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    PeerCodecTarget.Run(memory.ToArray());
});
