using Chorus.Core;
using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Tests.Support;

/// <summary>Hand-made histories for checker tests; times are in milliseconds.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<Operation> _operations = [];
    private readonly Dictionary<string, int> _sessionPositions = [];

    /// <summary>A list value as APPEND builds it: "a,b,c,".</summary>
    public static string List(params string[] tokens) => string.Concat(tokens.Select(AppendList.Encode));

    public Operation Append(string client, string key, string token, double fromMs, double toMs, OpOutcome outcome = OpOutcome.Ok, long? length = null, LogPosition? at = null) =>
        Keep(Add(client, OpKind.Append, [key], token, fromMs, toMs, outcome) with { Integer = length, WrittenAt = at });

    public Operation Read(string client, string key, string? value, double fromMs, double toMs, string node = "n1") =>
        Keep(Add(client, OpKind.Read, [key], null, fromMs, toMs, OpOutcome.Ok, node) with { Values = [value] });

    public Operation MultiRead(string client, string[] keys, string?[] values, double fromMs, double toMs, string node = "n1") =>
        Keep(Add(client, OpKind.MultiRead, keys, null, fromMs, toMs, OpOutcome.Ok, node) with { Values = values });

    public Operation Write(string client, string key, string value, double fromMs, double toMs, OpOutcome outcome = OpOutcome.Ok) =>
        Add(client, OpKind.Write, [key], value, fromMs, toMs, outcome);

    public Operation SetIfAbsent(string client, string key, string value, bool applied, double fromMs, double toMs) =>
        Keep(Add(client, OpKind.SetIfAbsent, [key], value, fromMs, toMs, OpOutcome.Ok) with { Applied = applied });

    public Operation Increment(string client, string key, long? result, double fromMs, double toMs, OpOutcome outcome = OpOutcome.Ok) =>
        Keep(Add(client, OpKind.Increment, [key], null, fromMs, toMs, outcome) with { Integer = result });

    public OperationHistory Build() => new([.. _operations]);

    private Operation Add(string client, OpKind kind, string[] keys, string? value, double fromMs, double toMs, OpOutcome outcome, string node = "n1")
    {
        var index = _sessionPositions.GetValueOrDefault(client);
        _sessionPositions[client] = index + 1;
        var operation = new Operation(_operations.Count + 1, client, index, kind, keys, value, (long)(fromMs * 1000), (long)(toMs * 1000), outcome, node);
        _operations.Add(operation);
        return operation;
    }

    private Operation Keep(Operation operation)
    {
        _operations[operation.Id - 1] = operation;
        return operation;
    }
}
