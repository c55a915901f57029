namespace Chorus.Storage;

/// <summary>
/// Turns a database in format <see cref="FromVersion"/> into format <see cref="FromVersion"/> + 1,
/// in place. The engine runs it when it opens an older directory, then records the new version.
/// <see cref="Run"/> must be resumable: a crash part-way leaves the version unchanged, and the
/// next open runs it again over whatever it left.
/// </summary>
/// <param name="FromVersion">The format version this step reads.</param>
/// <param name="Description">What the step does, for the node's log.</param>
/// <param name="Run">The step: reads and writes through the engine, syncing what it commits.</param>
public sealed record StorageUpgrade(uint FromVersion, string Description, Action<IStorageEngine> Run);
