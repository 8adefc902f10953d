-- "AI: Retry <action> with <stronger model>" in Neovim, with no plugin code: a refactor
-- chosen through vim.lsp.buf.code_action() is applied, then the menu on the edited text
-- lists the retry on the rule's next model; choosing it replaces the first answer with
-- the stronger model's, and the ledger holds retry_stronger for the first attempt and
-- the stronger model's own attempt.
local T = dofile('tests/editors/nvim/helper.lua')
T.setup_plugin()
local tmp = os.getenv('SB_TEST_TMP')
local ledger = tmp .. '/state/switchboard/ledger.jsonl'
vim.fn.mkdir(tmp .. '/ws', 'p')

local function lines(bufnr) return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false) end

-- The ok refactor attempt of model whose line is followed by a signal line of kind.
local function attempt_with(model, kind)
  local ids, entries = {}, T.read_jsonl(ledger)
  for _, e in ipairs(entries) do
    if e.task == 'refactor' and e.model == model and e.outcome == 'ok' then ids[e.attempt_id] = e end
  end
  for _, e in ipairs(entries) do
    if e.signal == kind and ids[e.attempt_id] then return ids[e.attempt_id] end
  end
end

T.test('retry with the stronger model replaces the first answer, recorded in the ledger',
  { needs = { 'codeActionProvider' } }, function()
  local bufnr = T.buffer('retry.py', { 'def mul(a, b):', '    return a * b', '' }, 'python')
  local client = T.client_for(bufnr)
  -- The first test of the script: the menu needs the answer to initialize.
  T.wait_for(function() return (client.server_capabilities or {}).codeActionProvider end,
    'the server\'s capabilities')
  T.fake('POST', 'enqueue', { match = { model = 'reasoning-model' },
    text = '```python\n    return b * a\n```\n' })
  T.fake('POST', 'enqueue', { match = { model = 'strong-model' },
    text = '```python\n    return mul_exact(a, b)\n```\n' })
  vim.api.nvim_win_set_cursor(0, { 2, 4 })
  local offered = T.choose_action('AI: Refactor')
  T.ok(not vim.tbl_contains(offered, 'AI: Retry Refactor with strong'),
    'no retry before an edit: ' .. vim.inspect(offered))
  T.wait_for(function() return lines(bufnr)[2] == '    return b * a' end,
    'the first edit (buffer: ' .. vim.inspect(lines(bufnr)) .. ')')
  local first = T.wait_for(function() return attempt_with('reasoning', 'applied') end,
    'the applied line of the first attempt')

  vim.api.nvim_win_set_cursor(0, { 2, 12 })   -- on the edited text
  offered = T.choose_action('AI: Retry Refactor with strong')
  T.ok(vim.tbl_contains(offered, 'AI: Retry Refactor with strong'), 'titles: ' .. vim.inspect(offered))
  T.wait_for(function() return lines(bufnr)[2] == '    return mul_exact(a, b)' end,
    'the stronger edit (buffer: ' .. vim.inspect(lines(bufnr)) .. ')')
  T.eq(lines(bufnr), { 'def mul(a, b):', '    return mul_exact(a, b)', '' }, 'buffer')
  T.wait_for(function()
    for _, e in ipairs(T.read_jsonl(ledger)) do
      if e.signal == 'retry_stronger' and e.attempt_id == first.attempt_id then return true end
    end
  end, 'retry_stronger for the first attempt')
  T.wait_for(function() return attempt_with('strong', 'applied') end,
    'the stronger attempt, applied')
end)

T.run()
