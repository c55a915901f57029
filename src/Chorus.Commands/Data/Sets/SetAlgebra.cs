using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// Intersection, union and difference of sets, for the read commands (SINTER, SUNION, SDIFF,
/// SINTERCARD) and the write ones (the *STORE commands). Every key is type-checked first, as in
/// Redis 7; absent keys are empty sets. Membership tests are point reads, so an intersection walks
/// only its smallest set.
/// </summary>
internal static class SetAlgebra
{
    public enum Operation
    {
        Intersection,
        Union,
        Difference,
    }

    /// <summary>An input set: its collection id and size (0 when absent).</summary>
    private readonly record struct Input(ulong Id, long Count);

    /// <summary>
    /// The result over the keys at <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1
    /// (distinct members, in a deterministic order), or null after writing WRONGTYPE. An
    /// intersection stops after <paramref name="limit"/> members when it is positive.
    /// </summary>
    public static List<byte[]>? Compute(IKeyspaceView view, RespCommand command, int first, int count, Operation operation, RespWriter reply, long limit = 0)
    {
        var inputs = new Input[count];
        for (var i = 0; i < count; i++)
        {
            switch (TypedLookup.Find(view.GetLive(command[first + i]), DataType.Set, out var set))
            {
                case LookupStatus.WrongType:
                    reply.WriteError(Errors.WrongType);
                    return null;
                case LookupStatus.Found:
                    inputs[i] = new Input(set.CollectionId, set.Count);
                    break;
            }
        }
        return operation switch
        {
            Operation.Intersection => Intersect(view, inputs, limit),
            Operation.Union => Union(view, inputs),
            _ => Difference(view, inputs),
        };
    }

    /// <summary>Members of the smallest set that every other set has.</summary>
    private static List<byte[]> Intersect(IKeyspaceView view, Input[] inputs, long limit)
    {
        var result = new List<byte[]>();
        if (inputs.Any(s => s.Count == 0))
        {
            return result;
        }
        var smallest = inputs.MinBy(s => s.Count);
        foreach (var member in NamedElements.Names(view, smallest.Id))
        {
            if (inputs.All(s => s.Id == smallest.Id || ElementReads.HasNamed(view, s.Id, member)))
            {
                result.Add(member);
                if (limit > 0 && result.Count >= limit)
                {
                    break;
                }
            }
        }
        return result;
    }

    private static List<byte[]> Union(IKeyspaceView view, Input[] inputs)
    {
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var result = new List<byte[]>();
        foreach (var input in inputs.Where(s => s.Count > 0))
        {
            result.AddRange(NamedElements.Names(view, input.Id).Where(seen.Add));
        }
        return result;
    }

    /// <summary>Members of the first set that no other set has.</summary>
    private static List<byte[]> Difference(IKeyspaceView view, Input[] inputs)
    {
        if (inputs[0].Count == 0)
        {
            return [];
        }
        var others = inputs.Skip(1).Where(s => s.Count > 0 && s.Id != inputs[0].Id).ToArray();
        if (inputs.Skip(1).Any(s => s.Count > 0 && s.Id == inputs[0].Id))
        {
            return [];
        }
        return [.. NamedElements.Names(view, inputs[0].Id).Where(m => !others.Any(s => ElementReads.HasNamed(view, s.Id, m)))];
    }
}
