-- Ghost text on Neovim 0.12+: Neovim's own vim.lsp.inline_completion requests, shows,
-- cycles and accepts (running the item's command, so the server records the
-- acceptance). This adds what it lacks: accept a word, accept a line, and dismiss;
-- and it reports what became of each suggestion (signals): shown when Neovim draws
-- it, a part accepted, and rejected when it goes away unaccepted and no longer fits
-- at the cursor (typed over) or is dismissed.
local M = {}
local api = vim.api
local signals = require('switchboard.signals')

-- Neovim's own namespace; nvim_create_namespace returns the existing one by name.
M.ns = api.nvim_create_namespace('nvim.lsp.inline_completion')

local function ic() return vim.lsp.inline_completion end

-- The buffer's completor, through a private table of Neovim's: it is the only way to
-- drop the shown item and its pending request together. Guarded, as it may change.
local function completor(bufnr)
  local ok, cap = pcall(require, 'vim.lsp._capability')
  local class = ok and type(cap) == 'table' and cap.all and cap.all.inline_completion
  local c = class and class.active and class.active[bufnr]
  if c and type(c.abort) == 'function' then return c end
  return nil
end

-- What the item would still insert at the cursor: an item with a range replaces the
-- text from the range start up to the cursor, so what the user typed there is skipped;
-- one without a range is inserted whole at the cursor. nil when that does not fit.
function M.remainder(bufnr, item, row, col)
  local text = item.insert_text
  if type(text) ~= 'string' then return nil end   -- a snippet: only accepted whole
  if not item.range then return text end
  local start_row, start_col = item.range:to_extmark()
  if start_row ~= row or col < start_col then return nil end
  local line = api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
  local typed = line:sub(start_col + 1, col)
  if text:sub(1, #typed) ~= typed then return nil end
  return text:sub(#typed + 1)
end

-- on_accept for a word or a line: inserts that part at the cursor and returns nil, so
-- Neovim applies nothing more; the whole rest returns the item for Neovim to apply and
-- record. Neovim asks again once the cursor has moved, and the server's cache answers
-- the rest at once.
function M.take(bufnr, item, how)
  local row, col, win = require('switchboard.compat').cursor(bufnr)
  if not row then return nil end
  local rest = M.remainder(bufnr, item, row, col)
  if not rest then return item end
  local part = require('switchboard.partial').take(rest, how)
  if part == rest then signals.accepted({ command = item.command }); return item end
  signals.partial(M.client_of(bufnr), { command = item.command, insert_text = item.insert_text },
    rest:sub(#part + 1), bufnr)
  local lines = vim.split(part, '\n', { plain = true })
  api.nvim_buf_set_text(bufnr, row, col, row, col, lines)
  api.nvim_win_set_cursor(win, { row + #lines, (#lines == 1 and col or 0) + #lines[#lines] })
  return nil
end

local function shown_text(bufnr)
  local marks = api.nvim_buf_get_extmarks(bufnr, M.ns, 0, -1, { details = true })
  local d = marks[1] and marks[1][4]
  if not (d and d.virt_text and d.virt_text[1]) then return nil end
  local parts = { d.virt_text[1][1] }
  for _, l in ipairs(d.virt_lines or {}) do table.insert(parts, l[1] and l[1][1] or '') end
  return table.concat(parts, '\n')
end

-- The item shown, in the protocol's shape ({insertText, command}), and the text shown.
function M.current(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  local c = completor(bufnr)
  local cur = c and c.current
  local item = cur and { insertText = cur.insert_text, command = cur.command } or nil
  return item, shown_text(bufnr)
end

-- Per buffer: the client, and the item Neovim showed last ({command, insert_text, range}).
local watched = {}

function M.client_of(bufnr) return watched[bufnr] and watched[bufnr].client end

-- The item Neovim shows changed: report the new one shown, the old one rejected when
-- it went away unaccepted and what it would insert no longer fits at the cursor
-- (accepted items fit exactly: nothing is left).
local function on_current(bufnr, prev, cur)
  local w = watched[bufnr]
  if not w or not api.nvim_buf_is_valid(bufnr) then return end
  if prev then
    local row, col = require('switchboard.compat').cursor(bufnr)
    local rest = row and M.remainder(bufnr, prev, row, col)
    if rest == nil then signals.dropped(w.client, prev, bufnr) end
  end
  if cur then signals.shown(w.client, cur, cur.insert_text, bufnr) end
end

-- Neovim has no event for "shown": a decoration provider sees each redraw of a
-- watched buffer and compares the completor's current item with the last one.
local provider_set = false
local function watch(client, bufnr)
  watched[bufnr] = { client = client }
  if provider_set then return end
  provider_set = true
  api.nvim_set_decoration_provider(api.nvim_create_namespace('switchboard_signals'), {
    on_win = function(_, _, buf)
      local w = watched[buf]
      if not w then return false end
      local c = completor(buf)
      local cur = c and c.current or nil
      if cur ~= w.raw then
        w.raw = cur
        local prev = w.last
        w.last = cur and { command = cur.command, insert_text = cur.insert_text, range = cur.range } or nil
        local now = w.last
        vim.schedule(function() on_current(buf, prev, now) end)
      end
      return false
    end,
  })
end

-- Drops the shown item and any pending request. Returns whether one was shown.
function M.dismiss(bufnr)
  local shown = shown_text(bufnr) ~= nil
  local w = watched[bufnr]
  if w and w.last then signals.dropped(w.client, w.last, bufnr) end
  local c = completor(bufnr)
  if c then
    shown = shown or c.current ~= nil
    c:abort()
    return shown
  end
  -- Without the completor: cancel the pending requests, then disable and enable again,
  -- which clears what is shown.
  for _, client in ipairs(vim.lsp.get_clients({ bufnr = bufnr })) do
    for id, r in pairs(client.requests or {}) do
      if r.bufnr == bufnr and r.method == 'textDocument/inlineCompletion' and r.type == 'pending' then
        client:cancel_request(id)
      end
    end
  end
  ic().enable(false, { bufnr = bufnr })
  ic().enable(true, { bufnr = bufnr })
  return shown
end

-- Keymaps are <expr>: Neovim's get() applies the item after the mapping returns. A key
-- with nothing to act on keeps its own meaning, so accept can be <Tab>.
local function map(bufnr, lhs, fn, desc)
  if not lhs or lhs == '' then return end
  local keys = api.nvim_replace_termcodes(lhs, true, false, true)
  vim.keymap.set('i', lhs, function()
    if fn() then return '' end
    return keys
  end, { buffer = bufnr, expr = true, silent = true, desc = desc })
end

function M.attach(client, bufnr, opts)
  ic().enable(true, { bufnr = bufnr })
  watch(client, bufnr)
  local k = opts.keymaps or {}
  local function accept(how)
    return function()
      if how == 'all' then
        return ic().get({ bufnr = bufnr, on_accept = function(item)
          signals.accepted({ command = item.command })
          return item
        end })
      end
      return ic().get({ bufnr = bufnr, on_accept = function(item) return M.take(bufnr, item, how) end })
    end
  end
  -- Neovim asks automatically, and the server answers an automatic request with one
  -- suggestion: with fewer than two, next/prev ask as invoked, which brings several.
  local function cycle(step)
    return function()
      local c = completor(bufnr)
      if c and type(c.request) == 'function' and type(c.count_items) == 'function'
          and c:count_items() < 2 then
        c:request(1)   -- InlineCompletionTriggerKind.Invoked
        return true
      end
      local item, shown = M.current(bufnr)
      if not (item or shown) then return false end
      ic().select({ bufnr = bufnr, count = step })
      return true
    end
  end
  map(bufnr, k.accept, accept('all'), 'switchboard: accept suggestion')
  map(bufnr, k.accept_word, accept('word'), 'switchboard: accept a word')
  map(bufnr, k.accept_line, accept('line'), 'switchboard: accept a line')
  map(bufnr, k.next, cycle(1), 'switchboard: next suggestion')
  map(bufnr, k.prev, cycle(-1), 'switchboard: previous suggestion')
  map(bufnr, k.dismiss, function() return M.dismiss(bufnr) end, 'switchboard: dismiss')
end

return M
