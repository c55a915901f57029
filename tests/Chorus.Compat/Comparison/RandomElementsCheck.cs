using Chorus.Compat.Generation;
using Chorus.Compat.Servers;
using Chorus.Resp;

namespace Chorus.Compat.Comparison;

/// <summary>
/// SRANDMEMBER, HRANDFIELD and RANDOMKEY: the two servers may choose differently, so each reply
/// is checked against Redis's rules instead of the other reply: without a count, one element
/// (nil when there is none); with count N ≥ 0, min(N, size) distinct elements; with N &lt; 0,
/// exactly |N| elements, repeats allowed; every element (and value) present in the collection,
/// which is read from both servers right after (and must be the same on both).
/// </summary>
internal sealed class RandomElementsCheck(RandomElementsCheck.Source source) : FollowUpCheck
{
    public enum Source
    {
        /// <summary>SRANDMEMBER key [count]: drawn from SMEMBERS key.</summary>
        SetMembers,

        /// <summary>HRANDFIELD key [count [WITHVALUES]]: drawn from HGETALL key.</summary>
        HashFields,

        /// <summary>RANDOMKEY: drawn from KEYS *.</summary>
        Keys,
    }

    public override async Task<string?> FollowUpAsync(ServerPair servers, Step step, RespValue redis, RespValue chorus, CancellationToken cancellationToken)
    {
        var (universe, problem) = await ReadUniverseAsync(servers, step, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (redis.Kind != chorus.Kind)
        {
            return $"the replies are of different kinds ({redis.Kind}, {chorus.Kind})";
        }
        return Validate("redis", redis, step, universe!) ?? Validate("chorus", chorus, step, universe!);
    }

    /// <summary>Element → value (null for set members and keys), as both servers hold it now.</summary>
    private async Task<(Dictionary<string, string?>? Universe, string? Problem)> ReadUniverseAsync(ServerPair servers, Step step, CancellationToken cancellationToken)
    {
        var (command, check) = source switch
        {
            Source.SetMembers => (new object[] { "SMEMBERS", step.Args[1] }, ReplyChecks.Unordered),
            Source.HashFields => (["HGETALL", step.Args[1]], ReplyChecks.UnorderedPairs),
            _ => (["KEYS", "*"], ReplyChecks.Unordered),
        };
        var (redis, chorus) = await AskBothAsync(servers, cancellationToken, command);
        if (check.Compare(redis, chorus) is { } difference)
        {
            return (null, $"the collection differs between the servers: {difference}; redis {redis}; chorus {chorus}");
        }
        if (redis.IsError)
        {
            return (null, $"could not read the collection: {redis}");
        }
        var universe = source == Source.HashFields
            ? Elements.PairsOf(redis).ToDictionary(p => p.Field, p => (string?)p.Value)
            : Elements.Of(redis).Distinct().ToDictionary(e => e, _ => (string?)null);
        return (universe, null);
    }

    private string? Validate(string server, RespValue reply, Step step, Dictionary<string, string?> universe)
    {
        var count = source == Source.Keys ? null : Elements.CountArgument(step.Args, 2);
        if (count is null)
        {
            if (universe.Count == 0)
            {
                return reply.IsNull ? null : $"{server} chose {reply} from nothing";
            }
            var chosen = Elements.Text(reply);
            return reply.Kind == RespValueKind.BulkString && universe.ContainsKey(chosen) ? null : $"{server} chose {reply}, which is not in the collection";
        }
        var withValues = step.Args.Count > 3;
        var elements = withValues ? Elements.PairsOf(reply) : [.. Elements.Of(reply).Select(e => (Field: e, Value: ""))];
        var expected = count >= 0 ? Math.Min(count.Value, universe.Count) : universe.Count == 0 ? 0 : -count.Value;
        if (elements.Count != expected)
        {
            return $"{server} returned {elements.Count} elements, expected {expected} (count {count}, collection of {universe.Count})";
        }
        if (count >= 0 && elements.Select(e => e.Field).Distinct().Count() != elements.Count)
        {
            return $"{server} repeated an element for a positive count: {Elements.Show(elements.Select(e => e.Field))}";
        }
        foreach (var (field, value) in elements)
        {
            if (!universe.TryGetValue(field, out var stored))
            {
                return $"{server} chose {Elements.Show([field])}, which is not in the collection";
            }
            if (withValues && stored != value)
            {
                return $"{server} paired {Elements.Show([field])} with {Elements.Show([value])}, but its value is {Elements.Show([stored ?? ""])}";
            }
        }
        return null;
    }
}
