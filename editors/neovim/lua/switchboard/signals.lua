-- Tells the server what became of a suggestion, for the ledger's signal lines
-- (docs/inline.md): switchboard.shown when it is displayed, switchboard.partialAccept
-- with the characters of the item's text accepted so far by word or line, and
-- switchboard.rejected when a shown suggestion goes away unaccepted (dismissed, typed
-- over). Accepting the whole runs the item's own command (switchboard.accept). The
-- attempt id is the first argument of that command; items without it are not reported.
-- Each report is sent once per attempt; fire and forget.
local compat = require('switchboard.compat')
local M = {}

local KEEP = 64            -- attempts remembered (a few screens of suggestions)
local seen, order = {}, {}

function M.attempt_of(item)
  local cmd = type(item) == 'table' and item.command
  local args = type(cmd) == 'table' and cmd.command == 'switchboard.accept' and cmd.arguments
  local id = type(args) == 'table' and args[1]
  if type(id) == 'string' and id ~= '' then return id end
  return nil
end

local function entry(id)
  local e = seen[id]
  if e then return e end
  e = { accepted = 0 }
  seen[id] = e
  table.insert(order, id)
  if #order > KEEP then seen[table.remove(order, 1)] = nil end
  return e
end

local function send(client, command, args, bufnr)
  if not client then return end
  pcall(compat.request, client, 'workspace/executeCommand',
    { command = command, arguments = args }, function() end, bufnr)
end

local function chars(text) return vim.fn.strchars(text or '') end

-- item: the suggestion as the server sent it; text: its whole insert text (so later
-- partial counts are relative to it even when what is left is shown as a new item).
function M.shown(client, item, text, bufnr)
  local id = M.attempt_of(item)
  if not id then return end
  local e = entry(id)
  e.total = e.total or chars(text)
  if e.shown then return end
  e.shown = true
  send(client, 'switchboard.shown', { id }, bufnr)
end

-- rest: what is left of the suggestion after this partial accept.
function M.partial(client, item, rest, bufnr)
  local id = M.attempt_of(item)
  if not id then return end
  local e = entry(id)
  local total = e.total or chars(item.insertText or item.insert_text)
  local accepted = total - chars(rest)
  if accepted <= e.accepted then return end
  e.accepted = accepted
  send(client, 'switchboard.partialAccept', { id, accepted }, bufnr)
end

-- The whole suggestion was taken (its own command records that).
function M.accepted(item)
  local id = M.attempt_of(item)
  if id then entry(id).done = true end
end

-- A shown suggestion went away: rejected unless any of it was accepted.
function M.dropped(client, item, bufnr)
  local id = M.attempt_of(item)
  local e = id and seen[id]
  if not (e and e.shown) or e.done or e.rejected or e.accepted > 0 then return end
  e.rejected = true
  send(client, 'switchboard.rejected', { id }, bufnr)
end

function M._reset() seen, order = {}, {} end

return M
