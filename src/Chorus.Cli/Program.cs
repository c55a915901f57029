using System.CommandLine;
using Chorus.Cli;

var root = new RootCommand("Chorus: a replicated key-value database that speaks the Redis protocol.")
{
    ServeCommand.Create(),
    ClusterUpCommand.Create(),
    StatusCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
