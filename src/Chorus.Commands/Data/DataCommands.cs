using Chorus.Commands.Data.Hashes;
using Chorus.Commands.Data.Keys;
using Chorus.Commands.Data.Sets;
using Chorus.Commands.Data.Strings;
using Chorus.Commands.Execution;

namespace Chorus.Commands.Data;

/// <summary>
/// Every data command (strings, keys, hashes, sets). Names, arity, flags and key positions are
/// Redis 7's, as COMMAND INFO reports them. Server commands live in the server.
/// </summary>
public static class DataCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        // Strings
        GetCommand.Spec,
        SetCommand.Spec,
        SetNxCommand.Spec,
        SetExCommand.SetExSpec,
        SetExCommand.PSetExSpec,
        GetExCommand.Spec,
        GetSetCommand.GetSetSpec,
        GetSetCommand.GetDelSpec,
        MGetCommand.Spec,
        MSetCommand.MSetSpec,
        MSetCommand.MSetNxSpec,
        IncrementCommands.IncrSpec,
        IncrementCommands.IncrBySpec,
        IncrementCommands.DecrSpec,
        IncrementCommands.DecrBySpec,
        IncrByFloatCommand.Spec,
        AppendCommand.Spec,
        StrLenCommand.Spec,
        GetRangeCommand.Spec,
        GetRangeCommand.SubstrSpec,
        SetRangeCommand.Spec,

        // Keys
        DelCommand.Spec,
        DelCommand.UnlinkSpec,
        ExistsCommand.Spec,
        ExistsCommand.TouchSpec,
        TypeCommand.Spec,
        ExpireCommands.ExpireSpec,
        ExpireCommands.PExpireSpec,
        ExpireCommands.ExpireAtSpec,
        ExpireCommands.PExpireAtSpec,
        TtlCommands.TtlSpec,
        TtlCommands.PTtlSpec,
        TtlCommands.ExpireTimeSpec,
        TtlCommands.PExpireTimeSpec,
        PersistCommand.Spec,
        ScanCommand.Spec,
        KeysCommand.Spec,
        DbSizeCommand.Spec,
        RandomKeyCommand.Spec,
        FlushCommands.FlushAllSpec,
        FlushCommands.FlushDbSpec,
        RenameCommands.RenameSpec,
        RenameCommands.RenameNxSpec,
        DigestCommand.Spec,

        // Hashes
        HSetCommand.HSetSpec,
        HSetCommand.HMSetSpec,
        HSetNxCommand.Spec,
        HGetCommand.HGetSpec,
        HGetCommand.HMGetSpec,
        HGetAllCommand.HGetAllSpec,
        HGetAllCommand.HKeysSpec,
        HGetAllCommand.HValsSpec,
        HDelCommand.Spec,
        HLenCommand.HLenSpec,
        HLenCommand.HExistsSpec,
        HLenCommand.HStrLenSpec,
        HIncrByCommand.Spec,
        HIncrByFloatCommand.Spec,
        HRandFieldCommand.Spec,

        // Sets
        SAddCommand.Spec,
        SRemCommand.Spec,
        SMembersCommand.Spec,
        SIsMemberCommand.SIsMemberSpec,
        SIsMemberCommand.SMIsMemberSpec,
        SIsMemberCommand.SCardSpec,
        SPopCommand.Spec,
        SRandMemberCommand.Spec,
        SetAlgebraCommands.SInterSpec,
        SetAlgebraCommands.SUnionSpec,
        SetAlgebraCommands.SDiffSpec,
    ];
}
