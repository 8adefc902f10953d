-- The demo's Neovim segment (run by scripts/demo.py when nvim is installed): headless
-- Neovim with the plugin, against the demo's server and fake models. It types in insert
-- mode, waits for the ghost text, accepts it with the plugin's key, and prints what a
-- person would have seen. Exits 0 on success, 1 otherwise.
local function say(s) io.stdout:write('    ' .. s .. '\n'); io.stdout:flush() end

local co
local function sleep(ms)
  vim.defer_fn(function() coroutine.resume(co) end, ms)
  coroutine.yield()
end

local function wait_for(cond, what)
  local deadline = vim.loop.now() + 10000
  while not cond() do
    if vim.loop.now() > deadline then error('timed out waiting for ' .. what) end
    sleep(20)
  end
end

local function feed(keys, remap)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), remap and 'm' or 'n', false)
  sleep(10)
end

local function run()
  local sb = require('switchboard')
  local ghost = require('switchboard.ghost')
  sb.setup({ path = os.getenv('SWITCHBOARD_BIN'), config = os.getenv('SB_DEMO_CONFIG'),
             log_file = os.getenv('SB_DEMO_LOG'), log_level = os.getenv('SB_DEMO_LOG_LEVEL') or 'info', debounce_ms = 30 })
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('SB_DEMO_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'python'   -- --clean -u NONE runs no filetype detection
  -- Attached and initialized (on_attach has hooked up the ghost text) before typing.
  wait_for(function()
    local c = sb.client()
    return c and vim.lsp.buf_is_attached(bufnr, c.id) and c.server_capabilities
      and c.server_capabilities.inlineCompletionProvider ~= nil
  end, 'the server to attach')
  sleep(100)
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_win_set_cursor(0, { last, 0 })
  say('nvim: in insert mode you type "return " under `def halve(x):` ...')
  feed('Areturn ')
  local text
  wait_for(function()
    local marks = vim.api.nvim_buf_get_extmarks(bufnr, ghost.ns, 0, -1, { details = true })
    text = marks[1] and marks[1][4].virt_text and marks[1][4].virt_text[1][1]
    return text
  end, 'ghost text')
  say('nvim: ghost text appears after the cursor: "' .. text .. '"')
  feed(sb.options.keymaps.accept, true)
  wait_for(function()
    return vim.api.nvim_buf_get_lines(bufnr, last - 1, last, false)[1]:find(text, 1, true)
  end, 'the accepted text')
  say('nvim: you press ' .. sb.options.keymaps.accept .. ' and the line reads: '
    .. vim.trim(vim.api.nvim_buf_get_lines(bufnr, last - 1, last, false)[1]))
  sleep(300)   -- the accept command reaches the server
  say('nvim: statusline() shows "' .. sb.statusline() .. '"')
end

co = coroutine.create(function()
  local ok, err = pcall(run)
  if not ok then io.stderr:write('demo_nvim: ' .. tostring(err) .. '\n') end
  vim.cmd(ok and 'qa!' or 'cq')
end)
vim.schedule(function() coroutine.resume(co) end)
