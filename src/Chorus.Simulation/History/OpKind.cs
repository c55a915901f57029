namespace Chorus.Simulation.History;

/// <summary>What a client operation does. Each kind maps to one Redis command.</summary>
public enum OpKind
{
    /// <summary>GET key.</summary>
    Read,

    /// <summary>MGET key... — one atomic read of several keys.</summary>
    MultiRead,

    /// <summary>SET key value (a value unique to this operation).</summary>
    Write,

    /// <summary>SET key value NX — sets only if the key is absent.</summary>
    SetIfAbsent,

    /// <summary>APPEND key "token," (a token unique to this operation).</summary>
    Append,

    /// <summary>INCR key.</summary>
    Increment,

    /// <summary>
    /// A write whose effect depends on the leader's clock or random choices (SPOP, EXPIRE,
    /// SET EX, INCRBYFLOAT): judged only by convergence and the log's replay, not by the
    /// history checkers, which model registers, lists and counters.
    /// </summary>
    Nondeterministic,
}

/// <summary>How an operation ended, as the client saw it.</summary>
public enum OpOutcome
{
    /// <summary>A reply arrived: the operation took effect (a read returned a value).</summary>
    Ok,

    /// <summary>Definitely did not take effect (connection refused, an error reply).</summary>
    Failed,

    /// <summary>No reply (timeout, connection lost): a write may or may not have taken effect, at any later time.</summary>
    Indeterminate,
}
