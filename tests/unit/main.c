/* Unit test runner: runs every registered test in its own process with a timeout.
 * Usage: unit_tests [SUBSTRING...]  (runs tests whose name contains any substring)
 * Last line: "unit: N passed, M failed". */
#include "tests/unit/test.h"
#include "base/xalloc.h"
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

struct test_entry { const char *name; test_fn fn; };
static struct test_entry *tests;
static size_t test_count, test_cap;
static unsigned rng_state = 12345;

void test_register(const char *name, test_fn fn)
{
    if (test_count == test_cap) {
        test_cap = test_cap ? test_cap * 2 : 64;
        tests = realloc(tests, test_cap * sizeof *tests);
        if (!tests) abort();
    }
    tests[test_count++] = (struct test_entry){ name, fn };
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "    %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    fflush(stderr);
    _exit(1);
}

const char *test_fixture_path(const char *relative)
{
    static char path[4096];
    const char *root = getenv("SWITCHBOARD_FIXTURES");
    /* The runner starts in the repository root (tests/run-all.sh, make unit), like the
     * fake server's default path in fake_server_proc.c. */
    snprintf(path, sizeof path, "%s/%s", root ? root : "tests/fixtures", relative);
    return path;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) test_fail(__FILE__, __LINE__, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = xmalloc((size_t)n + 1);
    if (fread(data, 1, (size_t)n, f) != (size_t)n) test_fail(__FILE__, __LINE__, "short read %s", path);
    data[n] = '\0';
    fclose(f);
    if (len) *len = (size_t)n;
    return data;
}

void test_srand(unsigned seed) { rng_state = seed ? seed : 1; }
unsigned test_rand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static int wanted(const char *name, int argc, char **argv)
{
    if (argc < 2) return 1;
    for (int i = 1; i < argc; i++)
        if (strstr(name, argv[i])) return 1;
    return 0;
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const struct test_entry *)a)->name, ((const struct test_entry *)b)->name);
}

static int run_one(const struct test_entry *t)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(60); /* a hang fails the test instead of the whole run */
        xalloc_init();
        t->fn();
        fflush(NULL);
        exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFSIGNALED(status))
        fprintf(stderr, "    killed by signal %d%s\n", WTERMSIG(status),
                WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
    return 1;
}

int main(int argc, char **argv)
{
    qsort(tests, test_count, sizeof *tests, compare_entries);
    int passed = 0, failed = 0;
    for (size_t i = 0; i < test_count; i++) {
        if (!wanted(tests[i].name, argc, argv)) continue;
        int rc = run_one(&tests[i]);
        printf("%s %s\n", rc ? "FAIL" : "ok  ", tests[i].name);
        fflush(stdout);
        if (rc) failed++; else passed++;
    }
    free(tests);
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
