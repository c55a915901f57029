using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Chorus.Scripting;

/// <summary>
/// The node's scripts by SHA1 (EVAL caches what it runs; SCRIPT LOAD adds; SCRIPT FLUSH empties).
/// Node-local, as in Redis: connections read it, the loop runs from it. A follower forwarding
/// EVALSHA sends the body it knows, so the leader need not have seen SCRIPT LOAD.
/// </summary>
public sealed class ScriptCache
{
    /// <summary>Scripts kept at most; past it the cache is emptied (Redis 7.0 keeps all; a bound keeps a leak of one-off scripts finite).</summary>
    public const int ScriptsMax = 100_000;

    private readonly ConcurrentDictionary<string, byte[]> _bodies = new(StringComparer.Ordinal);
    private int _generation;

    /// <summary>Changes at every flush, so the loop drops the functions it compiled.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public int Count => _bodies.Count;

    /// <summary>Adds <paramref name="body"/>; returns its SHA1 in lowercase hex.</summary>
    public string Add(byte[] body)
    {
        var sha = Sha1Hex(body);
        if (_bodies.Count >= ScriptsMax && !_bodies.ContainsKey(sha))
        {
            Flush();
        }
        _bodies.TryAdd(sha, body);
        return sha;
    }

    public bool TryGet(string sha, out byte[] body) => _bodies.TryGetValue(sha.ToLowerInvariant(), out body!);

    public bool Contains(string sha) => _bodies.ContainsKey(sha.ToLowerInvariant());

    public void Flush()
    {
        _bodies.Clear();
        Interlocked.Increment(ref _generation);
    }

    public static string Sha1Hex(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA1.HashData(body));
}
