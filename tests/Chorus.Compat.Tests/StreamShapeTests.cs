using System.Text;
using System.Text.RegularExpressions;

namespace Chorus.Compat.Tests;

/// <summary>
/// Issue 15: XADD with <c>*</c> takes each server's own clock, so redis-server and Chorus cannot
/// give the same ids; the differential run uses explicit ids, and this compares the shape of
/// what <c>*</c> gives: an id "ms-seq" near the server's time, strictly increasing, a sequence
/// that counts on within one millisecond, and ranges and XREADs that return what was added.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed partial class StreamShapeTests(RealServers real)
{
    [Fact]
    public async Task Xadd_star_gives_increasing_ms_seq_ids_on_both_servers()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await real.Servers.ResetAsync(2, cancellation);
        var commands = new List<IReadOnlyList<byte[]>>();
        for (var i = 0; i < 50; i++)
        {
            commands.Add(Args("XADD", "shape", "*", "n", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        commands.Add(Args("XLEN", "shape"));
        commands.Add(Args("XREAD", "COUNT", "100", "STREAMS", "shape", "0"));
        var (redis, chorus) = await real.Servers.SendAsync(commands, cancellation);

        foreach (var (name, replies) in new[] { ("redis", redis), ("chorus", chorus) })
        {
            var ids = replies.Take(50).Select(r => r.AsString() ?? "").ToList();
            Assert.All(ids, id => Assert.Matches(IdShape(), id));
            var parsed = ids.Select(id => id.Split('-')).Select(p => (Ms: ulong.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), Seq: ulong.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
            for (var i = 1; i < parsed.Count; i++)
            {
                Assert.True(parsed[i].Ms > parsed[i - 1].Ms || (parsed[i].Ms == parsed[i - 1].Ms && parsed[i].Seq == parsed[i - 1].Seq + 1), $"{name}: {ids[i - 1]} then {ids[i]}");
            }
            var nowMs = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Assert.True(nowMs - parsed[^1].Ms < 600_000, $"{name}: {ids[^1]} is near the time ({nowMs})");
            Assert.Equal(50, replies[50].Integer);
            var read = Assert.Single(replies[51].Items);
            Assert.Equal(ids, read.Items[1].Items.Select(e => e.Items[0].AsString()));
        }
    }

    private static byte[][] Args(params string[] args) => [.. args.Select(Encoding.UTF8.GetBytes)];

    [GeneratedRegex(@"^\d+-\d+$")]
    private static partial Regex IdShape();
}
