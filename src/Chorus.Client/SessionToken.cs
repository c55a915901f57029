using System.Collections.Immutable;
using System.Globalization;

namespace Chorus.Client;

/// <summary>
/// A session's position: for each log of the cluster, the LSN the session has written or read up
/// to (<c>v1:sl.3f9c0a1b2c3d4e5f=42</c> — the single-leader log of that cluster, at LSN 42). Tokens only grow: merging keeps each
/// log's larger LSN, so a session never asks for less than it already saw. Pass
/// <see cref="ToString"/> to another session (another device, another service) and
/// <see cref="ChorusSession.Adopt"/> it there.
/// </summary>
public sealed class SessionToken : IEquatable<SessionToken>
{
    private const string Version = "v1";

    private readonly ImmutableSortedDictionary<string, ulong> _positions;

    private SessionToken(ImmutableSortedDictionary<string, ulong> positions) => _positions = positions;

    /// <summary>The position of a session that has done nothing yet.</summary>
    public static SessionToken Empty { get; } = new(ImmutableSortedDictionary<string, ulong>.Empty.WithComparers(StringComparer.Ordinal));

    public bool IsEmpty => _positions.IsEmpty;

    /// <summary>Each log's position: log name → LSN.</summary>
    public IReadOnlyDictionary<string, ulong> Positions => _positions;

    /// <summary>Parses a token as <c>CHORUS.TOKEN</c> returns it.</summary>
    /// <exception cref="FormatException">The text is not a version-1 token.</exception>
    public static SessionToken Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || text[..colon] != Version)
        {
            throw new FormatException($"'{text}' is not a Chorus session token (expected {Version}:<log>=<lsn>[,<log>=<lsn>…])");
        }
        var positions = Empty._positions.ToBuilder();
        foreach (var component in text[(colon + 1)..].Split(','))
        {
            var eq = component.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !ulong.TryParse(component.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var lsn))
            {
                throw new FormatException($"'{text}' is not a Chorus session token: component '{component}' is not <log>=<lsn>");
            }
            var log = component[..eq];
            positions[log] = positions.TryGetValue(log, out var known) ? Math.Max(known, lsn) : lsn;
        }
        return new SessionToken(positions.ToImmutable());
    }

    /// <summary>The position that covers both: each log's larger LSN.</summary>
    public SessionToken Merge(SessionToken other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var merged = _positions;
        foreach (var (log, lsn) in other._positions)
        {
            if (!merged.TryGetValue(log, out var known) || known < lsn)
            {
                merged = merged.SetItem(log, lsn);
            }
        }
        return ReferenceEquals(merged, _positions) ? this : new SessionToken(merged);
    }

    public override string ToString() =>
        IsEmpty ? "" : Version + ":" + string.Join(',', _positions.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));

    public bool Equals(SessionToken? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => Equals(obj as SessionToken);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
