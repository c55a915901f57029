namespace Chorus.Core.Encoding;

/// <summary>Stored or received bytes that do not decode. Never silently repaired.</summary>
public sealed class CorruptDataException(string message) : Exception(message);
