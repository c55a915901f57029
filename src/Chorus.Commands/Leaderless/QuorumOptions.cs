using System.Text;
using Chorus.Commands.Data.Numbers;
using Chorus.Core.Requests;
using Chorus.Resp;

namespace Chorus.Commands.Leaderless;

/// <summary>
/// Parses quorum overrides — <c>[N n] [W w] [R r]</c>, any order, each at most once — from a
/// command's arguments starting at <c>first</c>. The same words serve a request (CHORUS.GETV,
/// CHORUS.PUTV) and a connection (CHORUS.QUORUM). Whether the numbers fit the cluster (W and R
/// at most N, N at most the cluster's) is the core's to judge: it knows the cluster's N.
/// </summary>
public static class QuorumOptions
{
    /// <summary>A quorum size above this is refused outright (no cluster has that many replicas per key).</summary>
    public const int SizeMax = 64;

    /// <summary>The overrides, or null with <paramref name="error"/> set (Redis-style wording).</summary>
    public static QuorumOverrides? Parse(RespCommand command, int first, out string? error)
    {
        var sizes = new int?[3];
        error = null;
        for (var i = first; i < command.ArgumentCount; i += 2)
        {
            var name = Encoding.UTF8.GetString(command[i]).ToUpperInvariant();
            var slot = name switch { "N" => 0, "W" => 1, "R" => 2, _ => -1 };
            if (slot < 0)
            {
                error = $"ERR unknown quorum option '{Encoding.UTF8.GetString(command[i])}' (expected N, W or R)";
                return null;
            }
            if (i + 1 >= command.ArgumentCount || !IntegerText.TryParse(command[i + 1], out var value) || value is < 1 or > SizeMax)
            {
                error = $"ERR {name} must be an integer between 1 and {SizeMax}";
                return null;
            }
            if (sizes[slot] is not null)
            {
                error = $"ERR {name} given twice";
                return null;
            }
            sizes[slot] = (int)value;
        }
        return new QuorumOverrides(sizes[0], sizes[1], sizes[2]);
    }
}
