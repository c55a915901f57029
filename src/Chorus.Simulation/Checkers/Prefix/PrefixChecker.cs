using Chorus.Commands.Keyspace;
using Chorus.Simulation.Nodes;
using Chorus.Storage;

namespace Chorus.Simulation.Checkers.Prefix;

/// <summary>
/// The prefix property of single-leader replication (DDIA ch. 5): at every moment, every
/// replica's state is the leader's log applied up to some LSN. Observed at intervals during the
/// run and at its end, in two parts: every entry in the replica's log is the entry the leader
/// created at that position (the <see cref="AuthoredLog"/>), and the replica's data equals its
/// log replayed in order (a <see cref="ShadowReplica"/>). Reported once per node, at the first
/// observation that fails.
/// </summary>
public sealed class PrefixChecker(AuthoredLog authored)
{
    private readonly Dictionary<string, ShadowReplica> _shadows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Violation> _firstFailure = new(StringComparer.Ordinal);
    private readonly List<string> _failedNodes = [];
    private readonly SortedSet<string> _unverifiable = new(StringComparer.Ordinal);

    public int Observations { get; private set; }

    public void Observe(string node, IStorageEngine replica, long atUs)
    {
        Observations++;
        if (!_shadows.TryGetValue(node, out var shadow))
        {
            shadow = new ShadowReplica();
            _shadows[node] = shadow;
        }
        var replayed = shadow.CatchUp(replica);
        if (replayed is null)
        {
            _unverifiable.Add(node);
            return;
        }
        var foreign = replayed.FirstOrDefault(e => !authored.TryGet(e.Position, out var original) || !original.Span.SequenceEqual(e.Encoded.Span));
        if (foreign is not null)
        {
            Fail(node, $"{node} holds at {foreign.Position} an entry the leader never wrote there (at {atUs / 1000} ms)");
            return;
        }
        var actual = KeyspaceDigest.Compute(replica).Digest;
        if (actual != shadow.Digest())
        {
            Fail(node, $"{node}'s data is not its log applied through lsn {shadow.Through} (at {atUs / 1000} ms)");
        }
    }

    public CheckResult Result()
    {
        var violations = _failedNodes.Select(n => _firstFailure[n]).ToList();
        violations.AddRange(authored.Conflicts.Select(c => new Violation(CheckNames.Prefix, c, [])));
        return CheckResult.From(CheckNames.Prefix, violations, _unverifiable.Count) with
        {
            Note = _unverifiable.Count == 0 ? $"{Observations} observations" : $"{Observations} observations; could not replay {string.Join(", ", _unverifiable)} (log prefix retired)",
        };
    }

    private void Fail(string node, string description)
    {
        if (_firstFailure.TryAdd(node, new Violation(CheckNames.Prefix, description, [])))
        {
            _failedNodes.Add(node);
        }
    }
}
