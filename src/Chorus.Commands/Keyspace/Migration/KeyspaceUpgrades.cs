using Chorus.Storage;

namespace Chorus.Commands.Keyspace.Migration;

/// <summary>The storage upgrades this build can run on an older data directory (register them when opening storage).</summary>
public static class KeyspaceUpgrades
{
    public static IReadOnlyList<StorageUpgrade> All { get; } =
    [
        new StorageUpgrade(1, "one value per key → key records and one element per storage key, databases 0–15", FormatOneMigration.Run),
    ];
}
