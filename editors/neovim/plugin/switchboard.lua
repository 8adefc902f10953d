-- Nothing starts until require('switchboard').setup{} is called; this file only makes
-- :checkhealth switchboard findable on old versions.
if vim.g.loaded_switchboard then return end
vim.g.loaded_switchboard = true
