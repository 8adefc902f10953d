-- A tiny test harness for headless Neovim (0.7.2+). Each test runs in its own coroutine
-- so it can yield to Neovim's main loop (typeahead, LSP messages, timers) while waiting.
-- Results go to $SB_TEST_RESULTS, one line each: PASS name | FAIL name: why |
-- SKIP name: why, then DONE. tests/editors/nvim_run.py reads them.
--
--   local T = dofile('tests/editors/nvim/helper.lua')
--   T.test('name', { needs = { 'inlineCompletionProvider' } }, function() ... end)
--   T.run()
local T = {}
local tests = {}
-- Filetype plugins are not under test, and python's runs python3 (slow under pyenv).
vim.cmd('filetype plugin indent off')
local results = assert(io.open(assert(os.getenv('SB_TEST_RESULTS'), 'SB_TEST_RESULTS unset'), 'a'))

local function record(line)
  results:write(line:gsub('\n', ' | ') .. '\n')
  results:flush()
end

-- Server capabilities found by the runner's probe (a JSON file), to skip tests whose
-- server feature has not landed yet. nil when no server answered initialize.
local caps_cache
function T.server_caps()
  if caps_cache == nil then
    caps_cache = false
    local path = os.getenv('SB_SERVER_CAPS')
    local f = path and io.open(path, 'r')
    if f then
      local text = f:read('*a')
      f:close()
      local ok, decoded = pcall(vim.fn.json_decode, text)
      if ok and type(decoded) == 'table' then caps_cache = decoded end
    end
  end
  return caps_cache or nil
end

local function missing_need(needs)
  for _, need in ipairs(needs or {}) do
    local caps = T.server_caps()
    if not caps then return 'the server does not answer initialize' end
    local value = caps
    for part in need:gmatch('[^.]+') do
      value = type(value) == 'table' and value[part] or nil
    end
    if value == nil or value == false then return 'the server does not advertise ' .. need end
  end
  return nil
end

function T.test(name, opts, fn)
  if type(opts) == 'function' then fn, opts = opts, {} end
  table.insert(tests, { name = name, opts = opts, fn = fn })
end

local current   -- { co = coroutine, err = message or nil }

local function step(co)
  local ok, err = coroutine.resume(co)
  if not ok and current and current.co == co then current.err = tostring(err) end
end

-- Yield to the main loop for ms milliseconds.
function T.sleep(ms)
  local co = coroutine.running()
  vim.defer_fn(function() step(co) end, ms)
  coroutine.yield()
end

-- Hang timeouts stretch on slow builds (nvim_run.py sets SB_TIMEOUT_SCALE, e.g. for the
-- sanitizer build on a loaded machine): they only catch hangs.
local timeout_scale = tonumber(os.getenv('SB_TIMEOUT_SCALE') or '') or 1

-- Milliseconds of a monotonic clock read now (vim.loop.now() is the loop's cached time,
-- stale after a long callback, which made deadlines expire early under load).
local function now_ms() return vim.loop.hrtime() / 1e6 end

-- Polls cond() every 20 ms; the timeout only catches hangs.
function T.wait_for(cond, what, timeout_ms)
  local deadline = now_ms() + (timeout_ms or 8000) * timeout_scale
  while true do
    local value = cond()
    if value then return value end
    if now_ms() > deadline then error('timed out waiting for ' .. what, 2) end
    T.sleep(20)
  end
end

function T.eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    error(string.format('%s: expected %s, got %s', what or 'value', vim.inspect(expected),
      vim.inspect(actual)), 2)
  end
end

function T.ok(cond, what)
  if not cond then error(what or 'assertion failed', 2) end
  return cond
end

function T.contains(haystack, needle, what)
  if type(haystack) ~= 'string' or not haystack:find(needle, 1, true) then
    error(string.format('%s: %s does not contain %s', what or 'text', vim.inspect(haystack),
      vim.inspect(needle)), 2)
  end
end

-- Keys typed as a user would (mappings apply with remap = true).
function T.feed(keys, remap)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true),
    remap and 'm' or 'n', false)
  T.sleep(10)
