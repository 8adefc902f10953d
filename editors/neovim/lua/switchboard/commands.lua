-- :Switchboard stats | route [TASK] | reload | log
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
  client.request('workspace/executeCommand', { command = command, arguments = arguments },
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

M.subcommands = {
  stats = function()
    execute('switchboard.stats', { { format = 'text' } }, function(result)
      show_lines('switchboard://stats', text_of(result))
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
    vim.notify('usage: :Switchboard stats | route [TASK] | reload | log', vim.log.levels.ERROR)
    return
  end
  fn(rest)
end

function M.register()
  vim.api.nvim_create_user_command('Switchboard', function(o) M.run(o.args) end, {
    nargs = '*',
    complete = function() return { 'stats', 'route', 'reload', 'log' } end,
    desc = 'switchboard: stats, route, reload, log',
  })
end

return M
