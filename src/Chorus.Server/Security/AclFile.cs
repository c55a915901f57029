namespace Chorus.Server.Security;

/// <summary>
/// Redis's ACL file: one "user &lt;name&gt; &lt;rules…&gt;" line per user. Loaded at start-up and by
/// ACL LOAD (all or nothing: one bad line and nothing changes), written by ACL SAVE (to a
/// temporary file, then renamed over the old one).
/// </summary>
public static class AclFile
{
    public static void Load(AccessControl access, string path)
    {
        var declarations = new List<(string, IReadOnlyList<string>)>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var words = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words[0].StartsWith('#'))
            {
                continue;
            }
            if (words.Length < 2 || words[0] != "user")
            {
                throw new AclException($"{path}:{number}: should start with user keyword");
            }
            declarations.Add((words[1], words[2..]));
        }
        try
        {
            access.ReplaceAll(declarations);
        }
        catch (AclException e)
        {
            throw new AclException($"{path}: {e.Message}");
        }
    }

    public static void Save(AccessControl access, string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, access.Users.Select(AclRules.Describe));
        File.Move(temporary, path, overwrite: true);
    }
}
