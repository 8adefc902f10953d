-- :Switchboard stats | route [TASK] | pin [TASK] | unpin [TASK] | toggle [buffer] | reload | log
local M = {}

local function client_or_warn()
  local client = require('switchboard').client()
  if not client then
    vim.notify('switchboard: the server is not running (see :checkhealth switchboard)',
      vim.log.levels.WARN)
  end
  return client
end

local function show_lines(title, lines)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  pcall(vim.api.nvim_buf_set_name, buf, title)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
end

local function execute(command, arguments, on_result)
  local client = client_or_warn()
  if not client then return end
  require('switchboard.compat').request(client, 'workspace/executeCommand',
    { command = command, arguments = arguments },
    function(err, result)
      if err then
        vim.notify('switchboard: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
        return
      end
      on_result(result)
    end)
end

local function text_of(result)
  if type(result) == 'string' then return vim.split(result, '\n', { plain = true }) end
  if type(result) == 'table' and type(result.text) == 'string' then
    return vim.split(result.text, '\n', { plain = true })
  end
  return vim.split(vim.inspect(result), '\n', { plain = true })
end

local function num(v) return type(v) == 'number' and v or 0 end

-- The switchboard.stats result (the same object as `switchboard stats --json`: total and
-- one group per model/task/provider/day, plus the rendered table in "text") as lines.
function M.format_stats(result)
  -- The server renders the same table as `switchboard stats` in "text"; older servers
  -- send only the figures.
  if type(result) ~= 'table' or type(result.text) == 'string' or type(result.groups) ~= 'table' then
    return text_of(result)
  end
  local header = { string.upper(result.by or 'model'), 'REQUESTS', 'ATTEMPTS', 'SUCCESS',
                   'FALLBACKS', 'TTFT p50', 'TOKENS IN/OUT', 'COST USD', 'ACCEPTED' }
  local function row(g)
    local tokens = type(g.tokens) == 'table' and g.tokens or {}
    local ttft = type(g.first_token_ms) == 'table' and g.first_token_ms.p50
    local accepted = '-'
    if num(g.inline_ok) > 0 then
      accepted = string.format('%d/%d', num(g.accepted), num(g.inline_ok))
    end
    return { tostring(g.key or '-'), tostring(num(g.requests)), tostring(num(g.attempts)),
             string.format('%.0f%%', num(g.success_rate) * 100), tostring(num(g.fallbacks)),
             type(ttft) == 'number' and string.format('%d ms', ttft) or '-',
             string.format('%d/%d', num(tokens['in']), num(tokens.out)),
             string.format('%.4f', num(g.cost_usd)), accepted }
  end
  local rows = { header }
  for _, g in ipairs(result.groups) do table.insert(rows, row(g)) end
  if type(result.total) == 'table' then
    local t = row(result.total)
    t[1] = 'TOTAL'
    table.insert(rows, t)
  end
  local widths = {}
  for _, r in ipairs(rows) do
    for i, cell in ipairs(r) do widths[i] = math.max(widths[i] or 0, vim.fn.strdisplaywidth(cell)) end
  end
  local lines = { string.format('switchboard stats%s, by %s',
    type(result.since) == 'string' and (' since ' .. result.since) or '', result.by or 'model'), '' }
  for _, r in ipairs(rows) do
    local cells = {}
    for i, cell in ipairs(r) do
      local pad = string.rep(' ', widths[i] - vim.fn.strdisplaywidth(cell))
      cells[i] = i == 1 and (cell .. pad) or (pad .. cell)
    end
    table.insert(lines, table.concat(cells, '  '))
  end
  if #result.groups == 0 then table.insert(lines, '(no requests recorded yet)') end
  return lines
end

-- One line per target of an explainRoute result for the pin picker: model, local or
-- cloud, estimated cost of this task, and the share of answers kept when the adaptive
-- estimates have any; skipped targets say why.
function M.pin_choices(result)
  local choices = {}
  if type(result) ~= 'table' or type(result.targets) ~= 'table' then return choices end
  local kept = {}
  local adaptive = type(result.adaptive) == 'table' and result.adaptive.estimates
  for _, e in ipairs(type(adaptive) == 'table' and adaptive or {}) do
    if type(e) == 'table' and num(e.answers) > 0 then kept[e.model] = num(e.accepted) / num(e.answers) end
  end
  for _, t in ipairs(result.targets) do
    if type(t) == 'table' and type(t.model) == 'string' then
      local label = string.format('%s  %s  ~$%.4f', t.model, t['local'] and 'local' or 'cloud',
        num(t.estimated_cost_usd))
      if kept[t.model] then label = label .. string.format('  %d%% kept', math.floor(kept[t.model] * 100 + 0.5)) end
      if t.pinned then label = label .. '  (pinned)' end
      if t.skipped then label = label .. '  [' .. tostring(t.code or 'skipped') .. ']' end
      table.insert(choices, { model = t.model, label = label })
    end
  end
  return choices
end

M.subcommands = {
  stats = function()
    execute('switchboard.stats', nil, function(result)
      show_lines('switchboard://stats', M.format_stats(result))
    end)
  end,
  route = function(task)
    local bufnr = vim.api.nvim_get_current_buf()
    execute('switchboard.explainRoute', { {
      task = task ~= '' and task or 'inline',
      uri = vim.uri_from_bufnr(bufnr),
      language = vim.bo[bufnr].filetype,
    } }, function(result) show_lines('switchboard://route', text_of(result)) end)
  end,
  pin = function(task)
    task = task ~= '' and task or 'inline'
    local bufnr = vim.api.nvim_get_current_buf()
    execute('switchboard.explainRoute', { {
      task = task, uri = vim.uri_from_bufnr(bufnr), language = vim.bo[bufnr].filetype,
    } }, function(result)
      local choices = M.pin_choices(result)
      if #choices == 0 then
        vim.notify('switchboard: no model routes task ' .. task, vim.log.levels.WARN)
        return
      end
      vim.ui.select(choices, {
        prompt = 'Pin a model for ' .. task .. ':',
        format_item = function(c) return c.label end,
      }, function(choice)
        if not choice then return end
        execute('switchboard.pin', { { task = task, model = choice.model } }, function()
          vim.notify('switchboard: ' .. task .. ' pinned to ' .. choice.model .. ' (until :Switchboard unpin or reload)')
        end)
      end)
    end)
  end,
  unpin = function(task)
    task = task ~= '' and task or 'inline'
    execute('switchboard.pin', { { task = task } }, function()
      vim.notify('switchboard: ' .. task .. ' follows the routing rules again')
    end)
  end,
  -- Inline suggestions off/on for every buffer, or with "buffer" for this one only.
  toggle = function(scope)
    -- No argument flips the global switch ({} would be sent as a JSON array).
    local args = nil
    if scope == 'buffer' then args = { { uri = vim.uri_from_bufnr(vim.api.nvim_get_current_buf()) } } end
    execute('switchboard.toggleInline', args, function(result)
      if type(result) ~= 'table' then return end
      local on = result.enabled
      if scope == 'buffer' then on = result.uri_enabled end
      vim.notify('switchboard: inline suggestions ' .. (on and 'on' or 'off') ..
        (scope == 'buffer' and ' in this buffer' or ''))
    end)
  end,
  reload = function()
    execute('switchboard.reloadConfig', {}, function(result)
      vim.notify('switchboard: ' .. ((type(result) == 'table' and result.message) or 'configuration reloaded'))
    end)
  end,
  log = function()
    vim.cmd('split ' .. vim.fn.fnameescape(require('switchboard').log_file()))
  end,
}

function M.run(args)
  local sub, rest = (args or ''):match('^%s*(%S*)%s*(.-)%s*$')
  local fn = M.subcommands[sub]
  if not fn then
    vim.notify('usage: :Switchboard stats | route [TASK] | pin [TASK] | unpin [TASK] | toggle [buffer] | reload | log',
      vim.log.levels.ERROR)
    return
  end
  fn(rest)
end

function M.register()
  vim.api.nvim_create_user_command('Switchboard', function(o) M.run(o.args) end, {
    nargs = '*',
    complete = function() return { 'stats', 'route', 'pin', 'unpin', 'toggle', 'reload', 'log' } end,
    desc = 'switchboard: stats, route, pin, unpin, toggle, reload, log',
  })
end

return M
