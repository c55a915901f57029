using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Net;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Server.Security;

/// <summary>
/// This node's users and their permissions (Redis's ACL model; per node, as in Redis — see
/// docs/security.md), the checks every command goes through, and the log of denials (ACL LOG).
/// Thread-safe: the users are an immutable map replaced whole by every change.
/// </summary>
public sealed class AccessControl
{
    public const string NoAuthError = "NOAUTH Authentication required.";
    public const string WrongPassError = "WRONGPASS invalid username-password pair or user is disabled.";
    public const string KeyDenied = "this user has no permissions to access one of the keys used as arguments";

    private readonly FrozenSet<string> _commandNames;
    private ImmutableSortedDictionary<string, AclUser> _users = ImmutableSortedDictionary.Create<string, AclUser>(StringComparer.Ordinal).Add("default", AclUser.NewDefault());

    public AccessControl(IEnumerable<CommandSpec> commands)
        : this(commands.Select(c => c.Name.ToLowerInvariant()).ToFrozenSet(StringComparer.Ordinal))
    {
    }

    private AccessControl(FrozenSet<string> commandNames) => _commandNames = commandNames;

    public AclLog Log { get; } = new();

    private long _version;

    /// <summary>Changes with every change to the users: connections then look their user up again.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>
    /// The current version of the user a connection authenticated as: changes apply at once, and
    /// a user deleted or switched off is no longer authenticated (its next command gets NOAUTH).
    /// </summary>
    public AclUser? Refresh(AclUser? user) => user is null ? null : Find(user.Name) is { Enabled: true } current ? current : null;

    public IReadOnlyCollection<AclUser> Users => _users.Values.ToList();

    public AclUser Default => _users["default"];

    public AclUser? Find(string name) => _users.GetValueOrDefault(name);

    /// <summary>
    /// Who a new connection is: the default user when it is on and needs no password (Redis's
    /// rule), else nobody until AUTH.
    /// </summary>
    public AclUser? InitialUser() => Default is { Enabled: true, NoPass: true } user ? user : null;

    /// <summary>
    /// Redis's protected mode: while the default user needs no password, only loopback clients
    /// may connect.
    /// </summary>
    public bool RefusesRemote(EndPoint? remote, bool protectedMode) =>
        protectedMode && Default is { Enabled: true, NoPass: true } && !IsLoopback(remote);

    public static bool IsLoopback(EndPoint? remote) => remote switch
    {
        IPEndPoint ip => IPAddress.IsLoopback(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address),
        System.Net.Sockets.UnixDomainSocketEndPoint => true,
        _ => false,
    };

    /// <summary>The user <paramref name="name"/> if it is on and <paramref name="password"/> is one of its passwords.</summary>
    public AclUser? Authenticate(string name, string password) =>
        Find(name) is { Enabled: true } user && user.PasswordMatches(password) ? user : null;

    /// <summary>ACL SETUSER: applies <paramref name="rules"/> to the user (created, off and without permissions, if new).</summary>
    public void SetUser(string name, IEnumerable<string> rules)
    {
        var user = Find(name) ?? new AclUser(name) { CommandRules = ["-@all"] };
        foreach (var rule in rules)
        {
            try
            {
                user = AclRules.Apply(user, rule, _commandNames);
            }
            catch (FormatException e)
            {
                throw new AclException($"Error in ACL SETUSER modifier '{rule}': {e.Message}");
            }
        }
        ImmutableInterlocked.Update(ref _users, users => users.SetItem(name, user));
        Interlocked.Increment(ref _version);
    }

    /// <summary>Removes users (never "default"); returns how many existed.</summary>
    public int DeleteUsers(IReadOnlyCollection<string> names)
    {
        if (names.Contains("default"))
        {
            throw new AclException("The 'default' user cannot be removed");
        }
        var removed = names.Count(n => _users.ContainsKey(n));
        ImmutableInterlocked.Update(ref _users, users => users.RemoveRange(names));
        Interlocked.Increment(ref _version);
        return removed;
    }

    /// <summary>Replaces every user (ACL LOAD, start-up). A list without "default" keeps the standard default user.</summary>
    public void ReplaceAll(IEnumerable<(string Name, IReadOnlyList<string> Rules)> declarations)
    {
        var staged = new AccessControl(_commandNames);
        foreach (var (name, rules) in declarations)
        {
            staged.SetUser(name, name == "default" ? ["reset", .. rules] : rules);
        }
        _users = staged._users;
        Interlocked.Increment(ref _version);
    }

    /// <summary>requirepass: the default user's only password (empty: nopass).</summary>
    public void SetRequirePass(string password) =>
        SetUser("default", password.Length == 0 ? ["nopass"] : ["resetpass", ">" + password]);

    /// <summary>
    /// Whether <paramref name="user"/> may run <paramref name="command"/>: null if so, else why
    /// not (logged in ACL LOG unless <paramref name="log"/> is false, as for ACL DRYRUN).
    /// </summary>
    public AclDenial? Check(AclUser user, CommandSpec spec, RespCommand command, Func<string>? clientInfo = null, bool log = true)
    {
        if (user.AllowsEverything)
        {
            return null;
        }
        var subcommand = command.ArgumentCount > 1 && HasSubcommands(spec) ? System.Text.Encoding.UTF8.GetString(command[1]).ToLowerInvariant() : null;
        AclDenial? denial = null;
        if (!user.MayRun(spec, subcommand))
        {
            denial = new AclDenial("command", subcommand is null ? spec.Name.ToLowerInvariant() : $"{spec.Name.ToLowerInvariant()}|{subcommand}");
        }
        else if (Keys(spec, command).FirstOrDefault(k => !user.MayAccess(k.Key, k.Write)) is { Key: not null } key)
        {
            denial = new AclDenial("key", System.Text.Encoding.UTF8.GetString(key.Key));
        }
        if (denial is not null && log)
        {
            Log.Add(denial.Reason, denial.Object, user.Name, clientInfo?.Invoke() ?? "");
        }
        return denial;
    }

    /// <summary>Commands whose first argument names what they do (CONFIG GET, CLIENT KILL, ACL SETUSER).</summary>
    public static bool HasSubcommands(CommandSpec spec) =>
        spec.Name is "CONFIG" or "CLIENT" or "ACL" or "COMMAND" or "CHORUS.NODE" or "CHORUS.RING" or "CLUSTER";

    /// <summary>The key arguments, from the command's first/last key and step (Redis's legacy key positions).</summary>
    internal static IEnumerable<(byte[] Key, bool Write)> Keys(CommandSpec spec, RespCommand command)
    {
        var write = (spec.Flags & CommandFlags.Write) != 0;
        return spec.KeysOf(command).Select(key => (key.ToArray(), write));
    }
}

/// <summary>Why a command was refused: its name (reason "command") or the key it may not touch (reason "key").</summary>
public sealed record AclDenial(string Reason, string Object)
{
    /// <summary>Redis 7.0's reply.</summary>
    public string Reply => Reason == "command"
        ? $"NOPERM this user has no permissions to run the '{Object}' command"
        : "NOPERM " + AccessControl.KeyDenied;
}

/// <summary>An ACL command that cannot be carried out; the message is the reply after "ERR ".</summary>
public sealed class AclException(string message) : Exception(message);
