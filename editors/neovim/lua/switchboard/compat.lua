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

-- The cursor of bufnr's window (the current one if it shows bufnr): 0-based row, byte
-- column, window; nil when no window shows the buffer.
function M.cursor(bufnr)
  local win = vim.api.nvim_get_current_win()
  if vim.api.nvim_win_get_buf(win) ~= bufnr then
    win = vim.fn.bufwinid(bufnr)
    if win == -1 then return nil end
  end
  local c = vim.api.nvim_win_get_cursor(win)
  return c[1] - 1, c[2], win
end

return M
