using System.Globalization;
using Chorus.Commands.Execution;
using Chorus.Transport.Grpc;

namespace Chorus.Server.Configuration;

/// <summary>
/// The <see cref="ClientLimits"/> parameters as text, as the configuration files and
/// CONFIG GET/SET see them (Redis's names, units and replies; chorus-max-write-bytes is ours).
/// </summary>
public static class ClientLimitSettings
{
    /// <summary>Redis's floor for proto-max-bulk-len and client-query-buffer-limit.</summary>
    private const long RedisMinimumBytes = 1L << 20;

    private const long WriteBytesMin = 1L << 10;

    /// <summary>The largest chorus-max-write-bytes whose entries still fit in one peer message.</summary>
    public static long WriteBytesMaxAllowed => WriteLimits.LargestFor(GrpcTransport.MessageBytesMax);

    private delegate string? Setter(ref ClientLimits limits, string value);

    private static readonly (string Name, Func<ClientLimits, string> Get, Setter Set)[] Parameters =
    [
        ("maxclients", l => Text(l.MaxClients), SetMaxClients),
        ("proto-max-bulk-len", l => Text(l.ProtoMaxBulkLen), SetProtoMaxBulkLen),
        ("client-query-buffer-limit", l => Text(l.QueryBufferBytesMax), SetQueryBufferLimit),
        ("client-output-buffer-limit", l => OutputText(l.Output), SetOutputLimit),
        ("maxmemory-clients", l => l.MaxMemoryClientsText, SetMaxMemoryClients),
        ("chorus-max-write-bytes", l => Text(l.Writes.WriteBytesMax), SetWriteBytes),
    ];

    public static IEnumerable<string> Names => Parameters.Select(p => p.Name);

    public static IEnumerable<(string Name, string Value)> Describe(ClientLimits limits) =>
        Parameters.Select(p => (p.Name, p.Get(limits)));

    /// <summary>Sets one parameter; null if <paramref name="name"/> is not one of these, else the outcome (an error text, or "").</summary>
    public static string? TrySet(ref ClientLimits limits, string name, string value)
    {
        foreach (var parameter in Parameters)
        {
            if (parameter.Name == name)
            {
                return parameter.Set(ref limits, value) ?? "";
            }
        }
        return null;
    }

    /// <summary>The limits a node starts with; throws <see cref="ConfigurationError"/> naming the bad setting.</summary>
    public static ClientLimits FromOptions(ChorusOptions options)
    {
        var limits = new ClientLimits();
        Apply(ref limits, "maxclients", options.MaxClients.ToString(CultureInfo.InvariantCulture), nameof(options.MaxClients));
        Apply(ref limits, "proto-max-bulk-len", options.ProtoMaxBulkLen, nameof(options.ProtoMaxBulkLen));
        Apply(ref limits, "client-query-buffer-limit", options.ClientQueryBufferLimit, nameof(options.ClientQueryBufferLimit));
        Apply(ref limits, "client-output-buffer-limit", "normal " + options.ClientOutputBufferLimit, nameof(options.ClientOutputBufferLimit));
        Apply(ref limits, "maxmemory-clients", options.MaxMemoryClients, nameof(options.MaxMemoryClients));
        Apply(ref limits, "chorus-max-write-bytes", options.MaxWriteBytes, nameof(options.MaxWriteBytes));
        return limits;
    }

    private static void Apply(ref ClientLimits limits, string name, string value, string setting)
    {
        if (TrySet(ref limits, name, value) is { Length: > 0 } error)
        {
            throw new ConfigurationError($"{setting}: {error}");
        }
    }

    private static string? SetMaxClients(ref ClientLimits limits, string value)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            return $"'{value}' is not a positive number of clients";
        }
        limits = limits with { MaxClients = count };
        return null;
    }

    private static string? SetProtoMaxBulkLen(ref ClientLimits limits, string value)
    {
        if (!TryBytes(value, RedisMinimumBytes, Array.MaxLength, out var bytes, out var error))
        {
            return error;
        }
        limits = limits with { ProtoMaxBulkLen = bytes };
        return null;
    }

    private static string? SetQueryBufferLimit(ref ClientLimits limits, string value)
    {
        if (!TryBytes(value, RedisMinimumBytes, Array.MaxLength, out var bytes, out var error))
        {
            return error;
        }
        limits = limits with { QueryBufferBytesMax = bytes };
        return null;
    }

    private static string? SetWriteBytes(ref ClientLimits limits, string value)
    {
        if (!TryBytes(value, WriteBytesMin, WriteBytesMaxAllowed, out var bytes, out var error))
        {
            return error + " (a log entry, twice this plus 1 MiB, must fit in one 64 MiB peer message)";
        }
        limits = limits with { Writes = new WriteLimits(bytes) };
        return null;
    }

    /// <summary>"normal hard soft seconds" (other classes — replica, pubsub — have no clients here and are accepted as Redis accepts them).</summary>
    private static string? SetOutputLimit(ref ClientLimits limits, string value)
    {
        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words.Length % 4 != 0)
        {
            return "Wrong number of arguments in buffer limit configuration.";
        }
        var output = limits.Output;
        for (var i = 0; i < words.Length; i += 4)
        {
            var clientClass = words[i].ToLowerInvariant();
            if (clientClass is not ("normal" or "replica" or "slave" or "pubsub")
                || !MemoryText.TryParse(words[i + 1], out var hard) || !MemoryText.TryParse(words[i + 2], out var soft)
                || !int.TryParse(words[i + 3], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return "Invalid argument in buffer limit configuration.";
            }
            if (clientClass == "normal")
            {
                output = new OutputBufferLimit(hard, soft, seconds);
            }
        }
        limits = limits with { Output = output };
        return null;
    }

    private static string? SetMaxMemoryClients(ref ClientLimits limits, string value)
    {
        var text = value.Trim();
        long bytes;
        if (text.EndsWith('%'))
        {
            if (!int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent) || percent > 100)
            {
                return $"'{value}' is not a percentage of the machine's memory";
            }
            bytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 100 * percent;
        }
        else if (!MemoryText.TryParse(text, out bytes))
        {
            return $"'{value}' is not a memory amount (bytes, 512mb, 2gb) or a percentage";
        }
        limits = limits with { MaxMemoryClientsBytes = bytes, MaxMemoryClientsText = text };
        return null;
    }

    private static bool TryBytes(string value, long min, long max, out long bytes, out string? error)
    {
        error = !MemoryText.TryParse(value, out bytes) ? $"'{value}' is not a memory amount (bytes, 512kb, 16mb)"
            : bytes < min || bytes > max ? $"{bytes} is out of range ({min} to {max} bytes)"
            : null;
        return error is null;
    }

    private static string OutputText(OutputBufferLimit output) =>
        string.Create(CultureInfo.InvariantCulture, $"normal {output.HardBytes} {output.SoftBytes} {output.SoftSeconds} replica 268435456 67108864 60 pubsub 33554432 8388608 60");

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
