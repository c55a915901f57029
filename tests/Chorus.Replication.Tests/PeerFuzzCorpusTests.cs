using Chorus.Peer.Fuzz;
using Chorus.Testing;

namespace Chorus.Replication.Tests;

/// <summary>
/// Issue 17, "Fuzzing": the peer codecs' fuzz target (tests/Chorus.Peer.Fuzz: bytes from a peer
/// decode or are refused with CorruptDataException, and what decodes round-trips canonically)
/// over its corpus — the seeds and every input the coverage-guided fuzzer (scripts/fuzz-peer.sh)
/// crashed on — then a short, seeded, mutation-based run. The long run is not part of `dotnet test`.
/// </summary>
public sealed class PeerFuzzCorpusTests(ITestOutputHelper output)
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "peer-fuzz-corpus");

    public static TheoryData<string> Inputs() => [.. Directory.GetFiles(CorpusDirectory).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_corpus_input_decodes_canonically_or_is_refused(string name) =>
        PeerCodecTarget.Run(File.ReadAllBytes(Path.Combine(CorpusDirectory, name)));

    /// <summary>The committed seeds are what the seed writer makes today: a codec change shows up here, and the corpus is regenerated on purpose.</summary>
    [Fact]
    public void The_seed_corpus_matches_the_current_encodings()
    {
        foreach (var (name, input) in PeerCodecSeeds.All())
        {
            Assert.Equal(Convert.ToHexString(input), Convert.ToHexString(File.ReadAllBytes(Path.Combine(CorpusDirectory, name + ".bin"))));
        }
    }

    [Fact]
    public void A_short_seeded_mutation_run_over_the_corpus_finds_nothing()
    {
        const int Seed = 17;
        const int Runs = 50_000;
        output.WriteLine($"seed {Seed}, {Runs} mutated inputs");
        var random = new Random(Seed);
        var corpus = Directory.GetFiles(CorpusDirectory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        // Type tags, flags, the varint continuation bit, the largest epoch's bytes, version bytes.
        ReadOnlySpan<byte> interesting = [0x00, 0x01, 0x02, 0x03, 0x07, 0x08, 0x7F, 0x80, 0xFF, 0xFE];
        for (var run = 0; run < Runs; run++)
        {
            var input = Havoc.Mutate(corpus[random.Next(corpus.Length)], corpus[random.Next(corpus.Length)], interesting, random);
            try
            {
                PeerCodecTarget.Run(input);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"run {run} (seed {Seed}) failed on {Convert.ToHexString(input)}", e);
            }
        }
    }
}
