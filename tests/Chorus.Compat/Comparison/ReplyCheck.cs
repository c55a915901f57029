using Chorus.Compat.Generation;
using Chorus.Compat.Servers;
using Chorus.Resp;

namespace Chorus.Compat.Comparison;

/// <summary>How the two replies to one command are compared.</summary>
internal abstract class ReplyCheck
{
    /// <summary>Null when the replies agree; otherwise what differs.</summary>
    public abstract string? Compare(RespValue redis, RespValue chorus);
}

/// <summary>
/// A check that needs more commands once the replies are in: to learn the state a random reply
/// was drawn from, to finish a SCAN, or to bring the two servers back to the same state after
/// each removed a different random member. It ends its pipeline, so its extra commands run
/// right after it.
/// </summary>
internal abstract class FollowUpCheck : ReplyCheck
{
    /// <summary>Replies that are errors on either side are compared exactly, without a follow-up.</summary>
    public sealed override string? Compare(RespValue redis, RespValue chorus) =>
        redis.IsError || chorus.IsError ? ReplyChecks.Exact.Compare(redis, chorus) : null;

    /// <summary>Null when the replies agree (and the servers hold the same state again); otherwise what differs.</summary>
    public abstract Task<string?> FollowUpAsync(ServerPair servers, Step step, RespValue redis, RespValue chorus, CancellationToken cancellationToken);

    protected static async Task<(RespValue Redis, RespValue Chorus)> AskBothAsync(ServerPair servers, CancellationToken cancellationToken, params object[] command)
    {
        var (redis, chorus) = await servers.SendAsync([Step.Build(command)], cancellationToken);
        return (redis[0], chorus[0]);
    }
}
