/* Ledger writer tests: exact line fields, estimated flag, file mode, rotation with a
 * keep count, acceptance lines, spend totals across reopen. Each runs a real uv loop
 * in a fresh temporary directory. */
#include "tests/unit/test.h"
#include "ledger/ledger.h"
#include "ledger/ledger_read.h"
#include "ledger/ledger_tail.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <sys/stat.h>
#include <unistd.h>

static char *temp_dir(void)
{
    char *dir = xstrdup("/tmp/sb-ledger-XXXXXX");
    ASSERT(mkdtemp(dir) != NULL);
    return dir;
}

/* Removes a test's temporary directory (paths come from temp_dir, no quoting needed). */
static void remove_dir(const char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    ASSERT_EQ(system(cmd), 0);
    free(cmd);
}

static struct ledger_entry sample(int64_t time_ms, const char *attempt_id, double cost)
{
    return (struct ledger_entry){
        .time_ms = time_ms, .request_id = "7", .attempt_id = attempt_id, .task = "inline",
        .trigger = "automatic", .route = "routes[0]", .model = "fast", .provider = "deepseek",
        .attempt = 1, .outcome = "ok", .status = 200, .first_token_ms = 180, .total_ms = 420,
        .tokens_in = 812, .tokens_out = 24, .tokens_cached = 0, .tokens_reasoning = 0,
        .estimated = false, .cost_usd = cost, .accepted = false,
    };
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int n = 0, c;
    while ((c = fgetc(f)) != EOF) n += c == '\n';
    fclose(f);
    return n;
}

/* A ledger in a fresh directory: write() adds its lines, then it is closed and the
 * file's text returned (the caller frees it). */
