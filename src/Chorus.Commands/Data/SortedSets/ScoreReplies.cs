using Chorus.Resp;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// Members with scores in Redis 7.0's reply shapes: RESP2 a flat array (member, score, ...), RESP3
/// an array of [member, score] pairs with scores as doubles.
/// </summary>
internal static class ScoreReplies
{
    public static void Write(RespWriter reply, IReadOnlyList<ScoredMember> members, bool withScores)
    {
        if (!withScores)
        {
            reply.WriteArrayHeader(members.Count);
            foreach (var member in members)
            {
                reply.WriteBulkString(member.Member);
            }
            return;
        }
        var nested = reply.Protocol == RespProtocol.Resp3;
        reply.WriteArrayHeader(nested ? members.Count : members.Count * 2);
        foreach (var member in members)
        {
            if (nested)
            {
                reply.WriteArrayHeader(2);
            }
            reply.WriteBulkString(member.Member);
            ScoreText.Write(reply, member.Score);
        }
    }

    /// <summary>Pairs that are always nested (ZMPOP's elements), scores as doubles in RESP3.</summary>
    public static void WriteNested(RespWriter reply, IReadOnlyList<ScoredMember> members)
    {
        reply.WriteArrayHeader(members.Count);
        foreach (var member in members)
        {
            reply.WriteArrayHeader(2);
            reply.WriteBulkString(member.Member);
            ScoreText.Write(reply, member.Score);
        }
    }
}
