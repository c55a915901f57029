namespace Chorus.Storage.RocksDb;

/// <summary>
/// A node's storage directory cannot be opened: it is locked by another process, it holds an
/// unknown format, or RocksDB refused it. The message names the directory, for the operator.
/// </summary>
public sealed class StorageOpenException(string message, Exception? innerException = null)
    : Exception(message, innerException);
