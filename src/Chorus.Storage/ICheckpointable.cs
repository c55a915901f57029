namespace Chorus.Storage;

/// <summary>A storage engine that can copy itself, consistently, into a directory (for snapshots).</summary>
public interface ICheckpointable
{
    /// <summary>Writes an openable copy of the whole database to <paramref name="directory"/>, which must not exist.</summary>
    void CreateCheckpoint(string directory);
}
