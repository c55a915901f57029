using System.Globalization;
using System.Text.RegularExpressions;

namespace Chorus.Client;

/// <summary>
/// A write of a named session that a failover discarded (docs/consistency.md, "Lost writes told
/// to the session"): the log entry's <see cref="Lsn"/> and <see cref="Epoch"/>, and the keys it
/// changed (up to 32; printable keys as they are, others as <c>base64:…</c>). The data itself is
/// in the rollback file of the node that discarded it.
/// </summary>
public sealed partial record RolledBackWrite(ulong Lsn, ulong Epoch, IReadOnlyList<string> Keys)
{
    /// <summary>
    /// False when the node that found the write lost never held its entry — it judged the write by
    /// (epoch, LSN) against its own log, after the leader that accepted it lost it (a power loss, a
    /// restart) — so <see cref="Keys"/> is empty and says nothing; the data may be in that leader's rollback file.
    /// </summary>
    public bool KeysKnown { get; init; } = true;

    /// <summary>Equal when they name the same entry and keys (the keys compared in order, not by reference).</summary>
    public bool Equals(RolledBackWrite? other) =>
        other is not null && Lsn == other.Lsn && Epoch == other.Epoch && Keys.SequenceEqual(other.Keys, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Lsn, Epoch);

    /// <summary>As the server words a notice: <c>LSN 57 (epoch 3): cart, basket</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"LSN {Lsn} (epoch {Epoch}): {(!KeysKnown ? "keys not known" : Keys.Count == 0 ? "no keys" : string.Join(", ", Keys))}");

    /// <summary>One notice as <c>CHORUS.SESSION NOTICES</c> lists it; null if the text is not one.</summary>
    public static RolledBackWrite? TryParse(string text)
    {
        var match = Notice().Match(text);
        return match.Success && match.Index == 0 && match.Length == text.Length ? FromMatch(match) : null;
    }

    /// <summary>Every notice in a <c>-ROLLEDBACK</c> error's text, in order.</summary>
    public static IReadOnlyList<RolledBackWrite> ParseError(string message) =>
        [.. NoticeInError().Matches(message).Select(FromMatch)];

    private static RolledBackWrite FromMatch(Match match)
    {
        var keys = match.Groups["keys"].Value;
        return new(
            ulong.Parse(match.Groups["lsn"].Value, CultureInfo.InvariantCulture),
            ulong.Parse(match.Groups["epoch"].Value, CultureInfo.InvariantCulture),
            keys is "no keys" or "keys not known" ? [] : keys.Split(", "))
        {
            KeysKnown = keys != "keys not known",
        };
    }

    [GeneratedRegex(@"LSN (?<lsn>[0-9]+) \(epoch (?<epoch>[0-9]+)\): (?<keys>.*)", RegexOptions.Singleline)]
    private static partial Regex Notice();

    // In an error the notices are joined by "; " and followed by ". This command was not run".
    [GeneratedRegex(@"LSN (?<lsn>[0-9]+) \(epoch (?<epoch>[0-9]+)\): (?<keys>.*?)(?=; LSN [0-9]+ \(epoch |\. This command was not run)", RegexOptions.Singleline)]
    private static partial Regex NoticeInError();
}

/// <summary>What <see cref="ChorusSession.WritesRolledBack"/> tells: the session's writes it just learned were discarded.</summary>
public sealed class WritesRolledBackEventArgs(string sessionId, IReadOnlyList<RolledBackWrite> writes) : EventArgs
{
    public string SessionId { get; } = sessionId;

    /// <summary>The writes newly learned of, oldest first (each is reported once per session object).</summary>
    public IReadOnlyList<RolledBackWrite> Writes { get; } = writes;
}

/// <summary>
/// A named session's read was not run because the cluster told the session that a failover
/// discarded some of its acknowledged writes (<see cref="Writes"/>; they are also raised by
/// <see cref="ChorusSession.WritesRolledBack"/> and listed by <see cref="ChorusSession.RolledBackWrites"/>).
/// The read did nothing: retry it — after deciding what to do about the lost writes (write them
/// again, tell the user).
/// </summary>
public sealed class SessionWritesRolledBackException(string sessionId, IReadOnlyList<RolledBackWrite> writes, Exception inner)
    : Exception($"a failover discarded {writes.Count} write(s) of session {sessionId}: {string.Join("; ", writes)}; the read was not run, retry it", inner)
{
    public string SessionId { get; } = sessionId;

    public IReadOnlyList<RolledBackWrite> Writes { get; } = writes;
}
