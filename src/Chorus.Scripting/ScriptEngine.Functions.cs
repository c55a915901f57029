using Chorus.Commands.Execution;
using Chorus.Resp;
using KeraLua;

namespace Chorus.Scripting;

/// <summary>
/// Redis 7 Functions in the same Lua state as scripts: a library's code is compiled and run once
/// per node (at FUNCTION LOAD, or at the first FCALL after a restart, a failover or a snapshot —
/// the code itself is in the database), and the callbacks it registered are kept by the code's
/// SHA1. FCALL runs a callback with (keys, args) in a fresh coroutine, exactly as EVAL runs a
/// script: same commands, same time limit and kill, same one payload.
/// </summary>
public sealed partial class ScriptEngine
{
    private const string FunctionChunkName = "@user_function";

    /// <summary>Compiled libraries kept at most; past it they are all dropped (and compiled again when called).</summary>
    public const int LibrariesCompiledMax = 1024;

    private readonly Dictionary<string, CompiledLibrary> _libraries = new(StringComparer.Ordinal);

    /// <summary>The function running now, for FUNCTION STATS (null: none, or a script).</summary>
    public string? RunningFunction
    {
        get => _runningFunction;
        private set => _runningFunction = value;
    }

    private volatile string? _runningFunction;

    /// <summary>When the running script or function started, on the limits' clock (ms).</summary>
    public long RunningSinceMs => _startedMs;

    /// <summary>
    /// Compiles and runs <paramref name="code"/> (a library with its shebang), returning the functions
    /// it registered, or null with Redis's error in <paramref name="error"/>.
    /// </summary>
    public IReadOnlyList<LibraryFunction>? Load(byte[] code, out string? error)
    {
        var compiled = Compile(code, out error);
        return compiled?.Functions;
    }

    /// <summary>
    /// FCALL: runs function <paramref name="name"/> of <paramref name="library"/> with
    /// <paramref name="keys"/> and <paramref name="args"/>, writing its reply.
    /// </summary>
    public void RunFunction(WriteContext context, RespWriter reply, FunctionLibrary library, string name, IReadOnlyList<byte[]> keys, IReadOnlyList<byte[]> args, bool readOnly)
    {
        if (Compile(library.Code, out var error) is not { } compiled)
        {
            reply.WriteError(error!);
            return;
        }
        var function = library.Find(name)!;
        var lua = State();
        var top = lua.GetTop();
        try
        {
            lua.RawGetInteger(LuaRegistry.Index, compiled.Callbacks[function.Name]);
            var thread = lua.NewThread();
            lua.PushCopy(-2);
            lua.XMove(thread, 1);
            PushArray(thread, keys);
            PushArray(thread, args);
            Reseed(lua);
            RunningFunction = function.Name;
            Execute(context, reply, function.Name, readOnly, lua, thread, 2, FunctionChunkName);
        }
        finally
        {
            RunningFunction = null;
            lua.SetTop(top);
        }
    }

    private CompiledLibrary? Compile(byte[] code, out string? error)
    {
        error = null;
        var sha = ScriptCache.Sha1Hex(code);
        if (_libraries.TryGetValue(sha, out var known))
        {
            return known;
        }
        if (_libraries.Count >= LibrariesCompiledMax)
        {
            DropLibraries();
        }
        var lua = State();
        var top = lua.GetTop();
        try
        {
            if (lua.LoadBuffer(TailCallGuard.Rewrite(LibraryMetadata.Body(code)), FunctionChunkName) != LuaStatus.OK)
            {
                error = "ERR Error compiling function: " + LuaReplies.OneLine(lua.ToString(-1, false));
                return null;
            }
            var chunk = lua.GetTop();
            lua.CreateTable(0, 4);
            var registry = lua.GetTop();
            lua.RawGetInteger(LuaRegistry.Index, _newLibraryRef);
            lua.PushCopy(registry);
            lua.Call(1, 2); // env, done
            var done = lua.GetTop();
            lua.PushCopy(done - 1);
            lua.SetUpValue(chunk, 1); // the chunk's _ENV
            error = RunLoad(lua, chunk);
            lua.PushCopy(done);
            lua.Call(0, 0); // the globals now show the sandbox
            if (error is not null)
            {
                return null;
            }
            var compiled = Collect(lua, registry);
            if (compiled.Functions.Count == 0)
            {
                error = "ERR No functions registered";
                compiled.Release(lua);
                return null;
            }
            _libraries[sha] = compiled;
            return compiled;
        }
        finally
        {
            lua.SetTop(top);
        }
    }

    /// <summary>Runs the library's top level in a coroutine, under the time limit; Redis's error, or null.</summary>
    private string? RunLoad(Lua lua, int chunk)
    {
        var thread = lua.NewThread();
        lua.PushCopy(chunk);
        lua.XMove(thread, 1);
        StartRun();
        LuaStatus status;
        try
        {
            status = thread.Resume(lua, 0, out _);
        }
        finally
        {
            _running = false; // the thread stays on the stack until the caller resets it
        }
        return status switch
        {
            LuaStatus.OK => null,
            LuaStatus.Yield => $"ERR Error registering functions: {_stopReason ?? "it yielded, which libraries may not do"}",
            _ => "ERR Error registering functions: " + LoadError(thread),
        };
    }

    private static string LoadError(Lua thread)
    {
        if (thread.Type(-1) == LuaType.Table && LuaReplies.StringField(thread, thread.AbsIndex(-1), "err") is { } error)
        {
            return LuaReplies.OneLine(error);
        }
        return LuaReplies.OneLine("ERR " + (thread.ToString(-1, false) ?? "unknown error"));
    }

    /// <summary>Reads what register_function put in the registry table: name → {callback, flags, description}.</summary>
    private static CompiledLibrary Collect(Lua lua, int registry)
    {
        var compiled = new CompiledLibrary();
        lua.PushNil();
        while (lua.Next(registry))
        {
            var name = lua.ToString(-2, false);
            var entry = lua.AbsIndex(-1);
            lua.GetField(entry, "flags");
            var flags = (FunctionFlags)lua.ToInteger(-1);
            lua.Pop(1);
            var description = LuaReplies.StringField(lua, entry, "description");
            lua.GetField(entry, "callback");
            compiled.Callbacks[name] = lua.Ref(LuaRegistry.Index);
            compiled.Functions.Add(new LibraryFunction(name, flags, description));
            lua.Pop(1);
        }
        compiled.Functions.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return compiled;
    }

    private void DropLibraries()
    {
        if (_lua is { } lua)
        {
            foreach (var library in _libraries.Values)
            {
                library.Release(lua);
            }
        }
        _libraries.Clear();
    }

    private sealed class CompiledLibrary
    {
        public Dictionary<string, int> Callbacks { get; } = new(StringComparer.Ordinal);

        public List<LibraryFunction> Functions { get; } = [];

        public void Release(Lua lua)
        {
            foreach (var reference in Callbacks.Values)
            {
                lua.Unref(LuaRegistry.Index, reference);
            }
        }
    }
}
