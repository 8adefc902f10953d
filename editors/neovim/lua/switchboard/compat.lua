-- Client calls across Neovim versions: 0.11 made vim.lsp.Client methods colon calls
-- (the dot form warns and goes away in 0.13); 0.7-0.10 only have the dot form.
local M = {}

local colon = vim.fn.has('nvim-0.11') == 1

function M.request(client, method, params, handler, bufnr)
  if colon then return client:request(method, params, handler, bufnr) end
  return client.request(method, params, handler, bufnr)
end

function M.cancel_request(client, id)
  if colon then return client:cancel_request(id) end
  return client.cancel_request(id)
end

M.uv = vim.uv or vim.loop

return M
