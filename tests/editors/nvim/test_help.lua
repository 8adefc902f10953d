-- :help switchboard: the doc file is valid for :helptags (no duplicate tags, no
-- error) and its tags lead to the sections users look for.
local T = dofile('tests/editors/nvim/helper.lua')

-- A copy of the doc folder, so :helptags writes its tags file outside the tree.
local function tagged_copy()
  local dir = os.getenv('SB_TEST_TMP') .. '/help-' .. tostring(vim.loop.hrtime())
  vim.fn.mkdir(dir .. '/doc', 'p')
  local src = assert(io.open('editors/neovim/doc/switchboard.txt', 'r'))
  local text = src:read('*a')
  src:close()
  local dst = assert(io.open(dir .. '/doc/switchboard.txt', 'w'))
  dst:write(text)
  dst:close()
  return dir, text
end

T.test('helptags accepts the doc and writes every tag once', function()
  local dir, text = tagged_copy()
  vim.v.errmsg = ''
  local ok, err = pcall(vim.cmd, 'helptags ' .. vim.fn.fnameescape(dir .. '/doc'))
  T.ok(ok, 'helptags failed: ' .. tostring(err))
  T.eq(vim.v.errmsg, '', 'error message after helptags')
  local tags = vim.fn.readfile(dir .. '/doc/tags')
  local seen, count = {}, 0
  for _, line in ipairs(tags) do
    local tag = line:match('^([^\t]+)\t')
    T.ok(tag and not seen[tag], 'duplicate or malformed tag line: ' .. line)
    seen[tag] = true
    count = count + 1
  end
  -- Every *tag* defined in the text made it into the tags file.
  for tag in text:gmatch('%*([%w:%-_%.]+)%*') do
    T.ok(seen[tag], 'tag not in tags file: ' .. tag)
  end
  T.ok(count >= 10, 'expected the doc to define its tags, got ' .. count)
end)

T.test(':help reaches setup, keys, commands and health', function()
  local dir = tagged_copy()
  vim.cmd('helptags ' .. vim.fn.fnameescape(dir .. '/doc'))
  vim.opt.runtimepath:prepend(dir)
  for _, tag in ipairs({ 'switchboard.txt', 'switchboard-setup', 'switchboard-keys',
                         ':Switchboard', 'switchboard-statusline', 'switchboard-health' }) do
    local ok, err = pcall(vim.cmd, 'help ' .. tag)
    T.ok(ok, ':help ' .. tag .. ' failed: ' .. tostring(err))
    T.eq(vim.fn.expand('%:t'), 'switchboard.txt', 'buffer opened by :help ' .. tag)
    vim.cmd('helpclose')
  end
end)

T.run()
