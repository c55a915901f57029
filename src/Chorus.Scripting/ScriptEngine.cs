using Chorus.Commands.Execution;
using Chorus.Resp;
using KeraLua;

namespace Chorus.Scripting;

/// <summary>
/// Runs Lua scripts on the node loop, one at a time, in one Lua state (Redis keeps one too). A
/// script runs in a fresh coroutine with its own globals table (KEYS, ARGV; everything else read
/// through the sandbox's metatable), so nothing a script does leaks into the next. Its commands
/// run through <see cref="ScriptCommandRunner"/> in the caller's <see cref="WriteContext"/>: all
/// its writes are one payload, one log entry — like an EXEC. A script over its time limit, or
/// killed by SCRIPT KILL, is stopped by yielding from a count hook (never a longjmp through
/// managed frames) and its writes are undone: it throws <see cref="WriteRefusedException"/>.
/// </summary>
public sealed partial class ScriptEngine : IDisposable
{
    private const string ChunkName = "@user_script";

    private readonly Dictionary<string, int> _compiled = new(StringComparer.Ordinal);
    private readonly LuaFunction _rawCall;
    private readonly LuaFunction _sha1Hex;
    private readonly LuaFunction _log;
    private readonly LuaHookFunction _hook;
    private Lua? _lua;
    private int _sandboxRef;
    private int _reseedRef;
    private int _newLibraryRef;
    private int _compiledGeneration;
    private long _instructions;
    private long _startedMs;
    private volatile bool _killRequested;
    private volatile string _killCommand = "SCRIPT KILL";
    private volatile bool _running;
    private string? _stopReason;

    public ScriptEngine(ScriptLimits limits, Action<int, string>? log = null)
    {
        Limits = limits;
        Calls = new ScriptCommandRunner();
        _rawCall = RawCall;
        _sha1Hex = Sha1Hex;
        _log = state =>
        {
            var lua = Lua.FromIntPtr(state);
            log?.Invoke((int)lua.ToInteger(1), lua.ToString(2, false));
            return 0;
        };
        _hook = Hook;
    }

    public ScriptLimits Limits { get; }

    public ScriptCache Cache { get; } = new();

    /// <summary>Runs the commands scripts call; the host sets its command table.</summary>
    public ScriptCommandRunner Calls { get; }

    /// <summary>Whether a script is running now (read from connections: SCRIPT KILL, BUSY).</summary>
    public bool IsRunning => _running;

    /// <summary>
    /// SCRIPT KILL (<paramref name="function"/> false) or FUNCTION KILL: stops the running script
    /// or function at its next hook, unless it has written (Redis's rules, in Redis's order).
    /// A write it starts between this check and the hook is undone with the rest.
    /// </summary>
    public KillOutcome RequestKill(bool function = false)
    {
        if (!_running)
        {
            return KillOutcome.NotBusy;
        }
        if (Calls.Wrote)
        {
            return KillOutcome.Unkillable;
        }
        var runsFunction = _runningFunction is not null;
        if (runsFunction != function)
        {
            return runsFunction ? KillOutcome.FunctionRuns : KillOutcome.ScriptRuns;
        }
        _killCommand = function ? "FUNCTION KILL" : "SCRIPT KILL";
        _killRequested = true;
        return KillOutcome.Killed;
    }

    /// <summary>
    /// Redis's -BUSY error when a script or function has run past the busy threshold (other
    /// clients' commands are refused with it, but for the few Redis allows), else null. Read from
    /// connections: the loop publishes what runs and since when.
    /// </summary>
    public string? BusyError()
    {
        if (!_running || Limits.ClockMs is not { } clock || clock() - Volatile.Read(ref _startedMs) <= Limits.BusyThresholdMs)
        {
            return null;
        }
        return _runningFunction is null ? ScriptKillReplies.BusyScript : ScriptKillReplies.BusyFunction;
    }

    /// <summary>Checks that <paramref name="body"/> compiles (SCRIPT LOAD), in a throwaway state: the error, or null.</summary>
    public static string? CompileError(byte[] body)
    {
        using var lua = new Lua(openLibs: false);
        return lua.LoadBuffer(body, ChunkName) == LuaStatus.OK ? null : CompileErrorText(lua.ToString(-1, false));
    }

    /// <summary>
    /// Runs script <paramref name="sha"/> (<paramref name="body"/>) with <paramref name="keys"/>
    /// and <paramref name="args"/>, writing its reply. <paramref name="readOnly"/>: EVAL_RO, whose
    /// write commands are refused.
    /// </summary>
    public void Run(WriteContext context, RespWriter reply, string sha, byte[] body, IReadOnlyList<byte[]> keys, IReadOnlyList<byte[]> args, bool readOnly)
    {
        var lua = State();
        var top = lua.GetTop();
        try
        {
            if (!TryPushCompiled(lua, sha, body, reply))
            {
                return;
            }
            var thread = lua.NewThread(); // kept on this stack until the run ends, so it is not collected
            lua.PushCopy(-2);
            lua.XMove(thread, 1);
            PushGlobals(thread, keys, args);
            thread.SetUpValue(-2, 1); // the chunk's _ENV
            Reseed(lua);
            Execute(context, reply, sha, readOnly, lua, thread, 0, ChunkName);
        }
        finally
        {
            lua.SetTop(top);
        }
    }

    /// <summary>A run (a script, a function, a library loading) starts: the time limit and the kill flag start afresh.</summary>
    private void StartRun()
    {
        _instructions = 0;
        Volatile.Write(ref _startedMs, Limits.ClockMs?.Invoke() ?? 0);
        _stopReason = null;
        _killRequested = false;
        _running = true;
    }

