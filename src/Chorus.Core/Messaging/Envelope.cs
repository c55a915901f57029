namespace Chorus.Core.Messaging;

/// <summary>
/// A message between two nodes as the transport sees it: who sends it to whom, which protocol
/// family it belongs to, and its encoded bytes (opaque to the transport; each family owns its
/// codec, with a version byte of its own).
/// </summary>
/// <param name="KeepAlive">
/// The sender's family says this message may be sent again, unchanged, while the sender's loop
/// is busy with a long round (a leader's heartbeat, a follower's acknowledgement): a copy is a
/// duplicate the protocol already tolerates, and it tells the receiver the sender is alive, so a
/// node that spends seconds on one large write is not taken for dead. See the server's
/// BusyLoopKeepAlive.
/// </param>
public readonly record struct Envelope(NodeId From, NodeId To, MessageFamily Family, ReadOnlyMemory<byte> Bytes, MessageLane Lane = MessageLane.Control, bool KeepAlive = false);
