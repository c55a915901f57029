using System.Runtime.CompilerServices;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// Runtime settings for every process the tests start (nodes, `chorus lab`, `cluster up` and the
/// nodes those start in turn, all of which inherit this process's environment).
/// </summary>
/// A test's node lives seconds to a minute, most of it starting: the JIT, not the node, takes
/// most of its CPU (docs/testing.md). Dynamic PGO (on in chorus.runtimeconfig.json for long-lived
/// production nodes) compiles each hot method once more, instrumented, before its optimised
/// version: on the tests' 2-core machine that extra compiling competes with the test itself. It
/// changes which machine code runs, never what the node does, so the tests still exercise the
/// product as built. A DOTNET_TieredPGO already set by whoever runs the tests wins.
internal static class NodeRuntimeSettings
{
    public const string TieredPgo = "DOTNET_TieredPGO";

    [ModuleInitializer]
    internal static void ForChildProcesses()
    {
        if (Environment.GetEnvironmentVariable(TieredPgo) is null)
        {
            Environment.SetEnvironmentVariable(TieredPgo, "0");
        }
    }
}
