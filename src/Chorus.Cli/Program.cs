using System.CommandLine;
using Chorus.Cli;

var root = new RootCommand("Chorus: a replicated key-value database that speaks the Redis protocol.")
{
    ServeCommand.Create(),
    ClusterUpCommand.Create(),
    StatusCommand.Create(),
    NodeCommand.Create(),
    FailoverCommand.Create(),
    RollbacksCommand.Create(),
    CertCommand.Create(),
    SimCommand.Create(),
    LeaderlessSimCommand.Create(),
    LeaderlessLimitsCommand.Create(),
    LeaderlessFaultsCommand.Create(),
    Chorus.Cli.Relay.RelayCommand.Create(),
    Chorus.Cli.Lab.LabCommand.Create(),
};
// Signals are handled by the commands themselves, which stop nodes cleanly however long it takes.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
