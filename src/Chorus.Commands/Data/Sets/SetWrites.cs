using Chorus.Commands.Execution;
using Chorus.Commands.Logical;

namespace Chorus.Commands.Data.Sets;

/// <summary>Changes sets by recording row changes with exact before-images.</summary>
internal static class SetWrites
{
    /// <summary>
    /// Logs the removal of <paramref name="removed"/>: a <see cref="DeleteChange"/> when no
    /// member is left, a <see cref="SetRemoveChange"/> otherwise, nothing when none was removed.
    /// </summary>
    public static void RecordRemoval(WriteContext context, ReadOnlySpan<byte> key, List<byte[]> removed, int remaining)
    {
        if (remaining == 0)
        {
            context.Delete(key, DeleteReason.Command);
        }
        else if (removed.Count > 0)
        {
            context.Record(new SetRemoveChange(key.ToArray(), removed));
        }
    }
}
