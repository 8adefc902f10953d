-- Ghost text for Neovim before 0.12: requests textDocument/inlineCompletion itself
-- (debounced, cancelling the stale request), shows the current item as virtual text,
-- and accepts all / a word / a line, cycles and dismisses. Accepting the whole
-- suggestion runs the item's command (switchboard.accept) so the server records it;
-- showing, accepting a part and dropping a shown suggestion are reported too (signals).
local compat = require('switchboard.compat')
local signals = require('switchboard.signals')
local M = {}
local ns = vim.api.nvim_create_namespace('switchboard_ghost')
M.ns = ns
-- Per buffer: { client, timer, request_id, items, index, row, col, shown_text, shown_item,
-- attached }.
-- row/col: where the request was made (0-based row, byte column); typed text after it
-- is matched against the suggestion so it keeps showing while the user types it.
local state = {}

local function buf_state(bufnr)
  state[bufnr] = state[bufnr] or {}
  return state[bufnr]
end
M._state = buf_state

function M.clear(bufnr)
  local st = buf_state(bufnr)
  -- A suggestion that was on screen and goes away unaccepted was dismissed or typed over.
  if st.shown_item then signals.dropped(st.client, st.shown_item, bufnr) end
  st.shown_item = nil
  if vim.api.nvim_buf_is_valid(bufnr) then vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1) end
  st.items, st.index, st.shown_text = nil, nil, nil
end

local function cancel(bufnr)
  local st = buf_state(bufnr)
  st.generation = (st.generation or 0) + 1   -- answers to older requests are dropped
  if st.request_id and st.client then pcall(compat.cancel_request, st.client, st.request_id) end
  st.request_id = nil
end

local function item_text(item)
  local text = item.insertText
  if type(text) == 'table' then text = text.value end
  return text or ''
end

