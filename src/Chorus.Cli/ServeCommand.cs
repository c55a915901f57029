using System.CommandLine;
using Chorus.Server.Configuration;
using Chorus.Server.Hosting;

namespace Chorus.Cli;

/// <summary>`chorus serve`: runs one node until SIGINT or SIGTERM, then stops it cleanly.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run one Chorus node.") { TreatUnmatchedTokensAsErrors = false };
        var config = new Option<string?>("--config") { Description = "JSON configuration file (settings as in docs/configuration.md)." };
        command.Options.Add(config);
        foreach (var (flag, (_, help)) in NodeConfiguration.Flags)
        {
            command.Options.Add(new Option<string?>(flag) { Description = help });
        }
        command.Options.Add(new Option<string?>("--peers") { Description = "Every member's peer address: n1=127.0.0.1:17379,n2=127.0.0.1:17380,..." });
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(config), RawArguments(result), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? configFile, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        ChorusOptions options;
        try
        {
            options = NodeConfiguration.Build(configFile, args);
            options.Validate();
        }
        catch (ConfigurationError e)
        {
            await Console.Error.WriteLineAsync($"chorus serve: {e.Message}");
            return 2;
        }
        using var stop = new ShutdownSignal(cancellationToken);
        try
        {
            return await ChorusNodeHost.RunAsync(options, stop.Token);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or Storage.RocksDb.StorageOpenException)
        {
            await Console.Error.WriteLineAsync($"chorus serve: the node stopped: {e.Message}");
            return 1;
        }
    }

    /// <summary>Everything after "serve", so any --Key=value setting reaches the configuration.</summary>
    private static List<string> RawArguments(ParseResult result)
    {
        var tokens = result.Tokens.Select(t => t.Value).ToList();
        var serve = tokens.IndexOf("serve");
        var args = serve >= 0 ? tokens.Skip(serve + 1).ToList() : tokens;
        var config = args.IndexOf("--config");
        if (config >= 0)
        {
            args.RemoveRange(config, Math.Min(2, args.Count - config));
        }
        return [.. args.Where(a => !a.StartsWith("--config=", StringComparison.Ordinal))];
    }
}
