namespace Chorus.Core.Messaging;

/// <summary>
/// A message between two nodes as the transport sees it: who sends it to whom, which protocol
/// family it belongs to, and its encoded bytes (opaque to the transport; each family owns its
/// codec, with a version byte of its own).
/// </summary>
public readonly record struct Envelope(NodeId From, NodeId To, MessageFamily Family, ReadOnlyMemory<byte> Bytes, MessageLane Lane = MessageLane.Control);
