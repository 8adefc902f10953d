/* Next-edit region, prompts and answer parsing. */
#include "tests/unit/test.h"
#include "nes/answer.h"
#include "nes/prompt.h"
#include "nes/region.h"
#include "base/xalloc.h"

static const char *numbered(int lines)
{
    static char text[4096];
    text[0] = '\0';
    for (int i = 0; i < lines; i++) sprintf(text + strlen(text), "line%d\n", i);
    return text;
}

TEST(nes_region_is_whole_lines_around_the_cursor)
{
    const char *t = numbered(30);
    size_t cursor = (size_t)(strstr(t, "line15") - t) + 2;
    struct nes_region r;
    nes_region_find(t, strlen(t), cursor, 2, 3, 1000, &r);
    ASSERT_EQ(r.cursor, cursor);
    ASSERT_EQ(r.start, (size_t)(strstr(t, "line13") - t));
    ASSERT_EQ(r.end, (size_t)(strstr(t, "line18") - t));
    ASSERT_EQ(r.context_start, (size_t)(strstr(t, "line10") - t));
    ASSERT_EQ(r.context_end, (size_t)(strstr(t, "line21") - t));
}

TEST(nes_region_clamps_to_the_text)
{
    const char *t = "a\nb\nc";
    struct nes_region r;
    nes_region_find(t, 5, 99, 10, 10, 1000, &r);
    ASSERT_EQ(r.cursor, 5);
    ASSERT_EQ(r.start, 0);
    ASSERT_EQ(r.end, 5);
    ASSERT_EQ(r.context_start, 0);
    ASSERT_EQ(r.context_end, 5);
    nes_region_find("", 0, 0, 10, 10, 1000, &r);
    ASSERT_EQ(r.end, 0);
    /* never inside a CRLF or a UTF-8 sequence */
    nes_region_find("x\r\ny", 4, 2, 0, 0, 0, &r);
    ASSERT_EQ(r.cursor, 1);
    nes_region_find("\xc3\xa9", 2, 1, 0, 0, 0, &r);
    ASSERT_EQ(r.cursor, 0);
}

TEST(nes_region_context_bounded_in_bytes)
{
    const char *t = numbered(30);
    size_t cursor = (size_t)(strstr(t, "line15") - t);
    struct nes_region r;
    nes_region_find(t, strlen(t), cursor, 0, 10, 14, &r);   /* two 7-byte lines per side */
    ASSERT_EQ(r.start - r.context_start, 14);
    ASSERT_EQ(r.context_end - r.end, 14);
}

static struct nes_prompt_input sample(void)
{
    static const char *region = "b = 1\nc = 2\n";
    return (struct nes_prompt_input){
        .path = "src/x.py", .language = "python", .edits = "--- a/src/x.py\n+++ b/src/x.py\n@@ -1,1 +1,1 @@\n-a\n+z\n",
        .before = "top\n", .before_len = 4, .region = region, .region_len = strlen(region),
        .cursor = 2, .after = "end\n", .after_len = 4, .at_file_start = true,
    };
}

TEST(nes_prompt_formats_mark_region_and_cursor)
{
    struct nes_prompt_input in = sample();
    char *chat = nes_prompt_chat_user(&in);
    ASSERT(strstr(chat, "```diff\n--- a/src/x.py"));
    ASSERT(strstr(chat, "top\n" NES_REGION_START "\nb " NES_CURSOR "= 1\nc = 2\n" NES_REGION_END "\nend\n"));
    ASSERT(strstr(chat, "File: src/x.py"));
    ASSERT(strstr(nes_prompt_chat_system(), NES_REGION_START));
    char *zeta = nes_prompt_zeta(&in);
    ASSERT(strstr(zeta, "### User Edits:"));
    ASSERT(strstr(zeta, "User edited \"src/x.py\""));
    ASSERT(strstr(zeta, "```src/x.py\n" NES_FILE_START "\ntop\n" NES_REGION_START "\n"));
    ASSERT(strstr(zeta, NES_REGION_END "\nend\n```\n\n### Response:\n"));
    free(chat);
    free(zeta);
}

static char *parse(const char *answer, const char *region, const char *eol, const char **why)
{
    size_t len = 0;
    return nes_answer_parse(answer, strlen(answer), region, strlen(region), eol, &len, why);
}

TEST(nes_answer_reads_the_region)
{
    const char *why = NULL;
    char *r = parse("Sure:\n```\n" NES_REGION_START "\nb = 1" NES_CURSOR "\nc = 3\n" NES_REGION_END "\n```\n",
                    "b = 1\nc = 2\n", "\n", &why);
    ASSERT_STREQ(r, "b = 1\nc = 3\n");
    free(r);
    /* the document's line endings, the region's final line break */
    r = parse(NES_REGION_START "\nx\ny" NES_REGION_END, "x\r\nz\r\n", "\r\n", &why);
    ASSERT_STREQ(r, "x\r\ny\r\n");
    free(r);
    r = parse(NES_REGION_START "\nx\ny\n" NES_REGION_END, "x\nz", "\n", &why);
    ASSERT_STREQ(r, "x\ny");
    free(r);
}

TEST(nes_answer_rejects_garbled_answers)
{
    const char *why = NULL;
    ASSERT(!parse("I would rename h to height.", "a\n", "\n", &why));
    ASSERT(strstr(why, "start marker"));
    ASSERT(!parse(NES_REGION_START "\na\n", "a\n", "\n", &why));
    ASSERT(strstr(why, "end marker"));
    ASSERT(!parse(NES_REGION_START "\na\n" NES_REGION_END NES_REGION_START "\nb\n" NES_REGION_END, "a\n", "\n", &why));
    ASSERT(strstr(why, "more than one"));
    char big[2048] = NES_REGION_START "\n";
    for (int i = 0; i < 40; i++) strcat(big, "x\n");
    strcat(big, NES_REGION_END);
    ASSERT(!parse(big, "a\n", "\n", &why));
    ASSERT(strstr(why, "more than the region"));
    ASSERT(!nes_answer_parse(NULL, 0, "a\n", 2, "\n", &(size_t){0}, &why));
}
