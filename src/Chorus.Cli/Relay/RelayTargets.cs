using System.Globalization;
using System.Text;
using System.Text.Json;
using Chorus.Client;
using Chorus.Resp;
using Npgsql;
using NpgsqlTypes;

namespace Chorus.Cli.Relay;

/// <summary>A relay target: applies a batch of row ops, all or (on an exception) possibly some — redelivery is harmless.</summary>
internal interface IRelayTarget : IAsyncDisposable
{
    string Describe { get; }

    Task ApplyAsync(IReadOnlyList<RowOp> ops, CancellationToken cancellationToken);

    static IRelayTarget Create(TargetSpec spec) => spec.Kind == TargetKind.Postgres ? new PostgresTarget(spec) : new RespTarget(spec);
}

/// <summary>A target that refused a write: the relay holds back and retries, it never skips.</summary>
internal sealed class TargetRefused(string message) : Exception(message);

/// <summary>
/// A Redis server or another Chorus cluster, written over RESP in one pipeline per batch: a string
/// row is SET, a hash row HSET/HDEL, a set's SADD/SREM, a sorted set's ZADD/ZREM, a patch
/// SETRANGE, an expiry PEXPIREAT (PERSIST), a deletion DEL. Replaying them from a position in
/// log order leaves the target as the source has it, so redelivered ops are harmless. (A
/// redelivered APPEND is a SETRANGE at the offset it wrote, not a second append.)
/// </summary>
internal sealed class RespTarget(TargetSpec spec) : IRelayTarget
{
    private RespConnection? _connection;

    public string Describe => $"{spec.Kind.ToString().ToLowerInvariant()} {spec.Endpoint}";

    public async Task ApplyAsync(IReadOnlyList<RowOp> ops, CancellationToken cancellationToken)
    {
        var commands = ops.SelectMany(Commands).ToList();
        if (commands.Count == 0)
        {
            return;
        }
        try
        {
            _connection ??= await Connect(cancellationToken);
            var replies = await _connection.PipelineAsync(commands, cancellationToken);
            if (replies.FirstOrDefault(r => r.Kind == RespValueKind.Error) is { } error)
            {
                throw new TargetRefused($"{Describe} refused a write: {error.AsString()}");
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await DisposeAsync();
            throw new TargetRefused($"{Describe} is unreachable: {e.Message}");
        }
    }

    private async Task<RespConnection> Connect(CancellationToken cancellationToken)
    {
        var (host, port) = Endpoints.Parse(spec.Endpoint, "target")[0];
        return await RespConnection.ConnectAsync(host, port, TimeSpan.FromSeconds(5), cancellationToken);
    }

    private static IEnumerable<IReadOnlyList<byte[]>> Commands(RowOp op)
    {
        switch (op)
        {
            case DeleteOp:
                yield return Args("DEL", op.Key);
                break;
            case UpsertOp { Whole: true } whole when whole.Fields.Count == 1:
                yield return Args("SET", op.Key, whole.Fields.Values.Single());
                break;
            case UpsertOp { Whole: true }:
                yield return Args("DEL", op.Key); // the projection left nothing of the value
                break;
            case UpsertOp { Shape: RowShape.Set } set:
                if (set.Fields.Count > 0)
                {
                    yield return Args(["SADD", op.Key, .. set.Fields.Keys]);
                }
                if (set.Removed.Count > 0)
                {
                    yield return Args(["SREM", op.Key, .. set.Removed]);
                }
                break;
            case UpsertOp { Shape: RowShape.SortedSet } sorted:
                if (sorted.Fields.Count > 0)
                {
                    yield return Args(["ZADD", op.Key, .. sorted.Fields.SelectMany(f => new[] { f.Value, f.Key })]);
                }
                if (sorted.Removed.Count > 0)
                {
                    yield return Args(["ZREM", op.Key, .. sorted.Removed]);
                }
                break;
            case UpsertOp patch:
                if (patch.Fields.Count > 0)
                {
                    yield return Args(["HSET", op.Key, .. patch.Fields.SelectMany(f => new[] { f.Key, f.Value })]);
                }
                if (patch.Removed.Count > 0)
                {
                    yield return Args(["HDEL", op.Key, .. patch.Removed]);
                }
                break;
            case PatchOp bytes:
                yield return [Encoding.UTF8.GetBytes("SETRANGE"), Encoding.UTF8.GetBytes(op.Key), Encoding.UTF8.GetBytes(bytes.Offset.ToString(CultureInfo.InvariantCulture)), bytes.Bytes];
                break;
            case ExpireOp { ExpiresAtMs: 0 }:
                yield return Args("PERSIST", op.Key);
                break;
            case ExpireOp expire:
                yield return Args("PEXPIREAT", op.Key, expire.ExpiresAtMs.ToString(CultureInfo.InvariantCulture));
                break;
        }
    }

    private static byte[][] Args(params string[] args) => [.. args.Select(Encoding.UTF8.GetBytes)];

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }
}

