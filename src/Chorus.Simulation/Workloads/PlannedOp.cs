using Chorus.Simulation.History;

namespace Chorus.Simulation.Workloads;

/// <summary>An operation a client is about to invoke, and the command that carries it.</summary>
public sealed record PlannedOp(OpKind Kind, IReadOnlyList<string> Keys, string? Value = null, IReadOnlyList<string>? Arguments = null)
{
    /// <summary>Part of a MULTI/EXEC: the request's ops run as one transaction (all of the request's ops must say so).</summary>
    public bool InTransaction { get; init; }

    public bool IsWrite => Kind is OpKind.Write or OpKind.SetIfAbsent or OpKind.Append or OpKind.Increment or OpKind.Nondeterministic;

    public string[] Command() => Kind switch
    {
        OpKind.Read => ["GET", Keys[0]],
        OpKind.MultiRead => ["MGET", .. Keys],
        OpKind.Write => ["SET", Keys[0], Value!],
        OpKind.SetIfAbsent => ["SET", Keys[0], Value!, "NX"],
        OpKind.Append => ["APPEND", Keys[0], AppendList.Encode(Value!)],
        OpKind.Increment => ["INCR", Keys[0]],
        OpKind.Nondeterministic => [.. Arguments!],
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };
}
