using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Node.Tests.Driver;
using Chorus.Replication;
using Chorus.Resp;
using Chorus.Storage.InMemory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Node.Tests.Families;

/// <summary>
/// The seam the node shell offers replication families (docs/architecture.md): a core that is not
/// single-leader runs through the same driver, loop round, Ready carrier and client batches.
/// </summary>
public sealed class SecondFamilyTests
{
    private const long NowMs = 1_700_000_000_000;

    [Fact]
    public void A_toy_family_runs_through_the_unchanged_node_shell()
    {
        NodeId[] members = [new("a"), new("b")];
        var sent = new List<Envelope>();
        var a = Node(members[0], members, sent);
        var b = Node(members[1], members, sent);

        using var batch = new ClientWriteBatch();
        batch.Commands.Add(["SET", "k", "v"]);
        batch.Commands.Add(["INCR", "n"]);
        a.Inbox.Post(new ClientWritesInput(batch));
        LoopRound.Run(a.Driver, a.Inbox, NowMs);

        Assert.True(batch.Completion.IsCompleted, "the toy core acknowledges once stored");
        Assert.Equal(["OK", "1"], Replies(batch));
        Assert.Equal(new Lsn(2), a.Driver.Applied.Applied);
        Assert.Equal("v", Read(a.Storage, "GET", "k"));

        // Its announcements travel in its own family; the shell routes them to b's core.
        Assert.All(sent, e => Assert.Equal(BroadcastCore.Tag, e.Family));
        foreach (var envelope in sent.ToArray())
        {
            b.Inbox.Deliver(envelope);
        }
        b.Inbox.Deliver(new Envelope(members[0], members[1], MessageFamily.SingleLeader, new byte[] { 1, 2, 3 }));
        LoopRound.Run(b.Driver, b.Inbox, NowMs + 10);
        Assert.Equal([new Lsn(1), new Lsn(2)], ((BroadcastCore)b.Driver.Core).Heard.Select(h => h.Lsn));
        Assert.Equal(NodeRole.Leader, b.Driver.Status.Role);
    }

    private static (NodeDriver Driver, NodeInbox Inbox, InMemoryStorageEngine Storage) Node(NodeId id, NodeId[] members, List<Envelope> sent)
    {
        var storage = new InMemoryStorageEngine();
        var driver = new NodeDriver(new NodeDriverOptions(id, new BroadcastFamily(members)), storage, new CommandTable(DataCommands.All), new Outbox(sent), new MemoryRollbackSink(), NullLogger.Instance);
        driver.Start(NowMs);
        return (driver, new NodeInbox(id), storage);
    }

    private static List<string?> Replies(ClientWriteBatch batch) => [.. DriverCluster.Replies(batch).Select(r => r.IsError ? r.AsString() : r.Kind == RespValueKind.Integer ? r.AsInteger().ToString(System.Globalization.CultureInfo.InvariantCulture) : r.AsString())];

    private static string? Read(InMemoryStorageEngine storage, params string[] command)
    {
        var commands = new CommandTable(DataCommands.All);
        using var request = new RequestBatch();
        request.Add(command);
        Assert.True(commands.TryGet(request[0][0], out var spec));
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        spec.Read!(new ReadContext(storage) { NowMs = NowMs }, request[0], new RespWriter(output, RespProtocol.Resp2));
        return RespReplyParser.Parse(output.WrittenSpan).AsString();
    }

    private sealed class Outbox(List<Envelope> sent) : ITransport
    {
        public void Send(Envelope message) => sent.Add(message);
    }
}
