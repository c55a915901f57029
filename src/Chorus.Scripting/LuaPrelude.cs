namespace Chorus.Scripting;

/// <summary>
/// The Lua side of the sandbox, run once when the state is created. It gets the host's raw
/// command function and helpers, builds the <c>redis</c> table, and returns the metatable every
/// script's globals get: only Redis's allowed libraries are visible (no os, io, load, require,
/// dofile, loadfile, debug), reading an undefined global and assigning any are errors, as in Redis.
/// redis.call raises a command's error reply as an {err=...} table; redis.pcall returns it. The host
/// never raises Lua errors itself (no longjmp through managed frames).
/// </summary>
internal static class LuaPrelude
{
    public const string Source = """
        local rawcall, sha1hex, log = ...
        local error, type, tostring, select = error, type, tostring, select
        local redis = {
          LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
          REDIS_VERSION = '7.0.0', REDIS_VERSION_NUM = 0x00070000,
        }
        redis.call = function(...)
          local ok, value = rawcall(...)
          if ok then return value end
          error(value, 0)
        end
        redis.pcall = function(...)
          local _, value = rawcall(...)
          return value
        end
        redis.error_reply = function(text)
          if type(text) ~= 'string' then error('wrong number or type of arguments', 2) end
          return { err = text }
        end
        redis.status_reply = function(text)
          if type(text) ~= 'string' then error('wrong number or type of arguments', 2) end
          return { ok = text }
        end
        redis.sha1hex = function(text)
          if select('#', text) ~= 1 then error('wrong number of arguments', 2) end
          return sha1hex(tostring(text))
        end
        redis.log = function(level, ...)
          if type(level) ~= 'number' or select('#', ...) == 0 then error('redis.log() requires two arguments or more.', 2) end
          local parts = {}
          for i = 1, select('#', ...) do parts[i] = tostring((select(i, ...))) end
          log(level, table.concat(parts, ' '))
        end
        redis.setresp = function(version)
          if version ~= 2 then error('RESP3 replies in scripts are not supported by Chorus: use redis.setresp(2)', 2) end
        end
        redis.set_repl = function() end
        redis.replicate_commands = function() return true end
        redis.REPL_ALL, redis.REPL_AOF, redis.REPL_REPLICA, redis.REPL_SLAVE, redis.REPL_NONE = 3, 1, 2, 2, 0

        local function readonly(t)
          return setmetatable({}, {
            __index = t,
            __newindex = function() error('Attempt to modify a readonly table', 2) end,
            __metatable = false,
          })
        end
        local allowed = {
          assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall,
          rawequal = rawequal, rawget = rawget, rawset = rawset, rawlen = rawlen, select = select,
          setmetatable = setmetatable, getmetatable = getmetatable, tonumber = tonumber,
          tostring = tostring, type = type, xpcall = xpcall, unpack = table.unpack,
          _VERSION = _VERSION,
          string = readonly(string), table = readonly(table), math = readonly(math),
          redis = readonly(redis),
        }
        local reseed = math.randomseed
        return {
          __index = function(_, name)
            local value = allowed[name]
            if value == nil then
              error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
            end
            return value
          end,
          __newindex = function() error('Attempt to modify a readonly table', 2) end,
          __metatable = false,
        }, reseed
        """;
}
