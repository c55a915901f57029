namespace Chorus.Server.Hosting;

/// <summary>
/// A fault for tests and demonstrations (CHORUS.FAULT LINK DROP percent [SEED n], only with
/// --fault-commands): drops that share of the messages that arrive from peers, as a lossy network
/// would; the protocols recover as they do from any loss (peers resend what was not confirmed).
/// Which messages are dropped is decided by a random source seeded by the command, so a run
/// can be repeated with the same sequence of decisions (the messages themselves arrive as the
/// network delivers them). Thread-safe: the transport's streams deliver concurrently.
/// </summary>
internal sealed class PeerLinkDrop
{
    public const int DefaultSeed = 1;

    private readonly Lock _lock = new();
    private Random _random = new(DefaultSeed);
    private int _percent;
    private long _dropped;

    /// <summary>The share of arriving peer messages dropped now (0: none).</summary>
    public int Percent
    {
        get
        {
            lock (_lock)
            {
                return _percent;
            }
        }
    }

    /// <summary>Drops <paramref name="percent"/> (0–100) of what arrives from now on, decided by a source seeded with <paramref name="seed"/>; returns how many the previous setting dropped.</summary>
    public long Set(int percent, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        lock (_lock)
        {
            var dropped = _dropped;
            Volatile.Write(ref _percent, percent);
            _random = new Random(seed);
            _dropped = 0;
            return dropped;
        }
    }

    /// <summary>Whether to drop the message arriving now.</summary>
    public bool ShouldDrop()
    {
        // Off (the normal case): no lock on the path of every peer message.
        if (Volatile.Read(ref _percent) == 0)
        {
            return false;
        }
        lock (_lock)
        {
            if (_random.Next(100) >= _percent)
            {
                return false;
            }
            _dropped++;
            return true;
        }
    }
}
