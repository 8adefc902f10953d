/* Answer validation for cascades (see answer_check.h). A scanner that knows strings
 * and comments well enough for bracket counting, not a parser: a false "balanced"
 * only costs the escalation, a false "unbalanced" is prevented by checking only
 * when the selection itself balanced. */
#include "actions/answer_check.h"
#include <string.h>
#include <strings.h>

static bool listed(const char *language, const char *const *names)
{
    for (size_t i = 0; language && names[i]; i++)
        if (strcasecmp(language, names[i]) == 0) return true;
    return false;
}

static const char *const c_like[] = {
    "c", "cpp", "objc", "objcpp", "java", "javascript", "javascriptreact", "typescript",
    "typescriptreact", "go", "rust", "csharp", "kotlin", "swift", "scala", "php", "dart", "json",
    "jsonc", NULL,
};
static const char *const hash_comment[] = { "python", "ruby", "perl", "r", "shellscript", "sh", "bash", NULL };

static bool checked_language(const char *language)
{
    return listed(language, c_like) || listed(language, hash_comment);
}

bool answer_brackets_balance(const char *s, size_t len, const char *language)
{
    char stack[256];
    size_t depth = 0;
    bool hash = listed(language, hash_comment), slash = !hash;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '"' || ch == '\'' || ch == '`') {   /* skip the literal, escapes included */
            for (i++; i < len && s[i] != ch; i++) {
                if (s[i] == '\\') i++;
                else if (s[i] == '\n' && ch != '`') break;   /* an apostrophe in prose, say */
            }
            continue;
        }
        if ((hash && ch == '#') || (slash && ch == '/' && i + 1 < len && s[i + 1] == '/')) {
            while (i < len && s[i] != '\n') i++;
            continue;
        }
        if (slash && ch == '/' && i + 1 < len && s[i + 1] == '*') {
            const char *end = NULL;
            for (size_t k = i + 2; k + 1 < len && !end; k++)
                if (s[k] == '*' && s[k + 1] == '/') end = s + k;
            if (!end) return false;
            i = (size_t)(end - s) + 1;
            continue;
        }
        if (ch == '(' || ch == '[' || ch == '{') {
            if (depth == sizeof stack) return false;
            stack[depth++] = ch;
        } else if (ch == ')' || ch == ']' || ch == '}') {
            char open = ch == ')' ? '(' : ch == ']' ? '[' : '{';
            if (depth == 0 || stack[depth - 1] != open) return false;
            depth--;
        }
    }
    return depth == 0;
}

const char *answer_check_replacement(const char *code, size_t len, const char *selection,
                                     size_t sel_len, const char *language)
{
    if (!code) return "the answer held no code";
    size_t k = 0;
    while (k < len && (code[k] == ' ' || code[k] == '\t' || code[k] == '\n' || code[k] == '\r')) k++;
    if (k == len && sel_len > 0) return "the answer's replacement is empty";
    if (checked_language(language) && answer_brackets_balance(selection, sel_len, language) &&
        !answer_brackets_balance(code, len, language))
        return "the answer's brackets do not balance";
    return NULL;
}
