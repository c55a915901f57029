namespace Chorus.Core.Versions;

/// <summary>
/// The naive scheme, kept to show why Chorus uses dots: one version vector per key with node ids
/// as entries, and the key's siblings as a plain list (Riak before 2.0, "vnode vclocks").
/// <para>
/// A write whose client context is older than the key's vector cannot tell which siblings the
/// client saw, so it keeps them all and adds its value. Two clients writing in turns through one
/// coordinator, each with the context of its own last write, make the sibling list grow with every
/// write (sibling explosion) although each client replaced its own previous value.
/// <see cref="DottedVersionVectorSet{T}"/> keeps one sibling per concurrent client instead.
/// Not for production use; the simulator's "version vectors instead of dots" variant uses it.
/// </para>
/// </summary>
public sealed class PlainVersionVectorSet<T>
{
    public static readonly PlainVersionVectorSet<T> Empty = new(VersionVector.Empty, []);

    private readonly T[] _values;

    private PlainVersionVectorSet(VersionVector context, T[] values) => (Context, _values) = (context, values);

    /// <summary>The key's one version vector, returned to clients as their context.</summary>
    public VersionVector Context { get; }

    public IReadOnlyList<T> Values => _values;

    public PlainVersionVectorSet<T> Update(VersionVector clientContext, T value, NodeId coordinator)
    {
        var context = Context.Merge(clientContext).Increment(coordinator);
        return clientContext.Dominates(Context)
            ? new PlainVersionVectorSet<T>(context, [value])
            : new PlainVersionVectorSet<T>(context, [.. _values, value]);
    }

    /// <summary>Keeps the later set, or on concurrent sets the union of their values.</summary>
    public PlainVersionVectorSet<T> Merge(PlainVersionVectorSet<T> other, IEqualityComparer<T>? comparer = null) =>
        Context.Compare(other.Context) switch
        {
            CausalOrder.After or CausalOrder.Equal => this,
            CausalOrder.Before => other,
            _ => new PlainVersionVectorSet<T>(
                Context.Merge(other.Context),
                [.. _values.Union(other._values, comparer ?? EqualityComparer<T>.Default)]),
        };
}
