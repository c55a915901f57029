using Chorus.Core;

namespace Chorus.Node.Sessions;

/// <summary>What a leader knows when it answers for a session: its epoch, where its log ends, and its commit point.</summary>
public readonly record struct LeaderView(Epoch Epoch, Lsn LogEnd, Lsn Committed);
