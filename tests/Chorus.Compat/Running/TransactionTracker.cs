using Chorus.Compat.Comparison;
using Chorus.Compat.Generation;
using Chorus.Resp;

namespace Chorus.Compat.Running;

/// <summary>
/// Follows MULTI ... EXEC through a run. While generating, it keeps out of a transaction the
/// commands whose check needs follow-up commands (a random pop would leave the servers apart,
/// and a follow-up sent while queuing would be queued itself) and the key-range reads
/// (docs/compatibility.md: inside a transaction they see the state as of its start). While
/// comparing, it remembers what Redis queued, so EXEC's replies are compared element by element
/// with each queued command's own check.
/// </summary>
internal sealed class TransactionTracker
{
    /// <summary>
    /// Not queued: the key-range reads, DEBUG and HELLO; and SCRIPT, a server command, which Chorus
    /// runs after the transaction's data commands (docs/compatibility.md), so SCRIPT EXISTS would
    /// see scripts that a later EVAL in the same transaction cached.
    /// </summary>
    private static readonly HashSet<string> KeptOut = ["KEYS", "SCAN", "DBSIZE", "RANDOMKEY", "DEBUG", "HELLO", "SCRIPT"];

    private readonly List<Step> _queued = [];
    private bool _generatingInMulti;
    private bool _inMulti;

    /// <summary>Whether <paramref name="step"/> may be sent next (false: draw another).</summary>
    public bool Allows(Step step) => !_generatingInMulti || !(step.Check is FollowUpCheck || KeptOut.Contains(step.Name));

    /// <summary>The step will be sent: predicts Redis's MULTI state (exact: it depends on the commands alone).</summary>
    public void Generated(Step step)
    {
        switch (step.Name)
        {
            case "MULTI" when step.Args.Count == 1:
                _generatingInMulti = true;
                break;
            case "EXEC":
            case "DISCARD" when step.Args.Count == 1:
                _generatingInMulti = false;
                break;
        }
    }

    /// <summary>Whether the reply is a queued command's (no follow-up runs for it).</summary>
    public static bool IsQueued(RespValue reply) => reply.Kind == RespValueKind.SimpleString && reply.AsString() == "QUEUED";

    /// <summary>
    /// EXEC's replies, each compared with its command's check (for any other step, the step's own
    /// check). A queued command's reply that differs as a documented difference allows for is
    /// counted in <paramref name="known"/>, as it would be outside a transaction.
    /// </summary>
    public string? CompareExec(Step step, RespValue redis, RespValue chorus, Dictionary<string, int> known)
    {
        if (step.Name != "EXEC" || !_inMulti || redis.Kind != RespValueKind.Array || chorus.Kind != RespValueKind.Array
            || redis.Items.Count != chorus.Items.Count || redis.Items.Count != _queued.Count)
        {
            return step.Check.Compare(redis, chorus);
        }
        for (var i = 0; i < _queued.Count; i++)
        {
            if (_queued[i].Check.Compare(redis.Items[i], chorus.Items[i]) is not { } problem)
            {
                continue;
            }
            if (KnownDifferences.Find(_queued[i], redis.Items[i], chorus.Items[i]) is not { } difference)
            {
                return $"reply {i + 1} of EXEC (to {_queued[i]}): {problem}";
            }
            known[difference.Name] = known.GetValueOrDefault(difference.Name) + 1;
        }
        return null;
    }

    /// <summary>Redis answered <paramref name="redis"/> to <paramref name="step"/>.</summary>
    public void Observe(Step step, RespValue redis)
    {
        if (step.Name == "MULTI" && !_inMulti && !redis.IsError)
        {
            _inMulti = true;
            _queued.Clear();
        }
        else if (_inMulti && IsQueued(redis))
        {
            _queued.Add(step);
        }
        else if (step.Name == "EXEC" || (step.Name == "DISCARD" && !redis.IsError))
        {
            _inMulti = false;
        }
    }
}