end

-- The fake model server's control API (docs/fake-server.md).
function T.fake(method, path, body)
  local url = assert(os.getenv('SB_FAKE_URL'), 'SB_FAKE_URL unset') .. '/_control/' .. path
  local script = [[
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[2], data=sys.argv[3].encode() if sys.argv[3] else None,
                             method=sys.argv[1], headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(req, timeout=5).read().decode())
]]
  local out = vim.fn.system({ 'python3', '-c', script, method, url,
                              body and vim.fn.json_encode(body) or '' })
  if vim.v.shell_error ~= 0 then error('fake server control failed: ' .. out, 2) end
  return vim.fn.json_decode(out)
end

-- Reads a JSON-lines file into a list of tables.
function T.read_jsonl(path)
  local out = {}
  local f = io.open(path, 'r')
  if not f then return out end
  for line in f:lines() do
    local ok, v = pcall(vim.fn.json_decode, line)
    if ok then table.insert(out, v) end
  end
  f:close()
  return out
end

-- A scratch buffer with a file name in the temp workspace and a filetype.
function T.buffer(name, lines, filetype)
  vim.cmd('enew!')
  local bufnr = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_name(bufnr, (os.getenv('SB_TEST_TMP') or '/tmp') .. '/ws/' .. name)
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  vim.bo[bufnr].filetype = filetype
  return bufnr
end

-- Starts the plugin against the real binary and the test configuration.
function T.setup_plugin(extra)
  local sb = require('switchboard')
  local opts = vim.tbl_deep_extend('force', {
    path = os.getenv('SWITCHBOARD_BIN'),
    config = os.getenv('SWITCHBOARD_CONFIG'),
    log_file = (os.getenv('SB_TEST_TMP') or '/tmp') .. '/switchboard.log',
    log_level = 'debug',
    debounce_ms = 30,
  }, extra or {})
  sb.setup(opts)
  return sb
end

-- Chooses the code action whose title starts with prefix through vim.ui.select, as a
-- user would in the menu; returns the titles that were offered.
function T.choose_action(prefix)
  local offered
  local original = vim.ui.select
  vim.ui.select = function(items, _, on_choice)
    vim.ui.select = original
    offered = {}
    for i, item in ipairs(items) do
      local action = item.action or item[2]   -- 0.10+: {action, ctx}; 0.7-0.9: {client_id, action}
      table.insert(offered, action.title)
      if action.title:sub(1, #prefix) == prefix then return on_choice(item, i) end
    end
    on_choice(nil, nil)
  end
  vim.lsp.buf.code_action()
  T.wait_for(function() return offered end, 'the code action menu')
  return offered
end

function T.client_for(bufnr)
  local sb = require('switchboard')
  return T.wait_for(function()
    local c = sb.client()
    if c and c.initialized ~= false and vim.lsp.buf_is_attached(bufnr, c.id) then return c end
  end, 'the switchboard client to attach')
end

local function finish()
  record('DONE')
  results:close()
  vim.cmd('qa!')
end

function T.run()
  vim.o.showmode = false
  vim.o.swapfile = false
  local i = 0
  local function next_test()
    i = i + 1
    local t = tests[i]
    if not t then return finish() end
    local why = missing_need(t.opts.needs)
    if why then
      -- Every feature a test needs is part of the server now: missing is a failure.
      record('FAIL ' .. t.name .. ': the server lacks ' .. why)
      return vim.schedule(next_test)
    end
    current = { co = coroutine.create(t.fn), started = vim.loop.now() }
    step(current.co)
    -- The test yields while it waits; poll until its coroutine is dead.
    local function check()
      if coroutine.status(current.co) == 'dead' then
        if current.err then record('FAIL ' .. t.name .. ': ' .. current.err)
        else record(string.format('PASS %s (%d ms)', t.name, vim.loop.now() - current.started)) end
        vim.cmd('silent! stopinsert')
        return vim.defer_fn(next_test, 10)
      end
      vim.defer_fn(check, 10)
    end
    check()
  end
  next_test()
end

return T
