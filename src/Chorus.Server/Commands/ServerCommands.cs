namespace Chorus.Server.Commands;

/// <summary>Every server command (the data commands live in Chorus.Commands).</summary>
internal static class ServerCommands
{
    public static IReadOnlyList<ServerCommand> All { get; } =
    [
        .. ConnectionCommands.All,
        HelloCommand.Command,
        ClientCommand.Command,
        InfoCommand.Command,
        RoleCommand.Command,
        ConfigCommand.Command,
        DebugCommand.Command,
        CommandCommand.Command,
        WaitCommand.Command,
        LagCommand.Command,
        ChangeCapture.CdcCommand.Command,
        .. ConsistencyCommand.All,
        SessionCommand.Command,
        FaultCommand.Command,
        NodeCommand.Command,
        ResyncCommand.Command,
        QuorumCommand.Command,
        AclCommand.Command,
        .. MiscCommands.All,
        .. FailoverCommand.All,
        .. TransactionCommands.All,
        ScriptCommand.Command,
        .. PubSub.PubSubCommands.All,
        .. SitesCommands.All,
        Sentinel.SentinelCommand.Command,
    ];
}
