using System.Globalization;

namespace Chorus.Core.Sites;

/// <summary>
/// A resolver for the <c>custom:&lt;name&gt;</c> conflict policy, supplied by the user in an
/// assembly (or built in). Under that policy a key keeps every concurrent value (as under
/// siblings), and what a read shows is the resolver's merge of them — computed when a site stores
/// the merged key, so every site that holds the same concurrent values shows the same merge.
/// <para>
/// It must be a pure function of its arguments: no clock, no randomness, no IO, the same answer
/// at every site (else sites diverge). If it throws, the site shows the newest value, keeps the
/// conflict as siblings (CHORUS.SIBLINGS) and reports the failure; replication goes on.
/// </para>
/// </summary>
public interface IConflictResolver
{
    /// <summary>The name policies use: <c>custom:&lt;Name&gt;</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Merges the concurrent values of a string key, or of one field of a hash
    /// (<paramref name="field"/>, null for a string), newest first (deletions left out); returns
    /// the value to show.
    /// </summary>
    byte[] Resolve(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, IReadOnlyList<byte[]> values);
}

/// <summary>The built-in resolvers: <c>max</c>, <c>union</c> and <c>cart</c>.</summary>
public static class ConflictResolvers
{
    public static IReadOnlyList<IConflictResolver> BuiltIn { get; } = [new MaxResolver(), new UnionResolver(), new CartResolver()];

    /// <summary>The largest value: numerically when every value is a number, else by bytes.</summary>
    private sealed class MaxResolver : IConflictResolver
    {
        public string Name => "max";

        public byte[] Resolve(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, IReadOnlyList<byte[]> values)
        {
            var numbers = values.Select(Number).ToList();
            if (numbers.All(n => n.HasValue))
            {
                return values[numbers.IndexOf(numbers.Max())];
            }
            return values.Max(ByteArrayComparer.Instance)!;
        }

        private static double? Number(byte[] value) =>
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : null;
    }

    /// <summary>The union of comma-separated items (two shopping carts become one), sorted, each once.</summary>
    private class UnionResolver : IConflictResolver
    {
        public virtual string Name => "union";

        public byte[] Resolve(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, IReadOnlyList<byte[]> values) => Union(values);

        protected static byte[] Union(IEnumerable<byte[]> values)
        {
            var items = values
                .SelectMany(v => System.Text.Encoding.Latin1.GetString(v).Split(',', StringSplitOptions.RemoveEmptyEntries))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            return System.Text.Encoding.Latin1.GetBytes(string.Join(',', items));
        }
    }

    /// <summary>
    /// The shopping cart of Amazon's Dynamo (DDIA ch. 5, "Merging concurrently written values"):
    /// <c>union</c> on write, and on read too — a read of a cart with concurrent versions answers
    /// with their union and writes it back, so the siblings are gone once someone has looked.
    /// </summary>
    private sealed class CartResolver : UnionResolver, IReadResolver
    {
        public override string Name => "cart";

        public byte[]? ResolveOnRead(ReadOnlySpan<byte> key, IReadOnlyList<ReadSibling> siblings) => Union(siblings.Select(s => s.Value));
    }
}
