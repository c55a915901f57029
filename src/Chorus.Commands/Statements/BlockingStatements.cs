using Chorus.Commands.Logical;
using Chorus.Resp;

namespace Chorus.Commands.Statements;

/// <summary>
/// A blocking pop is logged as the pop it made, as Redis propagates it: BLPOP k1 k2 0 → LPOP k2
/// (the key that had an element), BZPOPMIN → ZPOPMIN, BLMOVE → LMOVE, BRPOPLPUSH → RPOPLPUSH,
/// BLMPOP/BZMPOP → LMPOP/ZMPOP without the timeout. A follower replaying it never waits.
/// </summary>
internal static class BlockingStatements
{
    public static byte[][]? Rewrite(string name, RespCommand command, Func<IReadOnlyList<RowChange>> changes) => name switch
    {
        "BLPOP" => [Word("LPOP"), PoppedKey(changes())],
        "BRPOP" => [Word("RPOP"), PoppedKey(changes())],
        "BZPOPMIN" => [Word("ZPOPMIN"), PoppedKey(changes())],
        "BZPOPMAX" => [Word("ZPOPMAX"), PoppedKey(changes())],
        "BLMOVE" => [Word("LMOVE"), .. Slice(command, 1, 5)],
        "BRPOPLPUSH" => [Word("RPOPLPUSH"), .. Slice(command, 1, 3)],
        "BLMPOP" => [Word("LMPOP"), .. Slice(command, 2, command.ArgumentCount)],
        "BZMPOP" => [Word("ZMPOP"), .. Slice(command, 2, command.ArgumentCount)],
        _ => null,
    };

    /// <summary>The one key a single-key pop changed (it is logged only when it popped something).</summary>
    private static byte[] PoppedKey(IReadOnlyList<RowChange> changes) => changes.OfType<KeyChange>().First().Key;

    private static IEnumerable<byte[]> Slice(RespCommand command, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            yield return command[i].ToArray();
        }
    }

    private static byte[] Word(string word) => System.Text.Encoding.ASCII.GetBytes(word);
}
