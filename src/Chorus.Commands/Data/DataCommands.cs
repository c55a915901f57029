using Chorus.Commands.Data.Hashes;
using Chorus.Commands.Data.Keys;
using Chorus.Commands.Data.Lists;
using Chorus.Commands.Data.Sets;
using Chorus.Commands.Data.SortedSets;
using Chorus.Commands.Data.Strings;
using Chorus.Commands.Execution;

namespace Chorus.Commands.Data;

/// <summary>
/// Every data command (strings, keys, hashes, sets, lists, sorted sets, bitmaps). Names, arity, flags and key positions are
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
        DatabaseCommands.MoveSpec,
        DatabaseCommands.SwapDbSpec,
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
        ElementScan.HScanSpec,

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
        SetAlgebraCommands.SInterStoreSpec,
        SetAlgebraCommands.SUnionStoreSpec,
        SetAlgebraCommands.SDiffStoreSpec,
        SetAlgebraCommands.SInterCardSpec,
        SMoveCommand.Spec,
        ElementScan.SScanSpec,

        // Lists
        PushCommands.LPushSpec,
        PushCommands.RPushSpec,
        PushCommands.LPushXSpec,
        PushCommands.RPushXSpec,
        PopCommands.LPopSpec,
        PopCommands.RPopSpec,
        PopCommands.LMPopSpec,
        ListReadCommands.LLenSpec,
        ListReadCommands.LIndexSpec,
        ListReadCommands.LRangeSpec,
        ListEditCommands.LSetSpec,
        ListEditCommands.LInsertSpec,
        ListEditCommands.LRemSpec,
        ListEditCommands.LTrimSpec,
        LPosCommand.Spec,
        LMoveCommand.LMoveSpec,
        LMoveCommand.RPopLPushSpec,

        // Sorted sets
        ZAddCommand.ZAddSpec,
        ZAddCommand.ZIncrBySpec,
        ZRemCommands.ZRemSpec,
        ZReadCommands.ZCardSpec,
        ZReadCommands.ZScoreSpec,
        ZReadCommands.ZMScoreSpec,
        ZReadCommands.ZRankSpec,
        ZReadCommands.ZRevRankSpec,
        ZReadCommands.ZCountSpec,
        ZReadCommands.ZLexCountSpec,
        ZRangeCommands.ZRangeSpec,
        ZRangeCommands.ZRangeByScoreSpec,
        ZRangeCommands.ZRevRangeByScoreSpec,
        ZRangeCommands.ZRangeByLexSpec,
        ZRangeCommands.ZRevRangeByLexSpec,
        ZRangeCommands.ZRevRangeSpec,
        ZRangeCommands.ZRangeStoreSpec,
        ZRemCommands.ZRemRangeByRankSpec,
        ZRemCommands.ZRemRangeByScoreSpec,
        ZRemCommands.ZRemRangeByLexSpec,
        ZPopCommands.ZPopMinSpec,
        ZPopCommands.ZPopMaxSpec,
        ZPopCommands.ZMPopSpec,
        ZAlgebraCommands.ZUnionStoreSpec,
        ZAlgebraCommands.ZInterStoreSpec,
        ZAlgebraCommands.ZDiffStoreSpec,
        ZAlgebraCommands.ZUnionSpec,
        ZAlgebraCommands.ZInterSpec,
        ZAlgebraCommands.ZDiffSpec,
        ZAlgebraCommands.ZInterCardSpec,
        ZRandMemberCommand.Spec,
        ElementScan.ZScanSpec,
    ];
}
