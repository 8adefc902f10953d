-- Next-edit suggestions (Neovim 0.7.2 .. 0.12): after an edit pause (debounced, and on
-- CursorHoldI) asks textDocument/copilotInlineEdit, shows the first suggested edit as
-- virtual text (the replaced text struck through, the new text beside it), jumps to
-- it and accepts it with keys, and dismisses it when the user types on. Positions of
-- this method are UTF-16 whatever encoding the client agreed. Accepting applies the
-- edit and runs its command (the ledger records the acceptance); the server then
-- serves the next edit of the same answer without a new model call.
local compat = require('switchboard.compat')
local M = {}

M.ns = vim.api.nvim_create_namespace('switchboard_next_edit')
local state = {}   -- per buffer: { client, timer, generation, edit }

local function buf_state(bufnr)
  state[bufnr] = state[bufnr] or { generation = 0 }
  return state[bufnr]
end

-- A colour scheme's own definitions win (default); 0.7 lacks `default`, so it is retried
-- without it there.
local function set_hl(name, spec)
  if not pcall(vim.api.nvim_set_hl, 0, name, vim.tbl_extend('force', spec, { default = true })) then
    pcall(vim.api.nvim_set_hl, 0, name, spec)
  end
end

local function define_highlights()
  set_hl('SwitchboardNextEditDelete', { strikethrough = true, fg = '#d16969' })
  set_hl('SwitchboardNextEditInsert', { link = 'DiffAdd' })
end

-- UTF-16 character -> byte column of line.
local function byte_col(line, character)
  local ok, col
  if vim.fn.has('nvim-0.11') == 1 then
    ok, col = pcall(vim.str_byteindex, line, 'utf-16', character, false)
  else
    ok, col = pcall(vim.str_byteindex, line, character, true)
  end
  if not ok or not col then return #line end
  return col
end

local function line_of(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
end

-- The edit's range as 0-based rows and byte columns.
function M.byte_range(bufnr, edit)
  local s, e = edit.range.start, edit.range['end']
  return s.line, byte_col(line_of(bufnr, s.line), s.character),
         e.line, byte_col(line_of(bufnr, e.line), e.character)
end

function M.clear(bufnr)
  local st = buf_state(bufnr)
  st.edit = nil
  if vim.api.nvim_buf_is_valid(bufnr) then vim.api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1) end
end

function M.current(bufnr)
  return buf_state(bufnr == 0 and vim.api.nvim_get_current_buf() or bufnr).edit
end

local inline_virt_text = vim.fn.has('nvim-0.10') == 1

local function show(bufnr, edit)
  M.clear(bufnr)
  buf_state(bufnr).edit = edit
  local srow, scol, erow, ecol = M.byte_range(bufnr, edit)
  if erow > srow or ecol > scol then
    vim.api.nvim_buf_set_extmark(bufnr, M.ns, srow, scol, {
      end_row = erow, end_col = ecol, hl_group = 'SwitchboardNextEditDelete',
    })
  end
  local lines = vim.split(edit.text, '\n', { plain = true })
  local first = table.remove(lines, 1)
  local mark = { virt_text = { { first ~= '' and first or ' ', 'SwitchboardNextEditInsert' } } }
  if inline_virt_text then
    mark.virt_text_pos = 'inline'
  else
    mark.virt_text_pos = 'eol'   -- before 0.10 virtual text cannot sit inside a line
  end
  if #lines > 0 then
    mark.virt_lines = {}
    for _, l in ipairs(lines) do table.insert(mark.virt_lines, { { l, 'SwitchboardNextEditInsert' } }) end
  end
  vim.api.nvim_buf_set_extmark(bufnr, M.ns, erow, ecol, mark)
end

local function document_version(bufnr)
  local versions = vim.lsp.util.buf_versions
  local v = versions and versions[bufnr]
  if v == nil then v = vim.api.nvim_buf_get_changedtick(bufnr) end
  return v
end

