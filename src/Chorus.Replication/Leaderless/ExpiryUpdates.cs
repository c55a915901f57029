using Chorus.Core.Requests;
using Chorus.Core.Versions;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT and PERSIST on a leaderless key: a quorum read, then a
/// write of the same bytes with the new expiry whose context is exactly the versions read — so a
/// value written concurrently is kept as a sibling, never overwritten. Not atomic, as no leaderless
/// read-modify-write is: two concurrent EXPIREs of one key leave two siblings (each with its own
/// expiry), which a plain read shows as the newest. A key with several live siblings is refused.
/// </summary>
internal sealed class ExpiryUpdates(Action<ClientRequest, Action<ProposalOutcome>> submit, Action<ProposalId, ProposalOutcome> complete)
{
    public void Start(ProposalId proposal, KeyExpire request) =>
        submit(new KeyRead([request.Key], request.Quorum), outcome => OnRead(proposal, request, outcome));

    private void OnRead(ProposalId proposal, KeyExpire request, ProposalOutcome outcome)
    {
        if (outcome is not Answered { Result: KeysRead read })
        {
            complete(proposal, outcome);
            return;
        }
        var versions = read.Versions[0];
        var live = versions.Values.Count(v => !v.IsTombstone);
        if (live > 1)
        {
            complete(proposal, new RequestRefused($"the key has {live} concurrent values (siblings): resolve them with CHORUS.PUTV before changing its expiry"));
            return;
        }
        var shown = KeyVersions.Winner(versions) is { Value.IsTombstone: false } winner ? winner.Value : (VersionedValue?)null;
        var decision = request.Decide(shown, read.NowMs);
        if (decision.Action == ExpiryAction.Refuse)
        {
            complete(proposal, new RequestRefused(decision.Reason ?? "invalid expire time"));
            return;
        }
        if (decision.Action == ExpiryAction.Unchanged || shown is not { } value)
        {
            complete(proposal, new Answered(new ExpiryChanged(false)));
            return;
        }
        var write = decision.Action == ExpiryAction.Delete
            ? new KeyWrite(request.Key, null, versions.Context, request.Quorum)
            : new KeyWrite(request.Key, value.Bytes, versions.Context, request.Quorum, decision.ExpiresAtMs == 0 ? WriteExpiry.None : WriteExpiry.At(decision.ExpiresAtMs));
        submit(write, written => complete(proposal, written is Answered ? new Answered(new ExpiryChanged(true)) : written));
    }
}
