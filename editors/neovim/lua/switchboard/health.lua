-- :checkhealth switchboard (0.8+; also works on 0.7's lua health checks).
local M = {}

local health = vim.health or require('health')
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local error = health.error or health.report_error
local info = health.info or health.report_info

function M.check()
  start('switchboard')
  local sb = require('switchboard')
  local bin = sb.binary()
  if not bin then
    error('binary "' .. sb.options.path .. '" not found on PATH',
      { 'build it with `make` and put ./switchboard on PATH, or set path = "/full/path/switchboard" in setup()' })
    return
  end
  ok('binary: ' .. bin)
  local version = vim.fn.system({ bin, '--version' })
  if vim.v.shell_error == 0 then ok(vim.trim(version)) end

  local check_cmd = { bin, 'check' }
  if sb.options.config then vim.list_extend(check_cmd, { '--config', sb.options.config }) end
  local out = vim.fn.system(check_cmd)
  local code = vim.v.shell_error
  if code == 2 then
    error('configuration is invalid:\n' .. out)
  else
    local models = out:match('models?:%s*(%d+)')
    if out:find('no models') or out:find('No provider') or models == '0' then
      warn('no providers configured', { 'set an API key (e.g. ANTHROPIC_API_KEY, OPENAI_API_KEY, DEEPSEEK_API_KEY) or write ~/.config/switchboard/config.json' })
    end
    for line in out:gmatch('[^\n]+') do
      if line:find('MISSING') then warn(line) end
    end
    info(out)
  end
  if sb.client() then ok('server running (client id ' .. sb.client().id .. ')')
  else warn('server not attached to any buffer yet') end
end

return M
