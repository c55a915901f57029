using System.Text;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>INFO [section ...]: server, clients, persistence, stats, replication, keyspace; all, everything, default.</summary>
internal static class InfoCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("INFO", -1, CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Execute);

    private static async ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        await context.Node.RefreshStatusAsync();
        var sections = new List<string>();
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            var name = Encoding.UTF8.GetString(command[i]).ToLowerInvariant();
            if (name is "all" or "everything" or "default")
            {
                sections.AddRange(InfoBuilder.DefaultSections);
            }
            else if (!sections.Contains(name))
            {
                sections.Add(name);
            }
        }
        var text = InfoBuilder.Build(context.Node, sections.Count == 0 ? InfoBuilder.DefaultSections : sections);
        reply.WriteVerbatimString("txt", Encoding.UTF8.GetBytes(text));
    }
}
