using Chorus.Core;

namespace Chorus.Node;

/// <summary>A WAIT in progress: complete when <see cref="Count"/> followers hold <see cref="Lsn"/>, or at the deadline.</summary>
internal sealed record ReplicaWait(Lsn Lsn, int Count, long DeadlineMs, TaskCompletionSource<int> Completion);
