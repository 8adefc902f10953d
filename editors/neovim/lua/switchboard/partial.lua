-- The part of a suggestion that "accept word" and "accept line" take, shared by the
-- plugin's own ghost text and the Neovim 0.12 one.
local M = {}

-- how: 'all' | 'word' | 'line'. A word is the leading blanks and then a run of word
-- characters or a run of other non-blank characters; a line ends after its newline.
function M.take(text, how)
  if how == 'word' then
    return text:match('^%s*[%w_]+') or text:match('^%s*[^%w_%s]+') or text
  elseif how == 'line' then
    return text:match('^[^\n]*\n') or text
  end
  return text
end

return M