/// <summary>
/// A PostgreSQL table <c>(key text primary key, fields jsonb, lsn bigint, idx int)</c>, created if
/// missing. <c>fields</c> holds a string as <c>{"value": "…"}</c>, a hash as its fields, a set as
/// <c>{"member": true, …}</c> and a sorted set as <c>{"member": score, …}</c> (a number; "inf" and
/// "-inf" as strings). A batch is one transaction. Upserts and deletions are guarded by the change's position
/// — a row never goes back to an older change — and redelivery replays in log order.
/// </summary>
internal sealed class PostgresTarget(TargetSpec spec) : IRelayTarget
{
    private NpgsqlDataSource? _source;
    private bool _tableReady;

    public string Describe => $"postgres table {spec.Table}";

    public async Task ApplyAsync(IReadOnlyList<RowOp> ops, CancellationToken cancellationToken)
    {
        if (ops.Count == 0)
        {
            return;
        }
        try
        {
            _source ??= NpgsqlDataSource.Create(spec.Endpoint);
            await using var connection = await _source.OpenConnectionAsync(cancellationToken);
            if (!_tableReady)
            {
                await using var create = new NpgsqlCommand($"CREATE TABLE IF NOT EXISTS {spec.Table} (key text PRIMARY KEY, fields jsonb NOT NULL, lsn bigint NOT NULL, idx int NOT NULL)", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
                _tableReady = true;
            }
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var op in ops)
            {
                batch.BatchCommands.Add(Command(op));
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            throw new TargetRefused($"{Describe} refused the batch: {OneLine(e)}");
        }
    }

    /// <summary>
    /// A server error as one line: Npgsql's Message appends a DETAIL paragraph (redacted unless the
    /// connection string asks for it), which would split the relay's status line in two.
    /// </summary>
    private static string OneLine(Exception e) =>
        e is PostgresException server ? $"{server.SqlState}: {server.MessageText}" : e.Message.ReplaceLineEndings(" ");

    private NpgsqlBatchCommand Command(RowOp op)
    {
        var guard = $"({spec.Table}.lsn, {spec.Table}.idx) < (@lsn, @idx)";
        var command = op switch
        {
            DeleteOp => new NpgsqlBatchCommand($"DELETE FROM {spec.Table} WHERE key = @key AND {guard.Replace($"{spec.Table}.", "", StringComparison.Ordinal)}"),
            UpsertOp { Whole: true } => new NpgsqlBatchCommand(
                $"INSERT INTO {spec.Table} AS t (key, fields, lsn, idx) VALUES (@key, @fields, @lsn, @idx) " +
                $"ON CONFLICT (key) DO UPDATE SET fields = EXCLUDED.fields, lsn = EXCLUDED.lsn, idx = EXCLUDED.idx WHERE (t.lsn, t.idx) < (EXCLUDED.lsn, EXCLUDED.idx)"),
            _ => new NpgsqlBatchCommand(
                $"INSERT INTO {spec.Table} AS t (key, fields, lsn, idx) VALUES (@key, @fields, @lsn, @idx) " +
                $"ON CONFLICT (key) DO UPDATE SET fields = (t.fields || EXCLUDED.fields) - @removed, lsn = EXCLUDED.lsn, idx = EXCLUDED.idx WHERE (t.lsn, t.idx) < (EXCLUDED.lsn, EXCLUDED.idx)"),
        };
        command.Parameters.AddWithValue("key", op.Key);
        command.Parameters.AddWithValue("lsn", (long)op.Lsn);
        command.Parameters.AddWithValue("idx", op.Index);
        if (op is UpsertOp upsert)
        {
            command.Parameters.AddWithValue("fields", NpgsqlDbType.Jsonb, FieldsJson(upsert));
            if (!upsert.Whole)
            {
                command.Parameters.AddWithValue("removed", NpgsqlDbType.Array | NpgsqlDbType.Text, upsert.Removed.ToArray());
            }
        }
        return command;
    }

    private static string FieldsJson(UpsertOp upsert) => upsert.Shape switch
    {
        RowShape.Set => JsonSerializer.Serialize(upsert.Fields.ToDictionary(f => f.Key, _ => true)),
        RowShape.SortedSet => JsonSerializer.Serialize(upsert.Fields.ToDictionary(f => f.Key, f => ScoreJson(f.Value))),
        _ => JsonSerializer.Serialize(upsert.Fields),
    };

    private static object ScoreJson(string score) =>
        double.TryParse(score, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : score;

    public async ValueTask DisposeAsync()
    {
        if (_source is { } source)
        {
            _source = null;
            await source.DisposeAsync();
        }
    }
}
