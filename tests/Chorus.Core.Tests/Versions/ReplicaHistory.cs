using Chorus.Core.Versions;

namespace Chorus.Core.Tests.Versions;

/// <summary>
/// A random leaderless history for one key: clients read from and write through any replica
/// (the coordinator) with the context of their last read, and replicas sync pairwise at random.
/// Every write is recorded with its dot and the context it was written with, which gives the
/// oracle: after every replica has synced, the siblings are exactly the writes that no other
/// write's context contains.
/// </summary>
public sealed class ReplicaHistory
{
    private readonly Random _random;
    private readonly DottedVersionVectorSet<string>[] _replicas;
    private readonly VersionVector[] _clientContexts;

    public ReplicaHistory(Random random, int replicas = 3, int clients = 3)
    {
        _random = random;
        _replicas = [.. Enumerable.Repeat(DottedVersionVectorSet<string>.Empty, replicas)];
        _clientContexts = [.. Enumerable.Repeat(VersionVector.Empty, clients)];
    }

    public List<(Dot Dot, VersionVector Context, string Value)> Writes { get; } = [];

    public IReadOnlyList<DottedVersionVectorSet<string>> Replicas => _replicas;

    public ReplicaHistory Run(int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            var (replica, client) = (_random.Next(_replicas.Length), _random.Next(_clientContexts.Length));
            switch (_random.Next(4))
            {
                case 0:
                    _clientContexts[client] = _replicas[replica].Context;
                    break;
                case 1:
                    Write(client, replica);
                    break;
                case 2:
                    Write(client, replica);
                    _clientContexts[client] = _replicas[replica].Context;
                    break;
                default:
                    var other = _random.Next(_replicas.Length);
                    _replicas[replica] = _replicas[replica].Merge(_replicas[other]);
                    break;
            }
        }
        return this;
    }

    public DottedVersionVectorSet<string> Converged() => _replicas.Aggregate((a, b) => a.Merge(b));

    public IEnumerable<string> NotSuperseded() =>
        Writes.Where(w => !Writes.Any(other => other.Context.Contains(w.Dot))).Select(w => w.Value);

    private void Write(int client, int replica)
    {
        var value = $"w{Writes.Count}";
        var coordinator = Generate.Sites[replica];
        var context = _clientContexts[client];
        _replicas[replica] = _replicas[replica].Update(context, value, coordinator);
        var dot = _replicas[replica].Siblings.Single(s => s.Value == value).Dot;
        Assert.Equal(coordinator, dot.Node);
        Writes.Add((dot, context, value));
    }
}