static char *written_text(void (*write)(struct ledger *l))
{
    char *dir = temp_dir();
    char *path = xasprintf("%s/l.jsonl", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    struct ledger *l = ledger_open(&loop, path, 0, 3, err, sizeof err);
    ASSERT(l != NULL);
    write(l);
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    char *text = test_read_file(path, NULL);
    remove_dir(dir); free(path); free(dir);
    return text;
}

TEST(ledger_writes_exact_line_with_mode_0600)
{
    char *dir = temp_dir();
    char *path = xasprintf("%s/state/switchboard/ledger.jsonl", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256] = "";
    struct ledger *l = ledger_open(&loop, path, 0, 3, err, sizeof err);
    ASSERT(l != NULL);
    struct ledger_entry e = sample(1795813200123LL, "a1b2-3", 0.000237);
    ledger_record(l, &e);
    ledger_close(l);
    ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    char *text = test_read_file(path, NULL);
    ASSERT_STREQ(text,
        "{\"time\":\"2026-11-27T21:00:00.123Z\",\"request_id\":\"7\",\"attempt_id\":\"a1b2-3\","
        "\"task\":\"inline\",\"trigger\":\"automatic\",\"route\":\"routes[0]\",\"model\":\"fast\","
        "\"provider\":\"deepseek\",\"attempt\":1,\"outcome\":\"ok\",\"status\":200,"
        "\"first_token_ms\":180,\"total_ms\":420,\"tokens_in\":812,\"tokens_out\":24,"
        "\"tokens_cached\":0,\"tokens_reasoning\":0,\"estimated\":false,\"cost_usd\":0.000237,"
        "\"accepted\":false}\n");
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
    char *parent = xasprintf("%s/state/switchboard", dir);
    ASSERT_EQ(stat(parent, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0700);
    free(parent); free(text); remove_dir(dir); free(path); free(dir);
}

static void write_cancelled(struct ledger *l)
{
    struct ledger_entry e = sample(1795813200000LL, "x-1", 0.5);
    e.outcome = "cancelled"; e.status = 0; e.first_token_ms = -1; e.estimated = true;
    e.route = "my \"route\"\n";
    ledger_record(l, &e);
}

TEST(ledger_cancelled_estimated_and_escaped)
{
    char *text = written_text(write_cancelled);
    ASSERT(strstr(text, "\"route\":\"my \\\"route\\\"\\n\"") != NULL);
    ASSERT(strstr(text, "\"first_token_ms\":null") != NULL);
    cJSON *root;
    struct ledger_entry back;
    const char *accept;
    text[strlen(text) - 1] = '\0';
    ASSERT_EQ(ledger_parse_line(text, &root, &back, &accept), LEDGER_LINE_ATTEMPT);
    ASSERT(back.estimated);
    ASSERT_STREQ(back.outcome, "cancelled");
    ASSERT_EQ(back.first_token_ms, -1);
    ASSERT_STREQ(back.route, "my \"route\"\n");
    ASSERT_EQ(back.time_ms, 1795813200000LL);
    cJSON_Delete(root);
    free(text);
}

static void write_many(struct ledger *l)
{
    for (int i = 0; i < 200; i++) {   /* queued while earlier writes are in flight */
        char id[16];
        snprintf(id, sizeof id, "id-%d", i);
        struct ledger_entry e = sample(1795813200000LL + i, id, 0.001);
        ledger_record(l, &e);
    }
    ledger_accept(l, "id-5");
}

TEST(ledger_accept_line_and_many_queued_writes)
{
    char *text = written_text(write_many);
    int lines = 0;
    for (const char *c = text; *c; c++) lines += *c == '\n';
    ASSERT_EQ(lines, 201);
    char *last = strstr(text, "\"accept\":\"id-5\"");
    ASSERT(last != NULL);
    ASSERT(strstr(text, "\"attempt_id\":\"id-199\"") < last);   /* order kept */
    free(text);
}

TEST(ledger_item_ids_name_one_candidate_of_an_attempt)
{
    char *id = ledger_item_id("0badf00d-7", 2);
    ASSERT_STREQ(id, "0badf00d-7#2");
    int k;
    ASSERT_EQ(ledger_item_split(id, &k), strlen("0badf00d-7"));
    ASSERT_EQ(k, 2);
    ASSERT_EQ(ledger_item_split("0badf00d-7", &k), strlen("0badf00d-7"));
    ASSERT_EQ(k, -1);
    ASSERT_EQ(ledger_item_split("a#b", &k), 3);   /* not a candidate number: the whole id */
    ASSERT_EQ(k, -1);
    ASSERT_EQ(ledger_item_split("a#", &k), 2);
    ASSERT_EQ(k, -1);
    free(id);
}

static void write_candidates(struct ledger *l)
{
    struct ledger_entry e = sample(1795813200000LL, "att-1", 0.003);
    e.candidates = 3;
    ledger_record(l, &e);
    ledger_accept(l, "att-1#2");
    ledger_signal(l, SIGNAL_SHOWN, "att-1#1", -1, -1);
    ledger_accept(l, "att-2");
}

TEST(ledger_candidates_and_accepted_candidate_lines)
{
    char *text = written_text(write_candidates);
    ASSERT(strstr(text, "\"attempt_id\":\"att-1\"") != NULL);
    ASSERT(strstr(text, "\"candidates\":3") != NULL);
    ASSERT(strstr(text, "\"accept\":\"att-1\",\"candidate\":2}") != NULL);
    ASSERT(strstr(text, "\"attempt_id\":\"att-1\",\"candidate\":1}") != NULL);
    ASSERT(strstr(text, "\"accept\":\"att-2\"}") != NULL);   /* a plain id: no candidate */
    ASSERT(strstr(text, "#") == NULL);
    free(text);
}

TEST(ledger_rotates_at_size_and_keeps_n)
{
    char *dir = temp_dir();
    char *path = xasprintf("%s/l.jsonl", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    struct ledger_entry e = sample(1795813200000LL, "r-0000", 0.001);
    char *line_text;
    {   /* measure one line to size the limit at exactly three lines */
        struct ledger *probe = ledger_open(&loop, path, 0, 2, err, sizeof err);
        ledger_record(probe, &e);
        ledger_close(probe);
        uv_run(&loop, UV_RUN_DEFAULT);
        line_text = test_read_file(path, NULL);
        unlink(path);
    }
    long line_len = (long)strlen(line_text);
    struct ledger *l = ledger_open(&loop, path, 3 * line_len, 2, err, sizeof err);
    for (int i = 0; i < 11; i++) {
        char id[16];
        snprintf(id, sizeof id, "r-%04d", i);
        e.attempt_id = id;
        ledger_record(l, &e);
        if (i % 4 == 0) uv_run(&loop, UV_RUN_DEFAULT);   /* mix of batched and single writes */
    }
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    /* 11 lines, 3 per file: l.jsonl has 2 (r-9, r-10), .1 has 6..8, .2 has 3..5; 0..2 dropped. */
    char *p1 = xasprintf("%s.1", path), *p2 = xasprintf("%s.2", path), *p3 = xasprintf("%s.3", path);
    ASSERT_EQ(count_lines(path), 2);
    ASSERT_EQ(count_lines(p1), 3);
    ASSERT_EQ(count_lines(p2), 3);
    ASSERT_EQ(access(p3, F_OK), -1);
    char *t2 = test_read_file(p2, NULL);
    ASSERT(strstr(t2, "r-0003") && strstr(t2, "r-0005") && !strstr(t2, "r-0002"));
    char *t0 = test_read_file(path, NULL);
    ASSERT(strstr(t0, "r-0009") && strstr(t0, "r-0010"));
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT(st.st_size <= 3 * line_len);
    free(t0); free(t2); free(p1); free(p2); free(p3); free(line_text); remove_dir(dir); free(path); free(dir);
}

TEST(ledger_spend_since_scans_earlier_files)
{
    char *dir = temp_dir();
    char *path = xasprintf("%s/l.jsonl", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    uv_timeval64_t tv;
    uv_gettimeofday(&tv);
    int64_t now = tv.tv_sec * 1000LL, day = 24 * 3600 * 1000LL;
    struct ledger *l = ledger_open(&loop, path, 0, 3, err, sizeof err);
    struct ledger_entry e = sample(now - 3 * day, "s-1", 1.0);
    ledger_record(l, &e);
    e = sample(now - 10 * 60 * 1000, "s-2", 0.25);
    ledger_record(l, &e);
    e = sample(now - 5 * 60 * 1000, "s-3", 0.5);
    e.model = "reasoning"; e.provider = "anthropic";
    ledger_record(l, &e);
    ASSERT_NEAR(ledger_spend_since(l, now - day, NULL, NULL), 0.75, 1e-12);
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    /* A new process (reopen) sees the same totals from the file. */
    l = ledger_open(&loop, path, 0, 3, err, sizeof err);
    ASSERT(l != NULL);
    ASSERT_NEAR(ledger_spend_since(l, now - day, NULL, NULL), 0.75, 1e-12);
    ASSERT_NEAR(ledger_spend_since(l, now - 7 * day, NULL, NULL), 1.75, 1e-12);
    ASSERT_NEAR(ledger_spend_since(l, now - 7 * day, "fast", NULL), 1.25, 1e-12);
    ASSERT_NEAR(ledger_spend_since(l, now - day, NULL, "anthropic"), 0.5, 1e-12);
    ASSERT_NEAR(ledger_spend_since(l, now - day, "fast", "anthropic"), 0.0, 1e-12);
    e = sample(now, "s-4", 0.125);
    ledger_record(l, &e);
    ASSERT_NEAR(ledger_spend_since(l, now - day, "fast", NULL), 0.375, 1e-12);
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    remove_dir(dir); free(path); free(dir);
}

TEST(ledger_open_fails_cleanly_and_default_path)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256] = "";
    struct ledger *l = ledger_open(&loop, "/proc/nope/ledger.jsonl", 0, 3, err, sizeof err);
    ASSERT(l == NULL);
    ASSERT(strstr(err, "/proc/nope") != NULL);
    uv_loop_close(&loop);
    setenv("XDG_STATE_HOME", "/x/state", 1);
    char *p = ledger_default_path();
    ASSERT_STREQ(p, "/x/state/switchboard/ledger.jsonl");
    free(p);
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", "/home/u", 1);
    p = ledger_default_path();
    ASSERT_STREQ(p, "/home/u/.local/state/switchboard/ledger.jsonl");
    free(p);
    char *a = ledger_new_attempt_id(), *b = ledger_new_attempt_id();
    ASSERT(strcmp(a, b) != 0);
    free(a); free(b);
}

TEST(ledger_time_format_round_trip)
{
    char out[32];
    ledger_format_time(1795813200123LL, out);
    ASSERT_STREQ(out, "2026-11-27T21:00:00.123Z");
    ASSERT_EQ(ledger_parse_time(out), 1795813200123LL);
    ASSERT_EQ(ledger_parse_time("2026-11-27T21:00:00Z"), 1795813200000LL);
    ASSERT_EQ(ledger_parse_time("2026-11-27 21:00"), -1);
    ASSERT_EQ(ledger_parse_time("2026-11-27T21:00:00+01:00"), -1);
}

TEST(ledger_tightens_existing_file_mode)
{
    char *dir = temp_dir();
    char *path = xasprintf("%s/l.jsonl", dir);
    FILE *f = fopen(path, "w");
    fclose(f);
    ASSERT_EQ(chmod(path, 0644), 0);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    struct ledger *l = ledger_open(&loop, path, 0, 3, err, sizeof err);
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    remove_dir(dir); free(path); free(dir);
}

TEST(ledger_keep_zero_starts_over)
{
    char *dir = temp_dir();
    char *path = xasprintf("%s/l.jsonl", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    struct ledger *l = ledger_open(&loop, path, 600, 0, err, sizeof err);   /* ~2 lines */
    for (int i = 0; i < 5; i++) {
        char id[16];
        snprintf(id, sizeof id, "k-%d", i);
        struct ledger_entry e = sample(1795813200000LL, id, 0.001);
        ledger_record(l, &e);
    }
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    char *p1 = xasprintf("%s.1", path);
    ASSERT_EQ(access(p1, F_OK), -1);
    char *text = test_read_file(path, NULL);
    ASSERT(strstr(text, "k-4") != NULL);
    ASSERT(strstr(text, "k-0") == NULL);
    ASSERT(strlen(text) <= 600);
    free(text); free(p1); remove_dir(dir); free(path); free(dir);
}

struct tail_seen {
    char lines[16][64];
    size_t count, stop_after;
};

static bool tail_collect(void *data, char *line, size_t len)
{
    struct tail_seen *s = data;
    ASSERT_EQ(strlen(line), len);
    if (s->count < 16) snprintf(s->lines[s->count], sizeof s->lines[0], "%s", line);
    s->count++;
    return s->count != s->stop_after;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ASSERT(f != NULL);
    fputs(text, f);
    fclose(f);
}

/* Newest first across PATH and its rotations, CRLF and empty lines, a last line with no
 * newline, a line that spans the reader's 64 kB chunks, a limit, and stopping early. */
TEST(ledger_tail_reads_newest_first)
{
    char *dir = temp_dir();
    char *path = xasprintf("%s/l.jsonl", dir);
    char *p1 = xasprintf("%s.1", path), *p2 = xasprintf("%s.2", path);
    write_text(p2, "a\nb\n");
    write_text(p1, "c\r\n\r\nd\n");
    write_text(path, "e\nf\ng");
    struct tail_seen s = { .stop_after = 0 };
    ASSERT_EQ(ledger_read_newest_first(path, -1, tail_collect, &s), 7);
    const char *want[] = { "g", "f", "e", "d", "c", "b", "a" };
    for (size_t i = 0; i < 7; i++) ASSERT_STREQ(s.lines[i], want[i]);

    s = (struct tail_seen){ .stop_after = 0 };     /* bytes after the limit are not read */
    ASSERT_EQ(ledger_read_newest_first(path, 4, tail_collect, &s), 6);
    ASSERT_STREQ(s.lines[0], "f");
    ASSERT_STREQ(s.lines[1], "e");

    s = (struct tail_seen){ .stop_after = 4 };     /* the reader stops when told */
    ASSERT_EQ(ledger_read_newest_first(path, -1, tail_collect, &s), 4);
    ASSERT_STREQ(s.lines[3], "d");

    /* 200,000 bytes of one line between two short ones: whole, once. */
    struct buf big = { 0 };
    buf_puts(&big, "first\n");
    for (int i = 0; i < 200000; i++) buf_putc(&big, (char)('a' + i % 26));
    buf_puts(&big, "\nlast\n");
    FILE *f = fopen(path, "w");
    fwrite(big.data, 1, big.len, f);
    fclose(f);
    unlink(p1);
    unlink(p2);
    s = (struct tail_seen){ .stop_after = 0 };
    ASSERT_EQ(ledger_read_newest_first(path, -1, tail_collect, &s), 3);
    ASSERT_STREQ(s.lines[0], "last");
    ASSERT_STREQ(s.lines[2], "first");
    ASSERT_EQ(strncmp(s.lines[1], "abcdefghijklmnopqrstuvwxyz", 26), 0);
    /* A line longer than the reader's limit is skipped; its neighbours are not. */
    big.len = 0;
    buf_puts(&big, "first\n");
    for (int i = 0; i < LEDGER_TAIL_MAX_LINE + 100000; i++) buf_putc(&big, 'x');
    buf_puts(&big, "\nlast\n");
    f = fopen(path, "w");
    fwrite(big.data, 1, big.len, f);
    fclose(f);
    s = (struct tail_seen){ .stop_after = 0 };
    ASSERT_EQ(ledger_read_newest_first(path, -1, tail_collect, &s), 2);
    ASSERT_STREQ(s.lines[0], "last");
    ASSERT_STREQ(s.lines[1], "first");
    buf_free(&big);
    remove_dir(dir);
    free(p1); free(p2); free(path); free(dir);
}

/* Opening the ledger reads spend only as far back as a budget can look (a month): an
 * attempt 40 days old is not counted, and the scan stops there, so lines older still
 * (here a line that would count if it were read) are never read. */
TEST(ledger_open_scans_only_the_budget_window)
{
    char *dir = temp_dir();
    char *path = xasprintf("%s/l.jsonl", dir);
    uv_timeval64_t tv;
    uv_gettimeofday(&tv);
    int64_t now = tv.tv_sec * 1000LL, day = 24 * 3600 * 1000LL;
    char t_old[32], t_older[32], t_recent[32];
    ledger_format_time(now - 40 * day, t_old);
    ledger_format_time(now - 2 * day, t_older);     /* out of order: written before the old one */
    ledger_format_time(now - 3600 * 1000, t_recent);
    char *text = xasprintf(
        "{\"time\":\"%s\",\"attempt_id\":\"x\",\"model\":\"fast\",\"provider\":\"p\",\"outcome\":\"ok\",\"cost_usd\":8}\n"
        "{\"time\":\"%s\",\"attempt_id\":\"o\",\"model\":\"fast\",\"provider\":\"p\",\"outcome\":\"ok\",\"cost_usd\":4}\n"
        "not json\n"
        "{\"time\":\"%s\",\"accept\":\"o\"}\n"
        "{\"time\":\"%s\",\"attempt_id\":\"r\",\"model\":\"fast\",\"provider\":\"p\",\"outcome\":\"ok\",\"cost_usd\":0.5}\n",
        t_older, t_old, t_recent, t_recent);
    write_text(path, text);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    struct ledger *l = ledger_open(&loop, path, 0, 3, err, sizeof err);
    ASSERT(l != NULL);
    ASSERT_NEAR(ledger_spend_since(l, now - 31 * day, NULL, NULL), 0.5, 1e-12);
    ASSERT_NEAR(ledger_spend_since(l, now - 90 * day, NULL, NULL), 0.5, 1e-12);
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    free(text);
    remove_dir(dir);
    free(path); free(dir);
}

static bool count_until_two(void *data, const char *line)
{
    (void)line;
    return ++*(int *)data < 2;
}

/* The cheap time read of a ledger line, and a forward read that stops when told. */
TEST(ledger_line_time_and_read_while)
{
    ASSERT_EQ(ledger_line_time("{\"time\":\"2026-11-27T21:00:00.123Z\",\"model\":\"m\"}"),
              ledger_parse_time("2026-11-27T21:00:00.123Z"));
    ASSERT(ledger_line_time("{\"time\":\"2026-11-27T21:00:00.123Z\",\"model\":\"m\"}") > 0);
    ASSERT_EQ(ledger_line_time("{\"model\":\"m\",\"time\":\"2026-11-27T21:00:00.123Z\"}"), -1);
    ASSERT_EQ(ledger_line_time("{\"time\":\"2026-11-27T21:00:00.123Z"), -1);   /* cut short */
    ASSERT_EQ(ledger_line_time("{\"time\":\"soon\"}"), -1);
    char *dir = temp_dir();
    char *path = xasprintf("%s/l.jsonl", dir);
    write_text(path, "a\nb\nc\n");
    int n = 0;
    ASSERT_EQ(ledger_read_all_while(path, count_until_two, &n), 1);
    ASSERT_EQ(n, 2);
    remove_dir(dir);
    free(path); free(dir);
}
