using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Expiry: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX/XX/GT/LT, the TTL family, PERSIST. Times are
/// far in the future or already past (see <see cref="Fuzz.RelativeSecondsText"/>), never close to
/// now, so no key expires while a run goes on.
/// </summary>
internal sealed class ExpiryGenerator : CommandTable
{
    public override string Name => "expiry";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("EXPIRE", -3, 3, f => Expire(f, "EXPIRE", f.RelativeSecondsText())),
        new("PEXPIRE", -3, 2, f => Expire(f, "PEXPIRE", Fuzz.Milliseconds(f.RelativeSecondsText()))),
        new("EXPIREAT", -3, 2, f => Expire(f, "EXPIREAT", f.AbsoluteSecondsText())),
        new("PEXPIREAT", -3, 2, f => Expire(f, "PEXPIREAT", Fuzz.Milliseconds(f.AbsoluteSecondsText()))),
        new("TTL", 2, 3, f => Step.OnKey(ReplyChecks.Seconds, "TTL", f.Key())),
        new("PTTL", 2, 2, f => Step.OnKey(ReplyChecks.Milliseconds, "PTTL", f.Key())),
        new("EXPIRETIME", 2, 2, f => Step.OnKey(ReplyChecks.Seconds, "EXPIRETIME", f.Key())),
        new("PEXPIRETIME", 2, 2, f => Step.OnKey(ReplyChecks.Milliseconds, "PEXPIRETIME", f.Key())),
        new("PERSIST", 2, 3, f => Step.OnKey(ReplyChecks.Exact, "PERSIST", f.Key())),
        new("SET", -3, 2, f => Step.OnKey(ReplyChecks.Exact, ["SET", f.Key(), f.Value(), .. StringGenerator.ExpiryOptions(f, persist: false)])),
        new("GETEX", -2, 2, f => Step.OnKey(ReplyChecks.Exact, ["GETEX", f.Key(), .. StringGenerator.ExpiryOptions(f, persist: true)])),
    ];

    private static Step Expire(Fuzz f, string command, string time)
    {
        var args = new List<object> { command, f.Key(), time };
        for (var i = f.Next(3) == 0 ? f.Between(1, 3) : 0; i > 0; i--)
        {
            args.Add(f.Pick<object>("NX", "XX", "GT", "LT", "nx", "gt", "BOGUS", new byte[] { 0xff, (byte)'x', 0, (byte)'y' }));
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }
}
