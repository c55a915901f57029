using Chorus.Resp.Fuzz;

namespace Chorus.Resp.Tests;

/// <summary>
/// The RESP parser's fuzz target (tests/Chorus.Resp.Fuzz: the whole input at once and in pieces
/// must agree, within the limits, without exceptions) over the fuzz corpus — the seeds and every
/// input the coverage-guided fuzzer (scripts/fuzz-resp.sh) ever crashed on — then a short,
/// seeded, mutation-based run over it. The long, coverage-guided run is not part of `dotnet test`.
/// </summary>
public sealed class FuzzCorpusTests(ITestOutputHelper output)
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "fuzz-corpus");

    public static TheoryData<string> Inputs() => [.. Directory.GetFiles(CorpusDirectory).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_corpus_input_parses_the_same_at_once_and_in_pieces(string name) =>
        RequestParserTarget.Run(File.ReadAllBytes(Path.Combine(CorpusDirectory, name)));

    [Fact]
    public void A_short_seeded_mutation_run_over_the_corpus_finds_nothing()
    {
        const int Seed = 17;
        const int Runs = 20_000;
        output.WriteLine($"seed {Seed}, {Runs} mutated inputs");
        var random = new Random(Seed);
        var corpus = Directory.GetFiles(CorpusDirectory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        for (var run = 0; run < Runs; run++)
        {
            var input = Mutate(corpus[random.Next(corpus.Length)], corpus[random.Next(corpus.Length)], random);
            try
            {
                RequestParserTarget.Run(input);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"run {run} (seed {Seed}) failed on {Convert.ToHexString(input)}", e);
            }
        }
    }

    /// <summary>AFL's havoc, in miniature: flip, set, insert, delete and splice bytes.</summary>
    private static byte[] Mutate(byte[] input, byte[] other, Random random)
    {
        var bytes = new List<byte>(input);
        var steps = 1 + random.Next(8);
        ReadOnlySpan<byte> interesting = "\r\n*$-019:+ \"'\\"u8;
        for (var step = 0; step < steps; step++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = interesting[random.Next(interesting.Length)];
                    break;
                case 2:
                    bytes.Insert(at, interesting[random.Next(interesting.Length)]);
                    break;
                case 3 when bytes.Count > 1:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(4)));
                    break;
                case 4:
                    var from = random.Next(other.Length);
                    bytes.InsertRange(at, other.Skip(from).Take(1 + random.Next(32)));
                    break;
                default:
                    if (bytes.Count > 0)
                    {
                        bytes[0] = (byte)random.Next(256);
                    }
                    break;
            }
        }
        return [.. bytes];
    }
}
