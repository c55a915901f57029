using Chorus.Resp.Fuzz;

// AFL++ runs this process once and feeds it inputs through SharpFuzz; any exception is a crash.
// With a file argument it runs the target on that file once (to reproduce a crash by hand).
if (args.Length == 1)
{
    RequestParserTarget.Run(File.ReadAllBytes(args[0]));
    Console.WriteLine("ok");
    return;
}
SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    RequestParserTarget.Run(memory.ToArray());
});
