-- :checkhealth switchboard (0.7's lua health checks, and vim.health from 0.8 on):
-- the binary, its version, and what `switchboard check --json` says about the
-- configuration (docs/configuration.md has the document's shape): invalid file, no
-- providers, each provider's key and local server, warnings with their JSON path.
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

-- JSON null decodes to vim.NIL: nil it, so `or` and `if` read it as absent.
local function value(v)
  if v == vim.NIL then return nil end
  return v
end

-- system() mixes stderr in (a log line, an api_key_cmd's complaint): the document is
-- the part from the "{" that starts a line to the last "}" that does.
local function decode(out)
  local text = out:match('^({\n.*\n})') or out:match('\n({\n.*\n})')
  local ok, doc = pcall(vim.fn.json_decode, text or out)
  if ok and type(doc) == 'table' then return doc end
  return nil
end

-- "providers.p.api_key_env: key missing: set X", or the message alone when it has no place.
local function finding_text(f)
  local path = value(f.path)
  return path and (path .. ': ' .. f.message) or f.message
end

local function provider_line(p)
  local key = p.key
  local words = { p.name .. ' (' .. p.kind .. ') ' .. p.base_url }
  if not key.needed then table.insert(words, 'no key needed')
  elseif key.present then table.insert(words, 'key set (' .. tostring(value(key.source)) .. ')')
  else table.insert(words, 'key missing (' .. tostring(value(key.source)) .. ')') end
  local reachable = value(p.reachable)
  if reachable ~= nil then table.insert(words, reachable and 'server reachable' or 'server unreachable') end
  return table.concat(words, ', ')
end

local function report_valid(r, doc)
  local config = doc.config or {}
  r.ok('configuration: ' .. (value(config.path) or 'defaults') .. ' (' .. tostring(config.source) .. ')')
  local np, nm, nr = #doc.providers, #doc.models, #doc.routes
  if np == 0 then
    r.warn('no providers configured', {
      'set an API key (e.g. ANTHROPIC_API_KEY, OPENAI_API_KEY, DEEPSEEK_API_KEY)',
      'or start Ollama / llama.cpp locally, or write ~/.config/switchboard/config.json' })
  else
    r.ok(('configuration is valid: %d providers, %d models, %d routes'):format(np, nm, nr))
  end
  for _, p in ipairs(doc.providers) do r.info('provider ' .. provider_line(p)) end
  for _, m in ipairs(doc.models) do r.info('model ' .. m.name .. ': ' .. m.provider .. ' / ' .. m.model) end
  for _, route in ipairs(doc.routes) do
    r.info('route ' .. route.label .. ' -> ' .. table.concat(route.targets, ', ') .. ' [' .. route.strategy .. ']')
  end
  for _, f in ipairs(doc.findings) do
    -- With no provider the advice above already says what to set.
    if np > 0 or value(f.path) then
      if f.severity == 'error' then r.error(finding_text(f)) else r.warn(finding_text(f)) end
    end
  end
end

local function report_config(r, bin, options)
  local cmd = { bin, 'check', '--json' }
  if options.config then vim.list_extend(cmd, { '--config', options.config }) end
  local out = vim.fn.system(cmd)
  local code = vim.v.shell_error
  local doc = decode(out)
  if code == 2 and doc and doc.valid == false then
    local lines = {}
    for _, f in ipairs(doc.findings) do table.insert(lines, finding_text(f)) end
    local file = value(doc.config and doc.config.path) or 'defaults'
    r.error('configuration is invalid: ' .. file .. ': ' .. table.concat(lines, '; '),
      { 'fix the file named above, then :Switchboard reload' })
  elseif code ~= 0 or not doc then
    r.error('`' .. table.concat(cmd, ' ') .. '` failed (exit ' .. code .. '):\n' .. vim.trim(out))
  else
    report_valid(r, doc)
  end
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

  report_config(r, bin, sb.options)
  local client = sb.client()
  if client then r.ok('server running (client id ' .. client.id .. ')')
  else r.info('server not attached to any buffer yet (it starts for: ' ..
    table.concat(sb.options.filetypes or {}, ', ') .. ')') end
end

return M
