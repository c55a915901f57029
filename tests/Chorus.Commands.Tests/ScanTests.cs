using System.Globalization;
using System.Text;
using Chorus.Commands.Keyspace;
using Chorus.Resp;
using static Chorus.Commands.Tests.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs (SCAN guarantees) and db.c scanGenericCommand: cursor, MATCH, COUNT, TYPE.
public sealed class ScanTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(1000)]
    public void A_full_iteration_returns_every_key_exactly_once(int count)
    {
        var keys = AddStrings("key:", 150);
        var seen = ScanAll("COUNT", count.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(keys.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Count_defaults_to_ten_and_the_cursor_is_the_next_hash_to_visit()
    {
        AddStrings("key:", 50);
        var (cursor, page) = Scan("0");
        Assert.Equal(10, page.Count);
        Assert.All(page, key => Assert.True(StoredKey.Hash(Encoding.UTF8.GetBytes(key)) < cursor));
        var (_, next) = Scan(cursor.ToString(CultureInfo.InvariantCulture));
        Assert.All(next, key => Assert.True(StoredKey.Hash(Encoding.UTF8.GetBytes(key)) >= cursor));
    }

    [Fact]
    public void Keys_present_throughout_are_returned_even_when_others_come_and_go()
    {
        var stable = AddStrings("stable:", 60);
        var seen = new List<string>();
        ulong cursor = 0;
        var round = 0;
        do
        {
            var (next, page) = Scan(cursor.ToString(CultureInfo.InvariantCulture), "COUNT", "7");
            seen.AddRange(page);
            cursor = next;
            _h.Run("SET", $"churn:{round}", "v");
            _h.Run("DEL", $"churn:{round - 3}");
            round++;
        }
        while (cursor != 0);
        Assert.Empty(stable.Except(seen));
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public void Match_filters_with_glob_patterns()
    {
        AddStrings("user:", 20);
        AddStrings("order:", 20);
        var users = ScanAll("MATCH", "user:*", "COUNT", "5");
        Assert.Equal(20, users.Count);
        Assert.All(users, k => Assert.StartsWith("user:", k, StringComparison.Ordinal));
        Assert.Equal(["order:10", "order:11"], ScanAll("MATCH", "order:1[01]").Order(StringComparer.Ordinal));
        Assert.Equal(["order:1"], ScanAll("MATCH", "order:1[01]", "MATCH", "order:1"));
    }

    [Fact]
    public void Type_filters_by_type_name_ignoring_case_and_unknown_names_match_nothing()
    {
        _h.Run("SET", "s", "v");
        _h.Run("HSET", "h", "f", "v");
        _h.Run("SADD", "set", "m");
        Assert.Equal(["h"], ScanAll("TYPE", "HASH"));
        Assert.Equal(["set"], ScanAll("type", "set"));
        Assert.Equal(["s"], ScanAll("TYPE", "string"));
        Assert.Empty(ScanAll("TYPE", "zset"));
    }

    [Fact]
    public void Expired_keys_are_skipped()
    {
        AddStrings("k", 10);
        _h.Run("PEXPIRE", "k3", "1");
        _h.AdvanceMs(2);
        Assert.DoesNotContain("k3", ScanAll());
        Assert.Equal(9, ScanAll().Count);
    }

    [Fact]
    public void An_empty_keyspace_ends_at_once()
    {
        Assert.Equal(Arr(Bulk("0"), EmptyArray), _h.Run("SCAN", "0"));
        Assert.Equal(Arr(Bulk("0"), EmptyArray), _h.Run3("SCAN", "0"));
    }

    /// Redis 7.0's parseScanCursorOrReply is strtoul plus checks (the differential tests compare with it).
    [Fact]
    public void Cursors_are_read_as_redis_reads_them()
    {
        AddStrings("k", 5);
        Assert.Equal(Bulk("0"), _h.Run("SCAN", "007", "COUNT", "100").Items[0]);
        Assert.Equal(Bulk("0"), _h.Run("SCAN", "18446744073709551615").Items[0]);
        Assert.Equal(Bulk("0"), _h.Run("SCAN", "-1").Items[0]);
        Assert.Equal(_h.Run("SCAN", "0", "COUNT", "100"), _h.Run("SCAN", "", "COUNT", "100"));
        Assert.Equal(Err("ERR invalid cursor"), _h.Run("SCAN", " 0"));
        Assert.Equal(Err("ERR invalid cursor"), _h.Run("SCAN", "-"));
        Assert.Equal(Err("ERR invalid cursor"), _h.Run("SCAN", "abc"));
        Assert.Equal(Err("ERR invalid cursor"), _h.Run("SCAN", "18446744073709551616"));
    }

    [Theory]
    [InlineData("ERR value is not an integer or out of range", "COUNT", "many")]
    [InlineData("ERR syntax error", "COUNT", "0")]
    [InlineData("ERR syntax error", "COUNT")]
    [InlineData("ERR syntax error", "MATCH")]
    [InlineData("ERR syntax error", "LIMIT", "3")]
    public void Bad_options_are_errors(string error, params string[] options)
    {
        Assert.Equal(Err(error), _h.Run(["SCAN", "0", .. options]));
    }

    private List<string> AddStrings(string prefix, int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)).ToList();
        _h.Run(["MSET", .. keys.SelectMany(k => new[] { k, "v" })]);
        return keys;
    }

    private (ulong Cursor, List<string> Keys) Scan(params string[] args)
    {
        var reply = _h.Run(["SCAN", .. args]);
        Assert.Equal(RespValueKind.Array, reply.Kind);
        return (ulong.Parse(reply.Items[0].AsString()!, CultureInfo.InvariantCulture), reply.Items[1].Texts().Select(k => k!).ToList());
    }

    private List<string> ScanAll(params string[] options)
    {
        var keys = new List<string>();
        ulong cursor = 0;
        var calls = 0;
        do
        {
            var (next, page) = Scan([cursor.ToString(CultureInfo.InvariantCulture), .. options]);
            keys.AddRange(page);
            cursor = next;
            Assert.True(++calls < 10_000, "SCAN must terminate");
        }
        while (cursor != 0);
        return keys;
    }
}
