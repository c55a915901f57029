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

        -- Functions (FUNCTION LOAD): a library's code runs once with only redis.register_function,
        -- redis.log and the constants in sight (Redis 7.0's load environment); the functions it
        -- registers keep the same globals table, which then shows the scripts' sandbox.
        local FLAGS = { ['no-writes'] = 1, ['allow-oom'] = 2, ['allow-stale'] = 4, ['no-cluster'] = 8, ['allow-cross-slot-keys'] = 16 }
        local function nonexistent(name)
          error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 3)
        end
        local function new_library(registry)
          local loading = true
          local function fail(message) error(message, 0) end
          local function add(name, callback, flags, description)
            if type(name) ~= 'string' and type(name) ~= 'number' then fail('function name argument given to redis.register_function must be a string') end
            name = tostring(name)
            if not string.match(name, '^[%w_]+$') then
              fail('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long')
            end
            local mask = 0
            if flags ~= nil then
              if type(flags) ~= 'table' then fail('flags argument to redis.register_function must be a table representing function flags') end
              for _, flag in ipairs(flags) do
                local bit = FLAGS[flag]
                if bit == nil then fail('unknown flag given') end
                mask = mask | bit
              end
            end
            if registry[name] ~= nil then fail('Function already exists in the library') end
            registry[name] = { callback = callback, flags = mask, description = description ~= nil and tostring(description) or nil }
          end
          local function register(...)
            local count = select('#', ...)
            if count == 1 then
              local named = ...
              if type(named) ~= 'table' then
                fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).')
              end
              local name, callback, flags, description
              for k, v in pairs(named) do
                if k == 'function_name' then name = v
                elseif k == 'callback' then callback = v
                elseif k == 'flags' then flags = v
                elseif k == 'description' then description = v
                else fail('unknown argument given to redis.register_function') end
              end
              if name == nil then fail('redis.register_function must get a function name argument') end
              if callback == nil then fail('redis.register_function must get a callback argument') end
              if type(callback) ~= 'function' then fail('callback argument given to redis.register_function must be a function') end
              add(name, callback, flags, description)
            elseif count == 2 then
              local name, callback = ...
              if type(callback) ~= 'function' then fail('second argument to redis.register_function must be a function') end
              add(name, callback, nil, nil)
            else
              fail('wrong number of arguments to redis.register_function')
            end
          end
          local load_api = {
            register_function = register, log = redis.log,
            LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
            REDIS_VERSION = redis.REDIS_VERSION, REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM,
          }
          local load_redis = setmetatable({}, {
            __index = function(_, name)
              local value = load_api[name]
              if value == nil then nonexistent(name) end
              return value
            end,
            __newindex = function() error('Attempt to modify a readonly table', 2) end,
            __metatable = false,
          })
          local env = setmetatable({}, {
            __index = function(_, name)
              local value
              if loading then
                if name == 'redis' then value = load_redis end
              else
                value = allowed[name]
              end
              if value == nil then nonexistent(name) end
              return value
            end,
            __newindex = function() error('Attempt to modify a readonly table', 2) end,
            __metatable = false,
          })
          return env, function() loading = false end
        end

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
        }, reseed, new_library
        """;
}
