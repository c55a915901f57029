namespace Chorus.Core.Sites;

/// <summary>
/// The on-read handler of a <c>custom:&lt;name&gt;</c> resolver (DDIA ch. 5, "Custom conflict
/// resolution logic": "On read"), implemented by an <see cref="IConflictResolver"/> that wants one.
/// <para>
/// It runs when a client reads (GET) a string key that holds concurrent values at this site. What it
/// returns is the read's answer, and it is written back at the site as a write carrying the causal
/// context the read saw (<c>CHORUS.RESOLVE</c>): it replaces exactly the values the handler was
/// shown — everywhere, as it replicates like any write — and never a value that arrived after the
/// read (that write-back is refused and the siblings stay). Because the result is written, not
/// recomputed at every site, the handler need not be a pure function the way
/// <see cref="IConflictResolver.Resolve"/> must; it must be quick (a read waits for it, up to
/// <c>ReadResolverTimeoutMs</c>).
/// </para>
/// <para>
/// Returning null declines: the read shows what it shows without a handler (the on-write merge).
/// A handler that throws or runs past the timeout never breaks the read either: the read shows the
/// on-write merge, the siblings stay, and the failure is counted and logged.
/// </para>
/// </summary>
public interface IReadResolver
{
    /// <summary>The value to answer with and write back, or null to decline.</summary>
    /// <param name="key">The key read.</param>
    /// <param name="siblings">Its concurrent values at this site, newest first (at least two; deletions left out).</param>
    byte[]? ResolveOnRead(ReadOnlySpan<byte> key, IReadOnlyList<ReadSibling> siblings);
}

/// <summary>One concurrent value an on-read handler is shown: the value, the site that wrote it and when (HLC).</summary>
public sealed record ReadSibling(byte[] Value, NodeId Site, HlcTimestamp Timestamp);
