using System.Buffers.Binary;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// A cursor over a sorted set's (score, member) index entries (<c>0x01 | sortable score | member</c>,
/// docs/storage-layout.md), in Redis's order: by score, then by member bytes. Ranges by score and by
/// lex seek straight to their start; ranks are counted by walking from an end.
/// </summary>
internal sealed class ScoreIndex(IElementCursor cursor) : IDisposable
{
    private static readonly byte[] First = [ElementKey.MemberByScore];
    private static readonly byte[] PastLast = [ElementKey.MemberByScore + 1];

    public static ScoreIndex Open(IKeyspaceView view, ulong collectionId) => new(view.OpenElements(collectionId));

    public bool Valid => cursor.Valid && cursor.SubKey[0] == ElementKey.MemberByScore;

    public double Score => SortableScore.Read(cursor.SubKey[1..]);

    public ReadOnlySpan<byte> Member => cursor.SubKey[(1 + SortableScore.Length)..];

    public ScoredMember Current => new(Member.ToArray(), Score);

    public void SeekFirst() => cursor.Seek(First);

    public void SeekLast() => SeekBefore(PastLast);

    /// <summary>The first entry whose score is at least <paramref name="score"/>.</summary>
    public void SeekScore(double score) => cursor.Seek(Target(score, []));

    /// <summary>The last entry whose score is at most <paramref name="score"/>.</summary>
    public void SeekScoreForPrev(double score)
    {
        var sortable = SortableScore.Encode(score);
        if (sortable == ulong.MaxValue)
        {
            SeekLast();
            return;
        }
        var target = new byte[1 + SortableScore.Length];
        target[0] = ElementKey.MemberByScore;
        BinaryPrimitives.WriteUInt64BigEndian(target.AsSpan(1), sortable + 1);
        SeekBefore(target);
    }

    /// <summary>The first entry at or after (<paramref name="score"/>, <paramref name="member"/>).</summary>
    public void Seek(double score, ReadOnlySpan<byte> member) => cursor.Seek(Target(score, member));

    /// <summary>The last entry at or before (<paramref name="score"/>, <paramref name="member"/>).</summary>
    public void SeekForPrev(double score, ReadOnlySpan<byte> member) => cursor.SeekForPrev(Target(score, member));

    public void Next() => cursor.Next();

    public void Prev() => cursor.Prev();

    public void Dispose() => cursor.Dispose();

    /// <summary>The last entry strictly before <paramref name="target"/> (a member may be empty, so a key can equal it).</summary>
    private void SeekBefore(byte[] target)
    {
        cursor.SeekForPrev(target);
        if (cursor.Valid && cursor.SubKey.SequenceEqual(target))
        {
            cursor.Prev();
        }
    }

    private static byte[] Target(double score, ReadOnlySpan<byte> member)
    {
        var target = new byte[1 + SortableScore.Length + member.Length];
        target[0] = ElementKey.MemberByScore;
        SortableScore.Write(target.AsSpan(1), score);
        member.CopyTo(target.AsSpan(1 + SortableScore.Length));
        return target;
    }
}

/// <summary>A sorted-set member with its score.</summary>
internal readonly record struct ScoredMember(byte[] Member, double Score);
