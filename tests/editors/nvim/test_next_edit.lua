-- Next-edit suggestions in the plugin against the real binary and the fake model
-- server playing a next-edit model: after a rename on line 1 the first use below is
-- shown as virtual text (old text struck through, new text beside it), the jump key
-- moves there, the accept key applies it and records the acceptance, the next use
-- follows from the same answer, and typing dismisses a shown edit.
local T = dofile('tests/editors/nvim/helper.lua')
local sb = T.setup_plugin({ next_edit = true, next_edit_debounce_ms = 50 })
local nes = require('switchboard.nes')
local tmp = os.getenv('SB_TEST_TMP')
local ledger = tmp .. '/state/switchboard/ledger.jsonl'
local rewrites = {
  { from = 'width * h\n', to = 'width * height\n' },
  { from = 'print(h)', to = 'print(height)' },
  { from = 'return h +', to = 'return height +' },
}

-- The next few requests to the chat model play a next-edit model (one-shots, so the
-- other scripts keep their answers; typing may send and supersede more than one).
local function script_model()
  for _ = 1, 4 do
    T.fake('POST', 'enqueue', { match = { model = 'reasoning-model' }, rule = 'next_edit', rewrites = rewrites })
  end
end

local function lines(bufnr) return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false) end

local function marks(bufnr)
  return vim.api.nvim_buf_get_extmarks(bufnr, nes.ns, 0, -1, { details = true })
end

local function next_edit_requests()
  local n = 0
  for _, r in ipairs(T.fake('GET', 'requests').requests) do
    local body = vim.fn.json_encode(r.body or {})
    if body:find('editable_region_start', 1, true) then n = n + 1 end
  end
  return n
end

local function accepted(attempt)
  for _, entry in ipairs(T.read_jsonl(ledger)) do
    if entry.accept == attempt then return true end
  end
  return false
end

T.test('a rename is followed through, one suggested edit at a time',
  { needs = { 'experimental.copilotInlineEditProvider' } }, function()
  script_model()
  local before = next_edit_requests()
  local bufnr = T.buffer('area.py', {
    'def area(width, h):', '    """Area."""', '    a = width * h', '    print(h)', '    return h + a',
  }, 'python')
  T.client_for(bufnr)
  T.wait_for(function() return nes.attached(bufnr) end, 'next-edit suggestions on the buffer')
  vim.api.nvim_win_set_cursor(0, { 1, 16 })
  T.feed('aeight')
  local edit = T.wait_for(function() return nes.current(bufnr) end, 'a suggested edit')
  local calls = next_edit_requests()
  T.eq(edit.text, 'height', 'suggested text')
  T.eq(edit.range.start.line, 2, 'the first use below')
  local m = marks(bufnr)
  T.ok(#m >= 2, 'struck-through old text and the new text: ' .. vim.inspect(m))
  local struck = false
  for _, mark in ipairs(m) do
    if mark[4].hl_group == 'SwitchboardNextEditDelete' then struck = true end
  end
  T.ok(struck, 'old text struck through')
  T.feed('<Esc>')
  T.feed('<M-n>', true)
  T.eq(vim.api.nvim_win_get_cursor(0)[1], 3, 'jumped to the edit')
  T.feed('<M-y>', true)
  T.eq(lines(bufnr)[3], '    a = width * height', 'applied')
  T.wait_for(function() return accepted(edit.command.arguments[1]) end, 'the acceptance in the ledger')
  local second = T.wait_for(function()
    local e = nes.current(bufnr)
    return e and e.range.start.line == 3 and e
  end, 'the next edit of the same answer')
  T.eq(second.text, 'height', 'second edit')
  T.feed('<M-y>', true)
  T.eq(lines(bufnr)[4], '    print(height)', 'second applied')
  T.wait_for(function() local e = nes.current(bufnr); return e and e.range.start.line == 4 end, 'third edit')
  T.feed('<M-y>', true)
  T.eq(lines(bufnr)[5], '    return height + a', 'third applied')
  T.eq(next_edit_requests(), calls, 'no model call after the first answer')
  T.ok(calls > before, 'the model was asked')
end)

T.test('typing dismisses a shown edit',
  { needs = { 'experimental.copilotInlineEditProvider' } }, function()
  script_model()
  local bufnr = T.buffer('dismiss.py', { 'def area(width, h):', '    a = width * h' }, 'python')
  T.client_for(bufnr)
  T.wait_for(function() return nes.attached(bufnr) end, 'next-edit suggestions on the buffer')
  vim.api.nvim_win_set_cursor(0, { 1, 16 })
  T.feed('aeight')
  T.wait_for(function() return nes.current(bufnr) end, 'a suggested edit')
  T.feed('x')
  T.eq(nes.current(bufnr), nil, 'dismissed')
  T.eq(#marks(bufnr), 0, 'no virtual text left')
  T.feed('<Esc>')
end)

T.run()
