-- For Neovim 0.11+ users who configure servers through lsp/<name>.lua on the runtimepath:
-- vim.lsp.enable('switchboard') picks this up. require('switchboard').setup{} does the
-- same and adds ghost text keymaps and commands. Filetypes and root markers are the
-- plugin's (lua/switchboard/server.lua).
local server = require('switchboard.server')
return {
  cmd = { 'switchboard', '--stdio' },
  filetypes = vim.deepcopy(server.filetypes),
  root_markers = vim.deepcopy(server.root_markers),
  init_options = {},
}
