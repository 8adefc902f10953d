-- Ghost text logic of editors/neovim with a fake client table (no server): requests
-- after typing, display, typed-through remainder, accept all/word/line, cycle, dismiss,
-- cancelling stale requests; statusline and stats formatting.
local T = dofile('tests/editors/nvim/helper.lua')
local ghost = require('switchboard.ghost')
local sb = require('switchboard')

local function fake_client()
  -- commands: the items' own commands; signals: switchboard.shown / partialAccept / rejected.
  local c = { id = 4242, offset_encoding = 'utf-16', requests = {}, cancelled = {}, commands = {},
              signals = {} }
  -- 0.11+ calls client:request(...), before that client.request(...): take both.
  local function args(...)
    local a = { ... }
    local o = a[1] == c and 1 or 0
    return a[1 + o], a[2 + o], a[3 + o], a[4 + o]
  end
  function c.request(...)
    local method, params, handler, bufnr = args(...)
    if method == 'workspace/executeCommand' and params.command ~= 'switchboard.accept'
        and params.command:match('^switchboard%.') and params.command ~= 'switchboard.stats' then
      table.insert(c.signals, { params.command, unpack(params.arguments or {}) })
    elseif method == 'workspace/executeCommand' then
      table.insert(c.commands, params)
    else
      table.insert(c.requests, { method = method, params = params, handler = handler, bufnr = bufnr })
    end
    return true, #c.requests + #c.commands * 1000
  end
  function c.cancel_request(...) table.insert(c.cancelled, (args(...))) end
  return c
end

local opts = {
  debounce_ms = 10,
  keymaps = { accept = '<M-l>', accept_word = '<M-w>', accept_line = '<M-j>',
              next = '<M-]>', prev = '<M-[>', dismiss = '<C-]>' },
}

local function ghost_marks(bufnr)
  return vim.api.nvim_buf_get_extmarks(bufnr, ghost.ns, 0, -1, { details = true })
end

local function ghost_text(bufnr)
  local marks = ghost_marks(bufnr)
  if #marks == 0 then return nil end
  local d = marks[1][4]
  local parts = { d.virt_text[1][1] }
  for _, l in ipairs(d.virt_lines or {}) do table.insert(parts, l[1][1]) end
  return table.concat(parts, '\n'), marks[1]
end

