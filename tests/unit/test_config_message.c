/* config_message_split: the JSON path taken back out of the loader's messages, each
 * shape the loader writes, and the texts that only look like paths. */
#include "tests/unit/test.h"
#include "config/config.h"
#include "config/config_message.h"
#include <stdlib.h>

static void expect_split(const char *msg, const char *file, const char *want_path,
                         const char *want_text)
{
    char *path = (char *)"untouched";
    const char *text = config_message_split(msg, file, &path);
    if (want_path) ASSERT_STREQ(path, want_path);
    else ASSERT(path == NULL);
    ASSERT_STREQ(text, want_text);
    free(path);
}

TEST(config_message_dotted_and_indexed_path)
{
    expect_split("/c.json: routes[1].targets[0]: unknown model 'sonet' (known: a, b)", "/c.json",
                 "routes[1].targets[0]", "unknown model 'sonet' (known: a, b)");
}

TEST(config_message_quoted_key_with_colon_space)
{
    expect_split("c.json: providers[\"a: b\"].kind: must be a string", "c.json",
                 "providers[\"a: b\"].kind", "must be a string");
}

TEST(config_message_syntax_error_has_no_path)
{
    expect_split("c.json: line 2 column 17: unexpected ','", "c.json", NULL,
                 "line 2 column 17: unexpected ','");
}

TEST(config_message_root_warning_has_no_path)
{
    expect_split("defaults: unknown key 'x' ignored", "defaults", NULL, "unknown key 'x' ignored");
}

TEST(config_message_note_without_file_prefix_is_whole_text)
{
    const char *msg = "no provider found: set ANTHROPIC_API_KEY";
    char *path = NULL;
    ASSERT(config_message_split(msg, "c.json", &path) == msg);
    ASSERT(path == NULL);
}

TEST(config_message_other_file_prefix_is_not_stripped)
{
    expect_split("other.json: inline: x", "c.json", NULL, "other.json: inline: x");
}

TEST(config_message_malformed_brackets_are_not_paths)
{
    expect_split("c.json: routes[x]: y", "c.json", NULL, "routes[x]: y");
    expect_split("c.json: providers[\"open: z", "c.json", NULL, "providers[\"open: z");
}

TEST(config_strategy_name_covers_every_strategy)
{
    ASSERT_STREQ(config_strategy_name(STRATEGY_FALLBACK), "fallback");
    ASSERT_STREQ(config_strategy_name(STRATEGY_SPLIT), "split");
    ASSERT_STREQ(config_strategy_name(STRATEGY_HEDGE), "hedge");
    ASSERT_STREQ(config_strategy_name(STRATEGY_ADAPTIVE), "adaptive");
    ASSERT_STREQ(config_strategy_name((enum route_strategy)99), "?");
}

/* What the loader writes round-trips: its warning's path comes back out. */
TEST(config_message_splits_a_real_loader_warning)
{
    char err[256];
    struct config *cfg = config_load_text("{\"inline\": {\"debounce\": 1}}", "t.json", NULL, err, sizeof err);
    ASSERT(cfg);
    ASSERT(cfg->warnings[0]);
    char *path = NULL;
    const char *text = config_message_split(cfg->warnings[0], "t.json", &path);
    ASSERT_STREQ(path, "inline");
    ASSERT_STREQ(text, "unknown key 'debounce' ignored (did you mean 'debounce_ms'?)");
    free(path);
    config_unref(cfg);
}
