using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// SINTER, SUNION and SDIFF key [key ...] — set algebra over the keys (absent keys are empty
/// sets), replying with a set. Every key is type-checked first, as in Redis 7.
/// </summary>
internal static class SetAlgebraCommands
{
    public static readonly CommandSpec SInterSpec = new("SINTER", -2, CommandFlags.ReadOnly, 1, -1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, Intersect));

    public static readonly CommandSpec SUnionSpec = new("SUNION", -2, CommandFlags.ReadOnly, 1, -1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, Union));

    public static readonly CommandSpec SDiffSpec = new("SDIFF", -2, CommandFlags.ReadOnly, 1, -1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, Difference));

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply, Func<List<MemberList>, MemberList> combine)
    {
        var sets = new List<MemberList>(command.ArgumentCount - 1);
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            switch (TypedLookup.Find(context.GetLive(command[i]), DataType.Set, out var set))
            {
                case LookupStatus.WrongType:
                    reply.WriteError(Errors.WrongType);
                    return;
                case LookupStatus.Found:
                    sets.Add(MemberList.Decode(set.Payload));
                    break;
                default:
                    sets.Add(new MemberList());
                    break;
            }
        }
        var result = combine(sets);
        reply.WriteSetHeader(result.Count);
        foreach (var member in result)
        {
            reply.WriteBulkString(member);
        }
    }

    /// <summary>Members of the smallest set that every other set has.</summary>
    private static MemberList Intersect(List<MemberList> sets)
    {
        var smallest = sets.MinBy(s => s.Count)!;
        var result = new MemberList();
        foreach (var member in smallest)
        {
            if (sets.TrueForAll(s => s.Contains(member)))
            {
                result.Add(member);
            }
        }
        return result;
    }

    private static MemberList Union(List<MemberList> sets)
    {
        var result = new MemberList();
        foreach (var member in sets.SelectMany(s => s))
        {
            result.Add(member);
        }
        return result;
    }

    /// <summary>Members of the first set that no other set has.</summary>
    private static MemberList Difference(List<MemberList> sets)
    {
        var result = new MemberList();
        foreach (var member in sets[0])
        {
            if (!sets.Skip(1).Any(s => s.Contains(member)))
            {
                result.Add(member);
            }
        }
        return result;
    }
}
