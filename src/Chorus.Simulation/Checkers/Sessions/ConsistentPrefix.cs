namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// Consistent prefix reads (DDIA ch. 5): every read shows a prefix of one order of writes.
/// Two checks: per key, every list read is a prefix of the longest one; and across keys, reads
/// of the same keys are ordered — no read shows more of one key and less of another than some
/// other read does. The failure is the answer before the question: an observer sees Mrs. Cake's
/// answer but not the question Mr. Poons asked before it, which Mrs. Cake herself had seen.
/// </summary>
internal static class ConsistentPrefix
{
    public static List<Violation> Check(AppendObservations observations)
    {
        var violations = new List<Violation>();
        foreach (var read in observations.Reads)
        {
            var diverged = read.Keys.FirstOrDefault(k => !read.IsCanonicalPrefix(k), -1);
            if (diverged >= 0)
            {
                var canonical = observations.Canonical.OpId(diverged);
                violations.Add(new Violation(
                    CheckNames.ConsistentPrefix,
                    $"{read.Op} shows a history of {observations.Keys[diverged]} that is not a prefix of what op #{canonical} showed",
                    [read.Op.Id, canonical]));
            }
        }
        var multiKey = observations.Reads.Where(r => r.Keys.Count > 1 && r.AllCanonical);
        foreach (var group in multiKey.GroupBy(r => string.Join(',', r.Keys.Order())))
        {
            CheckOrdered([.. group], observations, violations);
        }
        return violations;
    }

    /// <summary>Sorted by their lengths key by key, the reads must grow on every key at once.</summary>
    private static void CheckOrdered(List<ReadView> reads, AppendObservations observations, List<Violation> violations)
    {
        var keys = reads[0].Keys.Order().ToArray();
        var vectors = reads.Select(r => (Read: r, Lengths: keys.Select(r.Length).ToArray())).ToList();
        vectors.Sort((a, b) => Compare(a.Lengths, b.Lengths, a.Read.Op.Id, b.Read.Op.Id));
        for (var i = 1; i < vectors.Count; i++)
        {
            var (before, after) = (vectors[i - 1], vectors[i]);
            var behind = Array.FindIndex(keys, k => after.Lengths[Array.IndexOf(keys, k)] < before.Lengths[Array.IndexOf(keys, k)]);
            if (behind >= 0)
            {
                var ahead = Array.FindIndex(keys, k => after.Lengths[Array.IndexOf(keys, k)] > before.Lengths[Array.IndexOf(keys, k)]);
                violations.Add(new Violation(
                    CheckNames.ConsistentPrefix,
                    $"no single order of writes explains both reads: {before.Read.Op} is ahead on {observations.Keys[keys[behind]]}, {after.Read.Op} is ahead on {observations.Keys[keys[ahead]]}",
                    [before.Read.Op.Id, after.Read.Op.Id]));
            }
        }
    }

    private static int Compare(int[] a, int[] b, int idA, int idB)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                return a[i].CompareTo(b[i]);
            }
        }
        return idA.CompareTo(idB);
    }
}
