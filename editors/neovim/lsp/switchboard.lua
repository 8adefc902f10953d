-- For Neovim 0.11+ users who configure servers through lsp/<name>.lua on the runtimepath:
-- vim.lsp.enable('switchboard') picks this up. require('switchboard').setup{} does the
-- same and adds ghost text keymaps and commands.
return {
  cmd = { 'switchboard', '--stdio' },
  filetypes = { 'c', 'cpp', 'go', 'java', 'javascript', 'javascriptreact', 'lua', 'python',
                'rust', 'typescript', 'typescriptreact', 'sh', 'ruby', 'zig', 'markdown' },
  root_markers = { '.git', '.hg', 'Makefile', 'package.json', 'Cargo.toml', 'go.mod', 'pyproject.toml' },
  init_options = {},
}
