-- :checkhealth switchboard: binary found, configuration valid, keys missing, no binary.
local T = dofile('tests/editors/nvim/helper.lua')
local sb = require('switchboard')

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
  T.contains(report, 'configuration is valid: 2 providers, 2 models', 'report')
  T.ok(not report:find('ERROR'), 'no error in:\n' .. report)
end)

T.test('warns about a missing key by the variable to set', function()
  local path = os.getenv('SB_TEST_TMP') .. '/nokey.json'
  local f = assert(io.open(path, 'w'))
  f:write(vim.fn.json_encode({
    providers = { p = { kind = 'anthropic', base_url = os.getenv('SB_FAKE_URL'), api_key_env = 'SB_UNSET_TEST_KEY' } },
    models = { m = { provider = 'p', model = 'x', price = { input = 1, output = 1 } } },
    routes = { { when = vim.empty_dict(), targets = { 'm' } } },
  }))
  f:close()
  sb.setup({ path = os.getenv('SWITCHBOARD_BIN'), config = path })
  local report = health_report()
  T.ok(report:match('WARN[^\n]*key missing: set SB_UNSET_TEST_KEY'), 'warning line in:\n' .. report)
end)

T.test('an invalid configuration file is an error', function()
  local path = os.getenv('SB_TEST_TMP') .. '/invalid.json'
  local f = assert(io.open(path, 'w'))
  f:write('{ "providers": { "p": { "kind": "no-such-kind" } } }')
  f:close()
  sb.setup({ path = os.getenv('SWITCHBOARD_BIN'), config = path })
  local report = health_report()
  T.ok(report:match('ERROR[^\n]*configuration is invalid'), 'error in:\n' .. report)
  T.contains(report, 'no-such-kind', 'names the bad value')
end)

T.test('a missing binary is an error with a hint', function()
  sb.setup({ path = '/nonexistent/switchboard' })
  local report = health_report()
  T.ok(report:match('ERROR[^\n]*binary "/nonexistent/switchboard" not found'), 'error in:\n' .. report)
  T.contains(report, 'make', 'hint')
end)

T.run()
