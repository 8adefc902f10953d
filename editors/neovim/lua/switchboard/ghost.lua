-- Ghost text for Neovim before 0.12: requests textDocument/inlineCompletion itself
-- (debounced, cancelling the stale request), shows the first item as virtual text,
-- and accepts all / a word / a line, cycles and dismisses. Accepting runs the item's
-- command (switchboard.accept) so the server records the acceptance.
local M = {}
local ns = vim.api.nvim_create_namespace('switchboard_ghost')
local state = {}   -- per buffer: { timer, request_id, items, index, row, col, client }

local function buf_state(bufnr)
  state[bufnr] = state[bufnr] or {}
  return state[bufnr]
end

function M.clear(bufnr)
  local st = buf_state(bufnr)
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  st.items, st.index = nil, nil
end

local function cancel(bufnr)
  local st = buf_state(bufnr)
  if st.request_id and st.client then st.client.cancel_request(st.request_id) end
  st.request_id = nil
end

local function item_text(item)
  local text = item.insertText
  if type(text) == 'table' then text = text.value end
  return text or ''
end

-- The part of the item not yet typed: the item replaces [range.start, cursor) text.
local function remainder(bufnr, item, row, col)
  local text = item_text(item)
  if item.range then
    local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
    -- Positions are UTF-16 code units (what this client negotiates before 0.11).
    local ok, start_col = pcall(vim.str_byteindex, line, item.range.start.character, true)
    if not ok then start_col = #line end
    local typed = line:sub(start_col + 1, col)
    if text:sub(1, #typed) == typed then text = text:sub(#typed + 1) end
  end
  return text
end

local function show(bufnr)
  local st = buf_state(bufnr)
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  local item = st.items and st.items[st.index]
  if not item then return end
  local text = remainder(bufnr, item, st.row, st.col)
  if text == '' then return end
  local lines = vim.split(text, '\n', { plain = true })
  local virt_lines = {}
  for i = 2, #lines do table.insert(virt_lines, { { lines[i], 'Comment' } }) end
  vim.api.nvim_buf_set_extmark(bufnr, ns, st.row, st.col, {
    virt_text = { { lines[1], 'Comment' } },
    virt_text_pos = 'overlay',
    virt_lines = #virt_lines > 0 and virt_lines or nil,
    hl_mode = 'combine',
  })
  st.shown_text = text
end

function M.request(bufnr, trigger_kind)
  local st = buf_state(bufnr)
  local client = st.client
  if not client then return end
  cancel(bufnr)
  local cursor = vim.api.nvim_win_get_cursor(0)
  st.row, st.col = cursor[1] - 1, cursor[2]
  local params = vim.lsp.util.make_position_params()
  params.context = { triggerKind = trigger_kind or 2 }
  local ok, id = client.request('textDocument/inlineCompletion', params, function(err, result)
    st.request_id = nil
    if err or not result then return end
    local items = result.items or result
    if type(items) ~= 'table' or #items == 0 then M.clear(bufnr); return end
    local now = vim.api.nvim_win_get_cursor(0)
    if now[1] - 1 ~= st.row or now[2] ~= st.col or vim.fn.mode() ~= 'i' then return end
    st.items, st.index = items, 1
    show(bufnr)
  end, bufnr)
  if ok then st.request_id = id end
end

local function schedule(bufnr, opts)
  local st = buf_state(bufnr)
  M.clear(bufnr)
  cancel(bufnr)
  if st.timer then st.timer:stop() else st.timer = vim.loop.new_timer() end
  st.timer:start(opts.debounce_ms, 0, vim.schedule_wrap(function()
    if vim.api.nvim_buf_is_valid(bufnr) and vim.api.nvim_get_current_buf() == bufnr
        and vim.fn.mode() == 'i' then
      M.request(bufnr, 2)
    end
  end))
end

local function run_command(client, item)
  if item.command and item.command.command then
    client.request('workspace/executeCommand', {
      command = item.command.command, arguments = item.command.arguments,
    }, function() end)
  end
end

-- how: 'all' | 'word' | 'line'
function M.accept(bufnr, how)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local st = buf_state(bufnr)
  local item = st.items and st.items[st.index]
  if not item then return false end
  local text = remainder(bufnr, item, st.row, st.col)
  local part = text
  if how == 'word' then
    part = text:match('^%s*[%w_]+') or text:match('^%s*[^%w_%s]+') or text
  elseif how == 'line' then
    part = text:match('^[^\n]*\n?') or text
  end
  M.clear(bufnr)
  local lines = vim.split(part, '\n', { plain = true })
  vim.api.nvim_buf_set_text(bufnr, st.row, st.col, st.row, st.col, lines)
  local end_row = st.row + #lines - 1
  local end_col = (#lines == 1 and st.col or 0) + #lines[#lines]
  vim.api.nvim_win_set_cursor(0, { end_row + 1, end_col })
  if part == text then run_command(st.client, item) end
  return true
end

function M.cycle(bufnr, step)
  local st = buf_state(bufnr)
  if not st.items or #st.items == 0 then M.request(bufnr, 1); return end
  st.index = ((st.index - 1 + step) % #st.items) + 1
  show(bufnr)
end

function M.current(bufnr)
  local st = buf_state(bufnr or vim.api.nvim_get_current_buf())
  return st.items and st.items[st.index], st.shown_text
end

local function map(bufnr, lhs, fn, desc)
  if lhs and lhs ~= '' then
    vim.keymap.set('i', lhs, fn, { buffer = bufnr, silent = true, desc = desc })
  end
end

function M.attach(client, bufnr, opts)
  local st = buf_state(bufnr)
  st.client = client
  if st.attached then return end
  st.attached = true
  local group = vim.api.nvim_create_augroup('switchboard_ghost_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'TextChangedI', 'TextChangedP' }, {
    group = group, buffer = bufnr, callback = function() schedule(bufnr, opts) end,
  })
  vim.api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave' }, {
    group = group, buffer = bufnr, callback = function() cancel(bufnr); M.clear(bufnr) end,
  })
  local k = opts.keymaps or {}
  map(bufnr, k.accept, function() M.accept(bufnr, 'all') end, 'switchboard: accept suggestion')
  map(bufnr, k.accept_word, function() M.accept(bufnr, 'word') end, 'switchboard: accept a word')
  map(bufnr, k.accept_line, function() M.accept(bufnr, 'line') end, 'switchboard: accept a line')
  map(bufnr, k.next, function() M.cycle(bufnr, 1) end, 'switchboard: next suggestion')
  map(bufnr, k.prev, function() M.cycle(bufnr, -1) end, 'switchboard: previous suggestion')
  map(bufnr, k.dismiss, function() cancel(bufnr); M.clear(bufnr) end, 'switchboard: dismiss')
end

return M
