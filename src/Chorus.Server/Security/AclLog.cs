namespace Chorus.Server.Security;

/// <summary>
/// Redis's ACL LOG: the latest denials (a command, a key, or a failed AUTH), newest first, at
/// most <see cref="EntriesMax"/> (Redis's acllog-max-len); repeats of the same denial within a
/// minute update one entry's count.
/// </summary>
public sealed class AclLog
{
    public const int EntriesMax = 128;
    private const long GroupWindowMs = 60_000;

    private readonly LinkedList<Entry> _entries = new();
    private readonly Lock _lock = new();

    public sealed record Entry(string Reason, string Object, string Username, string ClientInfo, long CreatedAtMs)
    {
        public int Count { get; set; } = 1;

        public long UpdatedAtMs { get; set; } = CreatedAtMs;
    }

    public void Add(string reason, string @object, string username, string clientInfo)
    {
        var now = Environment.TickCount64;
        lock (_lock)
        {
            var same = _entries.FirstOrDefault(e => e.Reason == reason && e.Object == @object && e.Username == username && now - e.UpdatedAtMs < GroupWindowMs);
            if (same is not null)
            {
                same.Count++;
                same.UpdatedAtMs = now;
                return;
            }
            _entries.AddFirst(new Entry(reason, @object, username, clientInfo, now));
            if (_entries.Count > EntriesMax)
            {
                _entries.RemoveLast();
            }
        }
    }

    public IReadOnlyList<Entry> Latest(int count)
    {
        lock (_lock)
        {
            return _entries.Take(count).ToList();
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }
}