function M.request(bufnr)
  local st = buf_state(bufnr)
  local client = st.client
  if not client or not vim.api.nvim_buf_is_valid(bufnr) then return end
  local row, col, win = compat.cursor(bufnr)
  if not row then return end
  st.generation = st.generation + 1
  local generation = st.generation
  local params = vim.lsp.util.make_position_params(win, 'utf-16')
  params.textDocument.version = document_version(bufnr)
  compat.request(client, 'textDocument/copilotInlineEdit', params, function(err, result)
    if st.generation ~= generation or err or type(result) ~= 'table' then return end
    if not vim.api.nvim_buf_is_valid(bufnr) then return end
    local edits = result.edits
    if type(edits) ~= 'table' or #edits == 0 then M.clear(bufnr); return end
    show(bufnr, edits[1])
  end, bufnr)
end

-- Further typing dismisses the shown edit; a new request follows the pause.
function M.on_change(bufnr, opts)
  local st = buf_state(bufnr)
  -- TextChanged also fires on leaving insert mode for changes already seen
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  if st.tick == tick then return end
  st.tick = tick
  st.generation = st.generation + 1
  M.clear(bufnr)
  if st.timer then st.timer:stop() else st.timer = compat.uv.new_timer() end
  st.timer:start(opts.next_edit_debounce_ms or 300, 0, vim.schedule_wrap(function()
    if vim.api.nvim_buf_is_valid(bufnr) and vim.api.nvim_get_current_buf() == bufnr then
      M.request(bufnr)
    end
  end))
end

function M.jump(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local edit = buf_state(bufnr).edit
  if not edit then return false end
  local srow, scol = M.byte_range(bufnr, edit)
  vim.api.nvim_win_set_cursor(0, { srow + 1, scol })
  return true
end

-- Applies the shown edit, records the acceptance, and asks for the next one.
function M.accept(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local st = buf_state(bufnr)
  local edit = st.edit
  if not edit then return false end
  M.clear(bufnr)
  st.generation = st.generation + 1
  vim.lsp.util.apply_text_edits({ { range = edit.range, newText = edit.text } }, bufnr, 'utf-16')
  local cmd = edit.command
  if st.client and cmd and cmd.command then
    compat.request(st.client, 'workspace/executeCommand',
      { command = cmd.command, arguments = cmd.arguments }, function() end, bufnr)
  end
  -- the rest of the same answer comes back at once from the server's session
  vim.defer_fn(function() M.request(bufnr) end, 20)
  return true
end

local function map(bufnr, lhs, fn, desc)
  if not lhs or lhs == '' then return end
  for _, mode in ipairs({ 'n', 'i' }) do
    vim.keymap.set(mode, lhs, function()
      if not fn(bufnr) and mode == 'i' then
        vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(lhs, true, false, true), 'n', false)
      end
    end, { buffer = bufnr, desc = desc })
  end
end

function M.attached(bufnr)
  return state[bufnr] ~= nil and state[bufnr].attached == true
end

function M.attach(client, bufnr, opts)
  local st = buf_state(bufnr)
  st.client = client
  if st.attached then return end
  st.attached = true
  define_highlights()
  local group = vim.api.nvim_create_augroup('switchboard_next_edit_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'TextChanged', 'TextChangedI' }, {
    group = group, buffer = bufnr,
    callback = function() M.on_change(bufnr, opts) end,
  })
  vim.api.nvim_create_autocmd('CursorHoldI', {
    group = group, buffer = bufnr,
    callback = function() if not st.edit then M.request(bufnr) end end,
  })
  vim.api.nvim_create_autocmd({ 'BufUnload', 'InsertLeave' }, {
    group = group, buffer = bufnr,
    callback = function(args)
      if args.event == 'BufUnload' then
        if st.timer then st.timer:stop(); st.timer:close() end
        state[bufnr] = nil
      end
    end,
  })
  local keys = opts.keymaps or {}
  map(bufnr, keys.next_edit_jump, M.jump, 'switchboard: jump to the next edit')
  map(bufnr, keys.next_edit_accept, M.accept, 'switchboard: accept the next edit')
end

return M
