using System.Security.Cryptography;
using System.Text;
using Chorus.Core;

namespace Chorus.Server.Commands;

/// <summary>
/// Redis's master_replid: 40 hex characters naming a history. Chorus derives it from the leader
/// and epoch, so it changes exactly when a new leadership epoch starts (as Redis's does on failover).
/// </summary>
internal static class ReplicationId
{
    public static string Of(NodeId? leader, Epoch epoch) =>
        leader is null ? None : Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"chorus:{leader}:{epoch}")));

    public const string None = "0000000000000000000000000000000000000000";
}