-- LSP character offset -> byte column in line, in the client's position encoding.
local function byte_col(line, character, encoding)
  if encoding == 'utf-8' then return math.min(character, #line) end
  local ok, col
  if vim.fn.has('nvim-0.11') == 1 then
    ok, col = pcall(vim.str_byteindex, line, encoding or 'utf-16', character, false)
  else
    ok, col = pcall(vim.str_byteindex, line, character, encoding ~= 'utf-32')
  end
  if not ok or not col then return #line end
  return col
end

-- What is left of the current item to insert at the cursor: the item replaces the text
-- from its range start (or the request position) up to the cursor, so the part the user
-- already typed is skipped. nil when the typed text does not match the item.
function M.remainder(bufnr, item, row, col, cur_row, cur_col)
  if cur_row ~= row then return nil end
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
  local start_col = col
  local st = buf_state(bufnr)
  if item.range and item.range.start and item.range.start.line == row then
    local enc = st.client and st.client.offset_encoding or 'utf-16'
    start_col = byte_col(line, item.range.start.character, enc)
  end
  if cur_col < start_col then return nil end
  local typed = line:sub(start_col + 1, cur_col)
  local text = item_text(item)
  if text:sub(1, #typed) ~= typed then return nil end
  return text:sub(#typed + 1)
end

local function show(bufnr)
  local st = buf_state(bufnr)
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  st.shown_text = nil
  local item = st.items and st.items[st.index]
  if not item then return false end
  local cur_row, cur_col = compat.cursor(bufnr)
  if not cur_row then return false end
  local text = M.remainder(bufnr, item, st.row, st.col, cur_row, cur_col)
  if not text or text == '' then return false end
  local lines = vim.split(text, '\n', { plain = true })
  local virt_lines = {}
  for i = 2, #lines do table.insert(virt_lines, { { lines[i], 'Comment' } }) end
  local line = vim.api.nvim_buf_get_lines(bufnr, cur_row, cur_row + 1, false)[1] or ''
  -- Inline virtual text pushes the rest of the line right (0.10+); before that, overlay
  -- at the end of a line and end-of-line text elsewhere, so no real text is hidden.
  local pos = 'eol'
  if vim.fn.has('nvim-0.10') == 1 then pos = 'inline'
  elseif cur_col >= #line then pos = 'overlay' end
  vim.api.nvim_buf_set_extmark(bufnr, ns, cur_row, cur_col, {
    virt_text = { { lines[1], 'Comment' } },
    virt_text_pos = pos,
    virt_lines = #virt_lines > 0 and virt_lines or nil,
    hl_mode = 'combine',
  })
  st.shown_text = text
  st.shown_item = item   -- kept while typing through it; clear reports it if unaccepted
  signals.shown(st.client, item, item_text(item), bufnr)
  return true
end

function M.request(bufnr, trigger_kind)
  local st = buf_state(bufnr)
  local client = st.client
  if not client then return end
  cancel(bufnr)
  local row, col, win = compat.cursor(bufnr)
  if not row then return end
  st.row, st.col = row, col
  local params = vim.lsp.util.make_position_params(win, client.offset_encoding or 'utf-16')
  params.context = { triggerKind = trigger_kind or 2 }
  local generation = st.generation
  local ok, id = compat.request(client, 'textDocument/inlineCompletion', params, function(err, result)
    if st.generation ~= generation then return end
    st.request_id = nil
    if err or not result or not vim.api.nvim_buf_is_valid(bufnr) then return end
    local items = result.items or result
    if type(items) ~= 'table' or #items == 0 then M.clear(bufnr); return end
    local now_row, now_col = compat.cursor(bufnr)
    if now_row ~= st.row or now_col ~= st.col or vim.fn.mode() ~= 'i' then return end
    st.items, st.index = items, 1
    show(bufnr)
  end, bufnr)
  if ok then st.request_id = id end
end

-- After a change in insert mode: keep showing the suggestion while the user types it,
-- otherwise ask again after the debounce.
function M.on_change(bufnr, opts)
  local st = buf_state(bufnr)
  if st.items and show(bufnr) then return end
  M.clear(bufnr)
  cancel(bufnr)
  if st.timer then st.timer:stop() else st.timer = compat.uv.new_timer() end
  st.timer:start(opts.debounce_ms or 150, 0, vim.schedule_wrap(function()
    if vim.api.nvim_buf_is_valid(bufnr) and vim.api.nvim_get_current_buf() == bufnr
        and vim.fn.mode() == 'i' then
      M.request(bufnr, 2)
    end
  end))
end

local function run_command(client, item, bufnr)
  local cmd = item.command
  if not (client and cmd and cmd.command) then return end
  compat.request(client, 'workspace/executeCommand', {
    command = cmd.command, arguments = cmd.arguments,
  }, function() end, bufnr)
end

-- how: 'all' | 'word' | 'line'. Returns true when something was inserted.
function M.accept(bufnr, how)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local st = buf_state(bufnr)
  local item = st.items and st.items[st.index]
  if not item then return false end
  local row, col, win = compat.cursor(bufnr)
  if not row then return false end
  local text = M.remainder(bufnr, item, st.row, st.col, row, col)
  if not text or text == '' then M.clear(bufnr); return false end
  local part = require('switchboard.partial').take(text, how)
  local lines = vim.split(part, '\n', { plain = true })
  vim.api.nvim_buf_set_text(bufnr, row, col, row, col, lines)
  local end_row = row + #lines - 1
  local end_col = (#lines == 1 and col or 0) + #lines[#lines]
  vim.api.nvim_win_set_cursor(win, { end_row + 1, end_col })
  if part == text then
    -- The whole suggestion is in: record the acceptance, stop showing it.
    signals.accepted(item)
    M.clear(bufnr)
    run_command(st.client, item, bufnr)
    return true
  end
  signals.partial(st.client, item, text:sub(#part + 1), bufnr)
  if #lines > 1 then
    -- A line was taken: what is left starts on the next line, without its anchor.
    local rest = text:sub(#part + 1)
    st.items = { { insertText = rest, command = item.command } }
    st.index, st.row, st.col = 1, end_row, end_col
    show(bufnr)
  else
    show(bufnr)
  end
  return true
end

-- With fewer than two suggestions (an automatic request gets one), ask as invoked,
-- which brings several; then move between them.
function M.cycle(bufnr, step)
  local st = buf_state(bufnr)
  if not st.items or #st.items < 2 then M.request(bufnr, 1); return end
  st.index = ((st.index - 1 + step) % #st.items) + 1
  show(bufnr)
end

function M.dismiss(bufnr)
  cancel(bufnr)
  M.clear(bufnr)
end

-- The item shown and the text still to insert.
function M.current(bufnr)
  local st = buf_state((bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr)
  return st.items and st.items[st.index], st.shown_text
end

-- Keys fall through to their normal meaning when there is nothing to act on, so
-- accept can be bound to <Tab>.
local function map(bufnr, lhs, fn, desc)
  if not lhs or lhs == '' then return end
  vim.keymap.set('i', lhs, function()
    if not fn() then
      vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(lhs, true, false, true), 'in', false)
    end
  end, { buffer = bufnr, silent = true, desc = desc })
end

function M.attach(client, bufnr, opts)
  local st = buf_state(bufnr)
  st.client = client
  if st.attached then return end
  st.attached = true
  local group = vim.api.nvim_create_augroup('switchboard_ghost_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'TextChangedI', 'TextChangedP' }, {
    group = group, buffer = bufnr, callback = function() M.on_change(bufnr, opts) end,
  })
  vim.api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave' }, {
    group = group, buffer = bufnr, callback = function() M.dismiss(bufnr) end,
  })
  vim.api.nvim_create_autocmd('BufWipeout', {
    group = group, buffer = bufnr, callback = function()
      if st.timer then st.timer:stop(); st.timer:close() end
      state[bufnr] = nil
    end,
  })
  local k = opts.keymaps or {}
  map(bufnr, k.accept, function() return M.accept(bufnr, 'all') end, 'switchboard: accept suggestion')
  map(bufnr, k.accept_word, function() return M.accept(bufnr, 'word') end, 'switchboard: accept a word')
  map(bufnr, k.accept_line, function() return M.accept(bufnr, 'line') end, 'switchboard: accept a line')
  map(bufnr, k.next, function() M.cycle(bufnr, 1); return true end, 'switchboard: next suggestion')
  map(bufnr, k.prev, function() M.cycle(bufnr, -1); return true end, 'switchboard: previous suggestion')
  map(bufnr, k.dismiss, function()
    local shown = M.current(bufnr) ~= nil
    M.dismiss(bufnr)
    return shown
  end, 'switchboard: dismiss')
end

return M
