using Chorus.Core;

namespace Chorus.Node.Sessions;

/// <summary>
/// The log entries one write group made, first to last (both zero: none, or not known). A session
/// remembers these, not just how far it wrote, so a rollback can be matched to it entry by entry.
/// </summary>
public readonly record struct WriteGroup(Lsn First, Lsn Last)
{
    public bool IsKnown => Last > Lsn.Zero;
}
