using System.Buffers;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Resp;
using Chorus.Storage;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// Runs a read command against a node's local storage, as the RESP front end serves a read on a
/// connection thread, and parses the reply the client would get.
/// </summary>
internal sealed class LocalReader(CommandTable commands, IStorageEngine storage)
{
    private readonly RequestBatch _command = new();
    private readonly ArrayBufferWriter<byte> _reply = new(256);
    private Random _random = new(0);

    /// <summary>A new life of the node: reads that pick at random (SRANDMEMBER) draw from <paramref name="seed"/>.</summary>
    public void Reseed(int seed) => _random = new Random(seed);

    public RespValue Read(string[] command, long nowMs)
    {
        _command.Clear();
        _command.Add(command);
        var parsed = _command[0];
        Invariant.That(commands.TryGet(parsed[0], out var spec) && spec.Read is not null, $"{command[0]} is a read command");
        _reply.Clear();
        spec.Read!(new ReadContext(storage, _random) { NowMs = nowMs }, parsed, new RespWriter(_reply, RespProtocol.Resp2));
        return RespReplyParser.Parse(_reply.WrittenSpan);
    }
}
