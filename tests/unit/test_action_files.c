/* Tests for actions/action_files: URIs, test-file conventions, state files. */
#include "tests/unit/test.h"
#include "actions/action_files.h"
#include <sys/stat.h>
#include <unistd.h>

TEST(action_files_test_candidates)
{
    char **c = action_test_candidates("/w/pkg/foo.py", "python", "/w");
    ASSERT_STREQ(c[0], "/w/pkg/test_foo.py");
    ASSERT_STREQ(c[1], "/w/pkg/foo_test.py");
    ASSERT_STREQ(c[2], "/w/pkg/tests/test_foo.py");
    ASSERT_STREQ(c[3], "/w/tests/test_foo.py");
    ASSERT_STREQ(c[4], "/w/test/test_foo.py");
    ASSERT(c[5] == NULL);
    action_free_paths(c);
    c = action_test_candidates("/w/a/b.go", "go", "/w");
    ASSERT_STREQ(c[0], "/w/a/b_test.go");
    ASSERT(c[1] == NULL);
    action_free_paths(c);
    c = action_test_candidates("/w/src/util.ts", "typescript", NULL);
    ASSERT_STREQ(c[0], "/w/src/util.test.ts");
    ASSERT_STREQ(c[1], "/w/src/util.spec.ts");
    ASSERT_STREQ(c[2], "/w/src/__tests__/util.test.ts");
    ASSERT(c[3] == NULL);
    action_free_paths(c);
    c = action_test_candidates("/w/src/main/java/org/x/Foo.java", "java", "/w");
    ASSERT_STREQ(c[0], "/w/src/test/java/org/x/FooTest.java");
    action_free_paths(c);
    c = action_test_candidates("/w/test_foo.py", "python", "/w");   /* already a test */
    ASSERT(c[0] == NULL);
    action_free_paths(c);
}

TEST(action_files_is_test_path)
{
    ASSERT(action_is_test_path("/a/test_x.py"));
    ASSERT(action_is_test_path("/a/x_test.go"));
    ASSERT(action_is_test_path("/a/x.spec.ts"));
    ASSERT(action_is_test_path("/a/tests/helpers.py"));
    ASSERT(!action_is_test_path("/a/contest.py"));
    ASSERT(!action_is_test_path("/a/latest/x.py"));
}

TEST(action_files_markdown_mode_0600)
{
    char dir[] = "/tmp/sb-state-XXXXXX";
    ASSERT(mkdtemp(dir) != NULL);
    setenv("XDG_STATE_HOME", dir, 1);
    char err[256] = "";
    char *path = action_write_markdown("explain", "# Hi\n", 5, err, sizeof err);
    ASSERT(path != NULL);
    ASSERT(strncmp(path, dir, strlen(dir)) == 0);
    ASSERT(strstr(path, "/switchboard/explain-") != NULL);
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT_EQ(st.st_size, 5);
    char *sub = strrchr(path, '/');
    *sub = '\0';
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0700);
    *sub = '/';
    unlink(path);
    *sub = '\0';
    rmdir(path);
    rmdir(dir);
    free(path);
    setenv("XDG_STATE_HOME", "relative/ignored", 1);
    setenv("HOME", "/home/x", 1);
    char *d = action_state_dir();
    ASSERT_STREQ(d, "/home/x/.local/state/switchboard");
    free(d);
}
