namespace Chorus.Core.Versions;

/// <summary>
/// How two versions relate (DDIA ch. 5, "Detecting concurrent writes"): one happened before the
/// other, they are the same, or neither knew about the other (concurrent — a conflict).
/// </summary>
public enum CausalOrder
{
    Equal,
    /// <summary>The left version happened before the right one (the right one supersedes it).</summary>
    Before,
    /// <summary>The left version happened after the right one (it supersedes the right one).</summary>
    After,
    Concurrent,
}
