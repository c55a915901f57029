using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// The LCS table of two strings (LCS[i, j] = the length of the LCS of a[..i] and b[..j]) and the
/// walk back through it, ported from Redis's lcsCommand so ties break the same way and the same
/// subsequence and ranges come out.
/// </summary>
internal sealed class LcsTable
{
    private readonly byte[] _a;
    private readonly byte[] _b;
    private readonly uint[] _lcs;

    public LcsTable(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        _a = a.ToArray();
        _b = b.ToArray();
        _lcs = new uint[(_a.Length + 1) * (_b.Length + 1)];
        for (var i = 1; i <= _a.Length; i++)
        {
            for (var j = 1; j <= _b.Length; j++)
            {
                this[i, j] = _a[i - 1] == _b[j - 1] ? this[i - 1, j - 1] + 1 : Math.Max(this[i - 1, j], this[i, j - 1]);
            }
        }
    }

    private uint this[int i, int j]
    {
        get => _lcs[j + (i * (_b.Length + 1))];
        set => _lcs[j + (i * (_b.Length + 1))] = value;
    }

    public void Reply(RespWriter reply, LcsCommand.Options options)
    {
        var length = this[_a.Length, _b.Length];
        if (options.Length)
        {
            reply.WriteInteger(length);
            return;
        }
        var result = new byte[length];
        var matches = new List<(long AStart, long AEnd, long BStart, long BEnd)>();
        Walk(result, matches, options.MinMatchLength);
        if (!options.Indexes)
        {
            reply.WriteBulkString(result);
            return;
        }
        reply.WriteMapHeader(2);
        reply.WriteBulkString("matches");
        reply.WriteArrayHeader(matches.Count);
        foreach (var (aStart, aEnd, bStart, bEnd) in matches)
        {
            reply.WriteArrayHeader(options.WithMatchLength ? 3 : 2);
            reply.WriteArrayHeader(2);
            reply.WriteInteger(aStart);
            reply.WriteInteger(aEnd);
            reply.WriteArrayHeader(2);
            reply.WriteInteger(bStart);
            reply.WriteInteger(bEnd);
            if (options.WithMatchLength)
            {
                reply.WriteInteger(aEnd - aStart + 1);
            }
        }
        reply.WriteBulkString("len");
        reply.WriteInteger(length);
    }

    private void Walk(byte[] result, List<(long, long, long, long)> matches, long minimum)
    {
        int i = _a.Length, j = _b.Length, index = result.Length;
        // _a.Length in aStart means "no range yet", as in Redis.
        long aStart = _a.Length, aEnd = 0, bStart = 0, bEnd = 0;
        while (i > 0 && j > 0)
        {
            var emit = false;
            if (_a[i - 1] == _b[j - 1])
            {
                result[--index] = _a[i - 1];
                if (aStart == _a.Length)
                {
                    (aStart, aEnd, bStart, bEnd) = (i - 1, i - 1, j - 1, j - 1);
                }
                else if (aStart == i && bStart == j)
                {
                    aStart--;
                    bStart--;
                }
                else
                {
                    emit = true;
                }
                emit |= aStart == 0 || bStart == 0;
                i--;
                j--;
            }
            else
            {
                if (this[i - 1, j] > this[i, j - 1])
                {
                    i--;
                }
                else
                {
                    j--;
                }
                emit = aStart != _a.Length;
            }
            if (emit)
            {
                if (minimum == 0 || aEnd - aStart + 1 >= minimum)
                {
                    matches.Add((aStart, aEnd, bStart, bEnd));
                }
                aStart = _a.Length;
            }
        }
    }
}
