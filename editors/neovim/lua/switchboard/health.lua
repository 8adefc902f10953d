-- :checkhealth switchboard (0.7's lua health checks, and vim.health from 0.8 on):
-- the binary, its version, and what `switchboard check` says about the configuration:
-- invalid file, no providers, missing keys, unreachable servers.
local M = {}

local function reporter()
  local h = vim.health or require('health')
  return {
    start = h.start or h.report_start,
    ok = h.ok or h.report_ok,
    warn = h.warn or h.report_warn,
    error = h.error or h.report_error,
    info = h.info or h.report_info,
  }
end

-- The lines of a section of `switchboard check` output ("missing:", "warnings (1):").
local function section(out, name)
  local lines, inside = {}, false
  for line in (out .. '\n'):gmatch('([^\n]*)\n') do
    if line:match('^' .. name) then
      inside = true
    elseif inside then
      if line == '' or not line:match('^%s') then break end
      table.insert(lines, vim.trim(line))
    end
  end
  return lines
end

function M.check()
  local r = reporter()
  r.start('switchboard')
  local sb = require('switchboard')
  local bin = sb.binary()
  if not bin then
    r.error('binary "' .. tostring(sb.options.path) .. '" not found',
      { 'build it with `make` and put ./switchboard on PATH, or set path = "/full/path/switchboard" in setup()' })
    return
  end
  r.ok('binary: ' .. bin)
  local version = vim.fn.system({ bin, '--version' })
  if vim.v.shell_error == 0 then r.ok(vim.trim(version))
  else r.warn('`' .. bin .. ' --version` failed: ' .. vim.trim(version)) end

  local check_cmd = { bin, 'check' }
  if sb.options.config then vim.list_extend(check_cmd, { '--config', sb.options.config }) end
  local out = vim.fn.system(check_cmd)
  local code = vim.v.shell_error
  if code == 2 then
    r.error('configuration is invalid:\n' .. vim.trim(out), { 'fix the file named above, then :Switchboard reload' })
  elseif code ~= 0 then
    r.error('`switchboard check` failed (exit ' .. code .. '):\n' .. vim.trim(out))
  else
    local providers = tonumber(out:match('providers %((%d+)%)') or '')
    if providers == 0 then
      r.warn('no providers configured', {
        'set an API key (e.g. ANTHROPIC_API_KEY, OPENAI_API_KEY, DEEPSEEK_API_KEY)',
        'or start Ollama / llama.cpp locally, or write ~/.config/switchboard/config.json' })
    else
      r.ok(vim.trim(out:match('configuration is valid:[^\n]*') or 'configuration is valid'))
    end
    for _, line in ipairs(section(out, 'missing')) do r.warn(line) end
    for _, line in ipairs(section(out, 'warnings')) do
      if providers ~= 0 then r.warn(line) end
    end
    r.info(vim.trim(out))
  end
  local client = sb.client()
  if client then r.ok('server running (client id ' .. client.id .. ')')
  else r.info('server not attached to any buffer yet (it starts for: ' ..
    table.concat(sb.options.filetypes or {}, ', ') .. ')') end
end

return M
