-- switchboard for Neovim 0.7.2 .. 0.12: starts the language server for the configured
-- filetypes, shows inline completions as ghost text (Neovim's own inline_completion on
-- 0.12+, this plugin's before that), and adds :Switchboard commands, a statusline
-- function and :checkhealth switchboard.
local M = {}
local server = require('switchboard.server')

local defaults = {
  cmd = nil,               -- default: { 'switchboard', '--stdio' } (+ --log-file)
  path = 'switchboard',    -- binary name or path
  filetypes = server.filetypes, -- where the server attaches (lua/switchboard/server.lua)
  root_markers = server.root_markers,
  log_file = nil,          -- default: stdpath('cache') .. '/switchboard.log'
  log_level = 'info',
  config = nil,            -- path to a switchboard config.json (else the usual places)
  settings = {},           -- passed as initializationOptions (deep-merged over the config file)
  ghost_text = true,       -- inline completions as virtual text
  debounce_ms = 150,
  next_edit = false,       -- next-edit suggestions (textDocument/copilotInlineEdit): each
                           -- pause after an edit may cost one model request
  next_edit_debounce_ms = 300,
  keymaps = {
    accept = '<M-l>', accept_word = '<M-w>', accept_line = '<M-j>',
    next = '<M-]>', prev = '<M-[>', dismiss = '<C-]>',
    next_edit_jump = '<M-n>', next_edit_accept = '<M-y>',
  },
}

M.options = vim.deepcopy(defaults)
M.status = nil      -- last switchboard/status payload
M.client_id = nil

local function has(version) return vim.fn.has('nvim-' .. version) == 1 end

function M.binary()
  local path = M.options.path
  if vim.fn.executable(path) == 1 then return vim.fn.exepath(path) end
  return nil
end

function M.log_file()
  return M.options.log_file or (vim.fn.stdpath('cache') .. '/switchboard.log')
end

function M.cmd()
  if M.options.cmd then return M.options.cmd end
  local cmd = { M.binary() or M.options.path, '--stdio', '--log-file', M.log_file(),
                '--log-level', M.options.log_level }
  if M.options.config then
    table.insert(cmd, '--config')
    table.insert(cmd, M.options.config)
  end
  return cmd
end

local function field(t, ...)
  for _, key in ipairs({ ... }) do
    local v = t[key]
    if v ~= nil and v ~= vim.NIL then return v end
  end
  return nil
end

-- switchboard/status as { model, in_flight, spend_today_usd, breakers } (the payload's
-- snake_case names, docs/lsp.md), with JSON null (vim.NIL) as nil.
function M.normalize_status(s)
  if type(s) ~= 'table' then return nil end
  return {
    model = field(s, 'model'),
    in_flight = field(s, 'in_flight'),
    spend_today_usd = field(s, 'spend_today_usd'),
    breakers = field(s, 'breakers'),
    pins = field(s, 'pins'),
    inline_enabled = field(s, 'inline_enabled'),
  }
end

local function on_status(_, result, ctx)
  -- Handlers have the (err, result, ctx) signature from 0.5.1 on.
  M.status = M.normalize_status(result)
  if ctx then M.client_id = ctx.client_id end
  vim.cmd('redrawstatus')
end

local function native_inline()
  return has('0.12') and vim.lsp.inline_completion ~= nil
end

-- The module that shows ghost text: Neovim's own on 0.12+ (switchboard.native adds
-- accept word/line and dismiss), this plugin's before (switchboard.ghost). Both have
-- attach(client, bufnr, opts), current(bufnr) -> item, shown text, dismiss(bufnr), ns.
function M.inline()
  return require(native_inline() and 'switchboard.native' or 'switchboard.ghost')
end

local function on_attach(client, bufnr)
  M.client_id = client.id
  if M.options.ghost_text then
    M.inline().attach(client, bufnr, M.options)
  end
  local experimental = client.server_capabilities and client.server_capabilities.experimental
  if M.options.next_edit and type(experimental) == 'table' and experimental.copilotInlineEditProvider then
    require('switchboard.nes').attach(client, bufnr, M.options)
  end
  if type(M.options.on_attach) == 'function' then M.options.on_attach(client, bufnr) end
