-- Where the server runs: the filetypes it attaches to (and so where inline completion
-- is offered) and the files that mark a project root. The one copy, read by setup{}
-- (init.lua) and by lsp/switchboard.lua for vim.lsp.enable('switchboard'), so the two
-- ways of starting the server cannot drift apart.
return {
  filetypes = { 'c', 'cpp', 'go', 'java', 'javascript', 'javascriptreact', 'lua', 'python',
                'rust', 'typescript', 'typescriptreact', 'sh', 'ruby', 'zig', 'markdown' },
  root_markers = { '.git', '.hg', 'Makefile', 'package.json', 'Cargo.toml', 'go.mod', 'pyproject.toml' },
}
