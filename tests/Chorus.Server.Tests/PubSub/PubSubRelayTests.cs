using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Messaging;
using Chorus.Node;
using Chorus.Server.PubSub;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Server.Tests.PubSub;

/// <summary>Issue 15: a PUBLISH reaches every node (docs/pubsub.md, "Every node hears a PUBLISH").</summary>
public sealed class PubSubRelayTests
{
    private static readonly NodeId Self = new("n1");

    [Fact]
    public void A_publication_survives_its_encoding()
    {
        var publication = new PeerPublication(new Lsn(42), "chan"u8.ToArray(), [0, 1, 255]);
        var decoded = PeerPublication.Decode(publication.Encode());
        Assert.Equal(publication.AfterLsn, decoded.AfterLsn);
        Assert.Equal(publication.Channel, decoded.Channel);
        Assert.Equal(publication.Message, decoded.Message);
        Assert.Throws<CorruptDataException>(() => PeerPublication.Decode(publication.Encode()[..^1]));
    }

    [Fact]
    public void A_client_publication_goes_once_to_each_peer_stamped_with_what_this_node_applied()
    {
        var sent = new List<Envelope>();
        var applied = new AppliedLsnWaiters();
        applied.Advance(new Lsn(7));
        var relay = new PubSubRelay(new PubSubHub(), Self, () => [Self, new NodeId("n2"), new NodeId("n3")], sent.Add, applied, _ => true, NullLogger.Instance);

        Assert.Equal(0, relay.Publish("c"u8.ToArray(), "m"u8.ToArray()));

        Assert.Equal(["n2", "n3"], sent.Select(e => e.To.Value));
        Assert.All(sent, e => Assert.Equal(MessageFamily.PubSub, e.Family));
        Assert.Equal(new Lsn(7), PeerPublication.Decode(sent[0].Bytes.Span).AfterLsn);
    }

    [Fact]
    public async Task A_peer_publication_waits_until_this_node_applied_its_publishers_position_and_keeps_its_order()
    {
        var applied = new AppliedLsnWaiters();
        var hub = new PubSubHub();
        var subscriber = new Subscriber();
        hub.Subscribe(subscriber, "c"u8.ToArray(), pattern: false);
        var relay = new PubSubRelay(hub, Self, () => [], _ => { }, applied, _ => true, NullLogger.Instance);
        var from = new NodeId("n2");

        relay.Receive(new Envelope(from, Self, MessageFamily.PubSub, new PeerPublication(new Lsn(5), "c"u8.ToArray(), "first"u8.ToArray()).Encode()));
        relay.Receive(new Envelope(from, Self, MessageFamily.PubSub, new PeerPublication(Lsn.Zero, "c"u8.ToArray(), "second"u8.ToArray()).Encode()));
        Assert.Equal(0, relay.Received); // "second" needs nothing, but may not overtake "first"

        applied.Advance(new Lsn(5));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var output = new System.IO.Pipelines.Pipe();
        _ = subscriber.PumpAsync(output.Writer, new SemaphoreSlim(1), deadline.Token);
        var text = "";
        while (!text.Contains("second", StringComparison.Ordinal))
        {
            var read = await output.Reader.ReadAsync(deadline.Token);
            text = System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(read.Buffer));
            output.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        Assert.True(text.IndexOf("first", StringComparison.Ordinal) < text.IndexOf("second", StringComparison.Ordinal), text);
        Assert.Equal(2, relay.Received);
        Assert.Equal(0, relay.Dropped);
    }
}