    /// <summary>Runs <paramref name="thread"/> (a function and its <paramref name="argumentCount"/> arguments) as a script or function named <paramref name="sha"/>.</summary>
    private void Execute(WriteContext context, RespWriter reply, string sha, bool readOnly, Lua lua, Lua thread, int argumentCount, string chunk)
    {
        Calls.Begin(context, readOnly);
        StartRun();
        LuaStatus status;
        int results;
        try
        {
            status = thread.Resume(lua, argumentCount, out results);
        }
        finally
        {
            _running = false;
            Calls.End();
        }
        if (Limits.ClockMs is { } clockMs && clockMs() - Volatile.Read(ref _startedMs) > Limits.TimeLimitMs / 4)
        {
            // A replica running it again (slower, or busier) might reach the time limit where this run did not.
            context.Unrepeatable = true;
        }
        switch (status)
        {
            case LuaStatus.OK:
                if (results == 0)
                {
                    reply.WriteNull();
                }
                else
                {
                    LuaReplies.Write(thread, -results, reply);
                }
                break;
            case LuaStatus.Yield:
                // Stopped by the hook: undo its writes (the executor does, on this exception).
                throw new WriteRefusedException($"ERR Error running {(chunk == ChunkName ? "script" : "function")} {sha}: {_stopReason ?? "it yielded, which scripts may not do"}; its writes were undone");
            default:
                reply.WriteError(ScriptErrors.Running(thread, sha, chunk));
                break;
        }
    }

    private bool TryPushCompiled(Lua lua, string sha, byte[] body, RespWriter reply)
    {
        if (_compiledGeneration != Cache.Generation)
        {
            foreach (var reference in _compiled.Values)
            {
                lua.Unref(LuaRegistry.Index, reference);
            }
            _compiled.Clear();
            _compiledGeneration = Cache.Generation;
        }
        if (_compiled.TryGetValue(sha, out var compiled))
        {
            lua.RawGetInteger(LuaRegistry.Index, compiled);
            return true;
        }
        if (lua.LoadBuffer(TailCallGuard.Rewrite(body), ChunkName) != LuaStatus.OK)
        {
            reply.WriteError(CompileErrorText(lua.ToString(-1, false)));
            return false;
        }
        lua.PushCopy(-1);
        _compiled[sha] = lua.Ref(LuaRegistry.Index);
        return true;
    }

    private static string CompileErrorText(string message) => "ERR Error compiling script (new function): " + LuaReplies.OneLine(message);

    /// <summary>The script's globals: KEYS and ARGV, and the sandbox's metatable for the rest.</summary>
    private void PushGlobals(Lua thread, IReadOnlyList<byte[]> keys, IReadOnlyList<byte[]> args)
    {
        thread.CreateTable(0, 2);
        PushArray(thread, keys);
        thread.SetField(-2, "KEYS");
        PushArray(thread, args);
        thread.SetField(-2, "ARGV");
        thread.RawGetInteger(LuaRegistry.Index, _sandboxRef);
        thread.SetMetaTable(-2);
    }

    private static void PushArray(Lua lua, IReadOnlyList<byte[]> items)
    {
        lua.CreateTable(items.Count, 0);
        for (var i = 0; i < items.Count; i++)
        {
            lua.PushBuffer(items[i]);
            lua.RawSetInteger(-2, i + 1);
        }
    }

    /// <summary>Every script starts from the same random seed, as in Redis: math.random is reproducible.</summary>
    private void Reseed(Lua lua)
    {
        lua.RawGetInteger(LuaRegistry.Index, _reseedRef);
        lua.PushInteger(0);
        lua.PCall(1, 0, 0);
    }

    private Lua State()
    {
        if (_lua is not null)
        {
            return _lua;
        }
        var lua = new Lua(openLibs: true);
        if (lua.LoadString(LuaPrelude.Source, "=chorus_prelude") != LuaStatus.OK)
        {
            throw new InvalidOperationException("the Lua prelude does not compile: " + lua.ToString(-1, false));
        }
        lua.PushCFunction(_rawCall);
        lua.PushCFunction(_sha1Hex);
        lua.PushCFunction(_log);
        if (lua.PCall(3, 3, 0) != LuaStatus.OK)
        {
            throw new InvalidOperationException("the Lua prelude failed: " + lua.ToString(-1, false));
        }
        _newLibraryRef = lua.Ref(LuaRegistry.Index);
        _reseedRef = lua.Ref(LuaRegistry.Index);
        _sandboxRef = lua.Ref(LuaRegistry.Index);
        // Threads created later inherit the hook.
        lua.SetHook(_hook, LuaHookMask.Count, ScriptLimits.HookInstructions);
        return _lua = lua;
    }

    private void Hook(IntPtr state, IntPtr debug)
    {
        _instructions += ScriptLimits.HookInstructions;
        var reason = _killRequested ? $"killed by the user with {_killCommand}"
            : Limits.ClockMs is { } clock && clock() - _startedMs > Limits.TimeLimitMs ? $"it ran past the time limit (chorus-script-time-max-ms {Limits.TimeLimitMs} ms)"
            : _instructions > Limits.InstructionsMax ? $"it ran past {Limits.InstructionsMax} instructions"
            : null;
        var lua = Lua.FromIntPtr(state);
        if (reason is not null && lua.IsYieldable)
        {
            // Yielding from a count hook returns here normally; Lua unwinds its own frames.
            _stopReason = reason;
            lua.Yield(0);
        }
    }

    private int RawCall(IntPtr state) => Calls.Call(Lua.FromIntPtr(state));

    private int Sha1Hex(IntPtr state)
    {
        var lua = Lua.FromIntPtr(state);
        lua.PushString(ScriptCache.Sha1Hex(lua.ToBuffer(1, false) ?? []));
        return 1;
    }

    public void Dispose()
    {
        _lua?.Dispose();
        _lua = null;
    }
}
