-- :checkhealth switchboard: binary found, configuration valid, keys missing, no binary;
-- what it says about the configuration comes from `switchboard check --json`.
local T = dofile('tests/editors/nvim/helper.lua')
local sb = require('switchboard')

local function write_config(name, doc)
  local path = os.getenv('SB_TEST_TMP') .. '/' .. name
  local f = assert(io.open(path, 'w'))
  f:write(type(doc) == 'string' and doc or vim.fn.json_encode(doc))
  f:close()
  return path
end

local function health_report()
  vim.cmd('silent checkhealth switchboard')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  vim.cmd('silent! tabclose')
  return text
end

T.test('reports the binary, its version and a valid configuration', function()
  sb.setup({ path = os.getenv('SWITCHBOARD_BIN'), config = os.getenv('SWITCHBOARD_CONFIG') })
  local report = health_report()
  T.contains(report, 'binary: ' .. os.getenv('SWITCHBOARD_BIN'), 'report')
  T.contains(report, 'switchboard 0.', 'version line')
  T.contains(report, 'configuration is valid: 2 providers, 3 models', 'report')
  T.ok(not report:find('ERROR'), 'no error in:\n' .. report)
end)

local function nokey_config()
  return write_config('nokey.json', {
    providers = { p = { kind = 'anthropic', base_url = os.getenv('SB_FAKE_URL'), api_key_env = 'SB_UNSET_TEST_KEY' } },
    models = { m = { provider = 'p', model = 'x', price = { input = 1, output = 1 } } },
    routes = { { when = vim.empty_dict(), targets = { 'm' } } },
    inline = { debounce = 5 },
  })
end

T.test('warns about a missing key by the variable to set and its JSON path', function()
  sb.setup({ path = os.getenv('SWITCHBOARD_BIN'), config = nokey_config() })
  local report = health_report()
  T.ok(report:match('WARN[^\n]*providers%.p%.api_key_env: key missing: set SB_UNSET_TEST_KEY'),
    'warning line in:\n' .. report)
end)

T.test('lists each provider with its key source, never a key', function()
  sb.setup({ path = os.getenv('SWITCHBOARD_BIN'), config = nokey_config() })
  local report = health_report()
  T.contains(report, 'provider p (anthropic) ' .. os.getenv('SB_FAKE_URL') .. ', key missing (SB_UNSET_TEST_KEY)',
    'provider line')
  T.contains(report, 'route routes[0] -> m [fallback]', 'route line')
end)

T.test('a loader warning is shown with its JSON path', function()
  sb.setup({ path = os.getenv('SWITCHBOARD_BIN'), config = nokey_config() })
  local report = health_report()
  T.ok(report:match("WARN[^\n]*inline: unknown key 'debounce' ignored"), 'warning line in:\n' .. report)
end)

T.test('an unreachable local server is a warning', function()
  local path = write_config('down.json', {
    providers = { l = { kind = 'llamacpp', base_url = 'http://127.0.0.1:9' } },
    models = { m = { provider = 'l', model = 'x' } },
  })
  sb.setup({ path = os.getenv('SWITCHBOARD_BIN'), config = path })
  local report = health_report()
  T.ok(report:match('WARN[^\n]*providers%.l%.base_url: nothing answers at http://127%.0%.0%.1:9'),
    'warning line in:\n' .. report)
  T.contains(report, 'server unreachable', 'provider line')
end)

T.test('an invalid configuration file is an error naming the value and its path', function()
  local path = write_config('invalid.json', '{ "providers": { "p": { "kind": "no-such-kind" } } }')
  sb.setup({ path = os.getenv('SWITCHBOARD_BIN'), config = path })
  local report = health_report()
  T.ok(report:match('ERROR[^\n]*configuration is invalid'), 'error in:\n' .. report)
  T.contains(report, 'providers.p.kind', 'names the JSON path')
  T.contains(report, 'no-such-kind', 'names the bad value')
end)

T.test('a missing binary is an error with a hint', function()
  sb.setup({ path = '/nonexistent/switchboard' })
  local report = health_report()
  T.ok(report:match('ERROR[^\n]*binary "/nonexistent/switchboard" not found'), 'error in:\n' .. report)
  T.contains(report, 'make', 'hint')
end)

T.run()