end

-- The default client capabilities, announcing inline completion exactly when ghost
-- text is shown (by this plugin before 0.12, by Neovim from 0.12, which announces it
-- itself): the server then leaves its suggestions out of the completion menu, so they
-- are not shown twice; with ghost_text = false they come as completion items instead.
function M.capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.textDocument = caps.textDocument or {}
  if M.options.ghost_text then
    caps.textDocument.inlineCompletion = caps.textDocument.inlineCompletion or { dynamicRegistration = false }
  else
    caps.textDocument.inlineCompletion = nil
  end
  return caps
end

function M.client_config()
  return {
    name = 'switchboard',
    cmd = M.cmd(),
    init_options = M.options.settings,
    capabilities = M.capabilities(),
    handlers = { ['switchboard/status'] = on_status },
    on_attach = on_attach,
    flags = { debounce_text_changes = 50 },
  }
end

local function root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  local found = vim.fs and vim.fs.find and vim.fs.find(M.options.root_markers,
    { path = dir, upward = true })[1]
  if not found then
    for _, marker in ipairs(M.options.root_markers) do
      local hit = vim.fn.finddir(marker, dir .. ';')
      if hit == '' then hit = vim.fn.findfile(marker, dir .. ';') end
      if hit ~= '' then found = vim.fn.fnamemodify(hit, ':p'); break end
    end
  end
  return found and vim.fn.fnamemodify(found, ':h') or dir
end

-- 0.7: one client started with start_client and attached to each matching buffer.
local function attach_07(bufnr)
  if not M.client_id or not vim.lsp.get_client_by_id(M.client_id) then
    local config = M.client_config()
    config.root_dir = root_dir(bufnr)
    M.client_id = vim.lsp.start_client(config)
  end
  if M.client_id then vim.lsp.buf_attach_client(bufnr, M.client_id) end
end

-- 0.8 - 0.10: vim.lsp.start reuses a client with the same name and root.
local function attach_08(bufnr)
  local config = M.client_config()
  config.root_dir = root_dir(bufnr)
  M.client_id = vim.lsp.start(config, { bufnr = bufnr })
end

function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  require('switchboard.commands').register()
  if has('0.11') and vim.lsp.config and vim.lsp.enable then
    local config = M.client_config()
    config.filetypes = M.options.filetypes
    config.root_markers = M.options.root_markers
    vim.lsp.config('switchboard', config)
    vim.lsp.enable('switchboard')
    return
  end
  local attach = has('0.8') and attach_08 or attach_07
  local group = vim.api.nvim_create_augroup('switchboard', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.options.filetypes,
    callback = function(args) attach(args.buf) end,
  })
  -- Buffers already open when setup runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr)
        and vim.tbl_contains(M.options.filetypes, vim.bo[bufnr].filetype) then
      attach(bufnr)
    end
  end
end

function M.client()
  if M.client_id then
    local c = vim.lsp.get_client_by_id(M.client_id)
    if c then return c end
  end
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  for _, c in ipairs(get()) do
    if c.name == 'switchboard' then M.client_id = c.id; return c end
  end
  return nil
end

-- For statuslines: "sb: fast · $0.0123 today · 1 in flight".
function M.statusline()
  local s = M.status
  if not s then return M.client() and 'sb' or '' end
  local parts = { 'sb: ' .. (s.model or '-') }
  if s.spend_today_usd then table.insert(parts, string.format('$%.4f today', s.spend_today_usd)) end
  if s.in_flight and s.in_flight > 0 then table.insert(parts, s.in_flight .. ' in flight') end
  for _, p in ipairs(type(s.pins) == 'table' and s.pins or {}) do
    if type(p) == 'table' and p.task and p.model then
      table.insert(parts, string.format('pin %s%s=%s', p.task, p.language and ('/' .. p.language) or '', p.model))
    end
  end
  if s.inline_enabled == false then table.insert(parts, 'inline off') end
  return table.concat(parts, ' · ')
end

return M
