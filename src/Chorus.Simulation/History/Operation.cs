using System.Globalization;
using System.Text;
using Chorus.Core;

namespace Chorus.Simulation.History;

/// <summary>
/// One client operation from invocation to completion, as recorded in a history: what was asked,
/// of which node, when (virtual microseconds), and what came back.
/// </summary>
public sealed record Operation(int Id, string Client, int SessionIndex, OpKind Kind, IReadOnlyList<string> Keys, string? Value, long InvokedUs, long CompletedUs, OpOutcome Outcome, string Node)
{
    /// <summary>Read results, one per key (null: the key was absent).</summary>
    public IReadOnlyList<string?> Values { get; init; } = [];

    /// <summary>APPEND's new length or INCR's new value.</summary>
    public long? Integer { get; init; }

    /// <summary>SET NX: whether the value was set.</summary>
    public bool? Applied { get; init; }

    /// <summary>A write's log position on the leader, when known (to match rollback records).</summary>
    public LogPosition? WrittenAt { get; init; }

    public string? Error { get; init; }

    public string Key => Keys[0];

    public bool IsWrite => Kind is OpKind.Write or OpKind.SetIfAbsent or OpKind.Append or OpKind.Increment;

    public bool IsRead => Kind is OpKind.Read or OpKind.MultiRead;

    /// <summary>A write the client saw succeed (SET NX only if it set the value).</summary>
    public bool IsAcknowledgedWrite => IsWrite && Outcome == OpOutcome.Ok && Applied != false;

    /// <summary>A write that may have taken effect: acknowledged, or without an answer.</summary>
    public bool MayHaveWritten => IsWrite && (Outcome == OpOutcome.Indeterminate || IsAcknowledgedWrite);

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"#{Id} {Client} {Kind.ToString().ToLowerInvariant()} {string.Join(",", Keys)}");
        if (Value is not null)
        {
            text.Append(' ').Append(Value);
        }
        text.Append(CultureInfo.InvariantCulture, $" @{Node} [{InvokedUs / 1000.0:F3}ms, ");
        text.Append(Outcome == OpOutcome.Indeterminate ? "?" : (CompletedUs / 1000.0).ToString("F3", CultureInfo.InvariantCulture) + "ms").Append("] ");
        text.Append(Outcome switch
        {
            OpOutcome.Failed => $"failed {Error}",
            OpOutcome.Indeterminate => "indeterminate",
            _ => Result(),
        });
        return text.ToString();
    }

    private string Result() => Kind switch
    {
        OpKind.Read or OpKind.MultiRead => "→ " + string.Join(" | ", Values.Select(v => v is null ? "nil" : $"\"{Shorten(v)}\"")),
        OpKind.SetIfAbsent => Applied == true ? "→ OK" : "→ nil",
        OpKind.Append or OpKind.Increment => string.Create(CultureInfo.InvariantCulture, $"→ {Integer}"),
        _ => "→ OK",
    };

    private static string Shorten(string value) => value.Length <= 60 ? value : "…" + value[^59..];
}