-- A buffer with the ghost attached, in insert mode after typing `typed` at the end of
-- the last line; returns the buffer, the fake client and the request that was sent.
local function typed_buffer(lines, typed)
  local bufnr = T.buffer('logic' .. math.random(1e6) .. '.py', lines, 'python')
  local client = fake_client()
  ghost.attach(client, bufnr, opts)
  vim.api.nvim_win_set_cursor(0, { #lines, 0 })
  T.feed('A' .. typed)
  local req = T.wait_for(function() return client.requests[#client.requests] end,
    'an inlineCompletion request')
  return bufnr, client, req
end

local function answer(req, result)
  req.handler(nil, result, { method = req.method, client_id = 4242, bufnr = req.bufnr })
end

T.test('typing sends a debounced automatic inlineCompletion request at the cursor', function()
  local _, client, req = typed_buffer({ 'def add(a, b):', '    ret' }, 'urn ')
  T.eq(req.method, 'textDocument/inlineCompletion', 'method')
  T.eq(req.params.position, { line = 1, character = 11 }, 'position')
  T.eq(req.params.context.triggerKind, 2, 'triggerKind')
  T.sleep(60)
  T.eq(#client.requests, 1, 'one request for a burst of keys (debounced)')
end)

T.test('the answer is shown as ghost text at the cursor, multi-line as virt_lines', function()
  local bufnr, _, req = typed_buffer({ 'x = 1', '' }, 'if x:')
  answer(req, { items = { { insertText = '\n    print(x)\n    y = 2' } } })
  local text, mark = ghost_text(bufnr)
  T.eq(text, '\n    print(x)\n    y = 2', 'ghost text')
  T.eq({ mark[2], mark[3] }, { 1, 5 }, 'extmark position')
  T.eq(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), { 'x = 1', 'if x:' }, 'buffer untouched')
end)

T.test('an InlineCompletionItem[] answer (no list) works too', function()
  local bufnr, _, req = typed_buffer({ 'total = ' }, 'a')
  answer(req, { { insertText = ' + b' } })
  T.eq(ghost_text(bufnr), ' + b', 'ghost text')
end)

T.test('accept all inserts the suggestion, moves the cursor and runs the item command', function()
  local bufnr, client, req = typed_buffer({ 'def add(a, b):', '    ' }, 'return ')
  answer(req, { items = { { insertText = 'a + b',
    command = { title = 'accept', command = 'switchboard.accept', arguments = { 'att-1', 'fast' } } } } })
  T.eq(ghost_text(bufnr), 'a + b', 'shown')
  T.feed('<M-l>', true)
  T.wait_for(function() return #client.commands == 1 end, 'the accept command')
  T.eq(vim.api.nvim_buf_get_lines(bufnr, 1, 2, false)[1], '    return a + b', 'line')
  T.eq(vim.api.nvim_win_get_cursor(0), { 2, 16 }, 'cursor after the insertion')
  T.eq(client.commands[1], { command = 'switchboard.accept', arguments = { 'att-1', 'fast' } }, 'command')
  T.eq(#ghost_marks(bufnr), 0, 'ghost cleared')
  T.eq(vim.fn.mode(), 'i', 'still in insert mode')
end)

T.test('accept word and accept line take part; the command runs only for the whole', function()
  local bufnr, client, req = typed_buffer({ '' }, 'x')
  answer(req, { items = { { insertText = ' = compute(a)\ny = x * 2',
    command = { command = 'switchboard.accept', arguments = { 'att-2' } } } } })
  T.feed('<M-w>', true)
  T.eq(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), { 'x =' }, 'after one word')
  T.eq(ghost_text(bufnr), ' compute(a)\ny = x * 2', 'rest still shown')
  T.feed('<M-w>', true)
  T.eq(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), { 'x = compute' }, 'after two words')
  T.feed('<M-j>', true)
  T.eq(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), { 'x = compute(a)', '' }, 'after the line')
  T.eq(vim.api.nvim_win_get_cursor(0), { 2, 0 }, 'cursor on the next line')
  T.eq(#client.commands, 0, 'no acceptance recorded for parts')
  T.eq(ghost_text(bufnr), 'y = x * 2', 'last line shown')
  T.feed('<M-l>', true)
  T.eq(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), { 'x = compute(a)', 'y = x * 2' }, 'all')
  T.wait_for(function() return #client.commands == 1 end, 'the accept command after the last part')
end)

T.test('signals: shown once, partial counts cumulative characters, no rejection after a part', function()
  require('switchboard.signals')._reset()
  local bufnr, client, req = typed_buffer({ '' }, 'x')
  answer(req, { items = { { insertText = ' = compute(a)\ny = é * 2',
    command = { command = 'switchboard.accept', arguments = { 'att-s1' } } } } })
  T.eq(client.signals, { { 'switchboard.shown', 'att-s1' } }, 'shown on display')
  T.feed('<M-w>', true)
  T.feed('<M-j>', true)
  T.eq(client.signals[2], { 'switchboard.partialAccept', 'att-s1', 2 }, 'a word: " ="')
  T.eq(client.signals[3], { 'switchboard.partialAccept', 'att-s1', 14 }, 'then the line, cumulative')
  T.feed('<C-]>', true)
  T.eq(#client.signals, 3, 'dismissing after a partial accept is not a rejection; shown once')
  T.eq(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), { 'x = compute(a)', '' }, 'buffer')
end)

T.test('signals: dismissed or typed over is rejected once; accepted is not', function()
  require('switchboard.signals')._reset()
  local _, client, req = typed_buffer({ 'v = ' }, 'a')
  answer(req, { items = { { insertText = 'bc',
    command = { command = 'switchboard.accept', arguments = { 'att-s2' } } } } })
  T.feed('<C-]>', true)
  T.eq(client.signals, { { 'switchboard.shown', 'att-s2' }, { 'switchboard.rejected', 'att-s2' } },
    'dismissed')
  local _, client2, req2 = typed_buffer({ 'w = ' }, 'a')
  answer(req2, { items = { { insertText = 'bc',
    command = { command = 'switchboard.accept', arguments = { 'att-s3' } } } } })
  T.feed('x')
  T.wait_for(function() return #client2.signals == 2 end, 'typed over')
  T.eq(client2.signals[2], { 'switchboard.rejected', 'att-s3' }, 'typed over is rejected')
  local _, client3, req3 = typed_buffer({ 'z = ' }, 'a')
  answer(req3, { items = { { insertText = 'bc',
    command = { command = 'switchboard.accept', arguments = { 'att-s4' } } } } })
  T.feed('<M-l>', true)
  T.wait_for(function() return #client3.commands == 1 end, 'the accept command')
  T.eq(client3.signals, { { 'switchboard.shown', 'att-s4' } }, 'accepted: no rejection')
end)

T.test('typing the suggestion keeps showing the remainder without a new request', function()
  local bufnr, client, req = typed_buffer({ 'name = ' }, '"')
  answer(req, { items = { { insertText = 'hello world"' } } })
  T.feed('hel')
  T.eq(ghost_text(bufnr), 'lo world"', 'remainder')
  T.sleep(50)
  T.eq(#client.requests, 1, 'no new request while typing through')
  T.feed('x')
  T.wait_for(function() return #client.requests == 2 end, 'a new request after a mismatch')
  T.eq(#ghost_marks(bufnr), 0, 'ghost cleared on mismatch')
end)

T.test('an item range replacing typed text (UTF-16, non-ASCII line) shows only the rest', function()
  local bufnr, _, req = typed_buffer({ 'é = "ü"; re' }, 't')
  -- The line is 'é = "ü"; ret': UTF-16 columns 9..12 hold "ret" (é, ü are one unit each).
  answer(req, { items = { { insertText = 'return é',
    range = { start = { line = 0, character = 9 }, ['end'] = { line = 0, character = 12 } } } } })
  T.eq(ghost_text(bufnr), 'urn é', 'remainder after the typed "ret"')
  T.feed('<M-l>', true)
  T.eq(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), { 'é = "ü"; return é' }, 'accepted')
end)

T.test('cycle moves between items and wraps; dismiss clears', function()
  local bufnr, _, req = typed_buffer({ 'v = ' }, '1')
  answer(req, { items = { { insertText = ' + 1' }, { insertText = ' * 2' }, { insertText = ' - 3' } } })
  T.eq(ghost_text(bufnr), ' + 1', 'first')
  T.feed('<M-]>', true)
  T.eq(ghost_text(bufnr), ' * 2', 'second')
  T.feed('<M-[>', true)
  T.feed('<M-[>', true)
  T.eq(ghost_text(bufnr), ' - 3', 'wrapped to the last')
  T.feed('<C-]>', true)
  T.eq(#ghost_marks(bufnr), 0, 'dismissed')
  T.eq(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), { 'v = 1' }, 'nothing inserted')
end)

T.test('cycle with nothing shown asks with triggerKind 1 (invoked)', function()
  local _, client, req = typed_buffer({ '' }, 'q')
  answer(req, { items = {} })
  T.feed('<M-]>', true)
  local r = T.wait_for(function() return client.requests[2] end, 'an invoked request')
  T.eq(r.params.context.triggerKind, 1, 'triggerKind')
end)

T.test('a stale request is cancelled when typing goes on; leaving insert mode clears', function()
  local bufnr, client, req = typed_buffer({ '' }, 'ab')
  T.feed('c')
  T.wait_for(function() return #client.requests == 2 end, 'a second request')
  T.ok(vim.tbl_contains(client.cancelled, 1), 'first request cancelled: ' .. vim.inspect(client.cancelled))
  answer(req, { items = { { insertText = 'zzz' } } })   -- late answer of the stale request
  T.eq(#ghost_marks(bufnr), 0, 'a stale answer is not shown')
  answer(client.requests[2], { items = { { insertText = 'def' } } })
  T.eq(ghost_text(bufnr), 'def', 'current answer shown')
  T.feed('<Esc>')
  T.eq(#ghost_marks(bufnr), 0, 'cleared on InsertLeave')
end)

T.test('accept with nothing shown falls through to the key itself', function()
  local bufnr = T.buffer('fall.txt', { '' }, 'text')
  vim.bo[bufnr].expandtab = false
  vim.bo[bufnr].softtabstop = 0
  local client = fake_client()
  ghost.attach(client, bufnr, { debounce_ms = 10000, keymaps = { accept = '<Tab>' } })
  T.feed('ix<Tab>y', true)
  T.eq(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), { 'x\ty' }, 'a real tab was typed')
end)

T.test('the pin picker lists each target with cost, local or cloud and what users kept', function()
  local choices = require('switchboard.commands').pin_choices({
    targets = {
      { model = 'fast', ['local'] = false, estimated_cost_usd = 0.00012 },
      { model = 'offline', ['local'] = true, estimated_cost_usd = 0, pinned = true },
      { model = 'gpt', skipped = true, code = 'no-key', estimated_cost_usd = 0.01 },
    },
    adaptive = { estimates = { { model = 'fast', answers = 10, accepted = 7 }, { model = 'gpt', answers = 0 } } },
  })
  T.eq(#choices, 3, 'one choice per target')
  T.eq(choices[1].label, 'fast  cloud  ~$0.0001  70% kept', 'cloud with an estimate')
  T.eq(choices[2].label, 'offline  local  ~$0.0000  (pinned)', 'local, pinned')
  T.eq(choices[3].label, 'gpt  cloud  ~$0.0100  [no-key]', 'skipped says why')
  T.eq(choices[2].model, 'offline', 'model kept for the command')
  T.eq(#require('switchboard.commands').pin_choices(nil), 0, 'no result, no choices')
end)

T.test('statusline is empty before the server runs', function()
  sb.status = nil
  T.eq(sb.statusline(), '', 'nothing before the server runs')
end)

T.test('statusline shows model, spend and requests in flight', function()
  sb.status = sb.normalize_status({ model = 'fast', spend_today_usd = 0.01234, in_flight = 2 })
  T.eq(sb.statusline(), 'sb: fast · $0.0123 today · 2 in flight', 'full')
  sb.status = nil
end)

T.test('statusline leaves out in flight when idle', function()
  sb.status = sb.normalize_status({ model = 'reasoning', spend_today_usd = 0, in_flight = 0 })
  T.eq(sb.statusline(), 'sb: reasoning · $0.0000 today', 'idle')
  sb.status = nil
end)

T.test('statusline shows a null model as a dash', function()
  sb.status = sb.normalize_status({ model = vim.NIL, in_flight = 0 })
  T.eq(sb.statusline(), 'sb: -', 'null model')
  sb.status = sb.normalize_status({ model = 'fast', in_flight = 0, inline_enabled = false,
    pins = { { task = 'refactor', model = 'reasoning' }, { task = 'inline', language = 'c', model = 'fast' } } })
  T.eq(sb.statusline(), 'sb: fast · pin refactor=reasoning · pin inline/c=fast · inline off', 'pins and the switch')
  sb.status = nil
end)

T.test('the status payload is read by its snake_case names only', function()
  -- docs/lsp.md: one spelling; the camelCase aliases the plugin once read are gone.
  local s = sb.normalize_status({ lastModel = 'fast', inFlight = 1, spendToday = 0.5 })
  T.eq(s.model, nil, 'lastModel ignored')
  T.eq(s.in_flight, nil, 'inFlight ignored')
  T.eq(s.spend_today_usd, nil, 'spendToday ignored')
end)

T.test('the stats result is formatted as an aligned table', function()
  local lines = require('switchboard.commands').format_stats({
    by = 'model',
    total = { key = 'total', requests = 3, attempts = 4, success_rate = 1, fallbacks = 1,
              first_token_ms = { p50 = 120 }, tokens = { ['in'] = 300, out = 40 },
              cost_usd = 0.0123, inline_ok = 2, accepted = 1 },
    groups = {
      { key = 'fast', requests = 2, attempts = 2, success_rate = 1, fallbacks = 0,
        first_token_ms = { p50 = 80 }, tokens = { ['in'] = 200, out = 10 }, cost_usd = 0.0001,
        inline_ok = 2, accepted = 1 },
      { key = 'reasoning', requests = 1, attempts = 2, success_rate = 0.5, fallbacks = 1,
        tokens = { ['in'] = 100, out = 30 }, cost_usd = 0.0122 },
    },
  })
  T.contains(lines[1], 'by model', 'title')
  T.ok(lines[3]:match('^MODEL%s+REQUESTS'), 'header: ' .. lines[3])
  T.ok(lines[4]:match('^fast%s+2%s+2%s+100%%%s+0%s+80 ms%s+200/10%s+0%.0001%s+1/2$'), 'fast row: ' .. lines[4])
  T.ok(lines[5]:match('^reasoning%s+1%s+2%s+50%%%s+1%s+%-%s+100/30%s+0%.0122%s+%-$'), 'reasoning row: ' .. lines[5])
  T.ok(lines[6]:match('^TOTAL%s+3%s+4'), 'total row: ' .. lines[6])
  T.eq(#lines[3], #lines[4], 'columns aligned')
  T.eq(require('switchboard.commands').format_stats({ text = 'switchboard stats: 0 attempts\nno records', groups = {} }),
    { 'switchboard stats: 0 attempts', 'no records' }, 'the server\'s own rendering wins')
end)

T.test('client capabilities announce inline completion exactly when ghost text is shown', function()
  sb.options = vim.tbl_deep_extend('force', sb.options, { ghost_text = true })
  local caps = sb.capabilities()
  T.ok(type(caps.textDocument.inlineCompletion) == 'table', 'with ghost text: '
    .. vim.inspect(caps.textDocument.inlineCompletion))
  T.ok(caps.textDocument.codeAction, 'the default capabilities are kept')
  sb.options.ghost_text = false
  T.eq(sb.capabilities().textDocument.inlineCompletion, nil, 'without ghost text')
  sb.options.ghost_text = true
end)

local function read(path)
  local f = assert(io.open(path, 'r'))
  local text = f:read('*a')
  f:close()
  return text
end

T.test('one list of filetypes: lsp/switchboard.lua, setup{} and :help agree', function()
  local server = require('switchboard.server')
  local cfg = dofile('editors/neovim/lsp/switchboard.lua')
  T.eq(cfg.cmd, { 'switchboard', '--stdio' }, 'cmd')
  local defaults = require('switchboard').options
  T.eq(cfg.filetypes, server.filetypes, 'lsp/switchboard.lua filetypes')
  T.eq(defaults.filetypes, server.filetypes, 'setup{} filetypes')
  T.eq(cfg.root_markers, server.root_markers, 'lsp/switchboard.lua root markers')
  T.eq(defaults.root_markers, server.root_markers, 'setup{} root markers')
  -- Only server.lua spells the list out; the help file shows the same one.
  for _, path in ipairs({ 'editors/neovim/lsp/switchboard.lua', 'editors/neovim/lua/switchboard/init.lua' }) do
    T.ok(not read(path):find("'typescriptreact'", 1, true), path .. ' spells out the filetypes again')
  end
  local help = read('editors/neovim/doc/switchboard.txt')
  local listed = help:match('%*switchboard%-filetypes%*.-Default: ([^.]+)%.')
  T.ok(listed, 'no default filetypes in :help switchboard-filetypes')
  T.eq(vim.split((listed or ''):gsub('%s+', ' '), ', ', { plain = true }), server.filetypes,
       ':help switchboard-filetypes')
end)

T.run()
