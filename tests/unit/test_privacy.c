/* Tests for lsp/privacy: excluded files and secret redaction. */
#include "tests/unit/test.h"
#include "lsp/privacy.h"
#include "config/config.h"

static char *redact(const char *text, int *count)
{
    return privacy_redact(text, strlen(text), NULL, count);
}

#define EXPECT_REDACTED(input, expected, n) do {                      \
        int _c = -1;                                                   \
        char *_r = redact(input, &_c);                                 \
        ASSERT_STREQ(_r, expected);                                    \
        ASSERT_EQ(_c, n);                                              \
        free(_r);                                                      \
    } while (0)

TEST(privacy_default_excludes)
{
    ASSERT(privacy_uri_excluded(NULL, "file:///home/u/p/.env"));
    ASSERT(privacy_uri_excluded(NULL, "file:///home/u/p/.env.production"));
    ASSERT(privacy_uri_excluded(NULL, "untitled:certs/server.pem"));
    ASSERT(privacy_uri_excluded(NULL, "file:///x/tls.key"));
    ASSERT(privacy_uri_excluded(NULL, "file:///home/u/.ssh/id_rsa"));
    ASSERT(privacy_uri_excluded(NULL, "file:///srv/app/secrets/db.yaml"));
    ASSERT(!privacy_uri_excluded(NULL, "file:///srv/app/src/main.c"));
    ASSERT(!privacy_uri_excluded(NULL, "file:///srv/app/environment.py"));
    ASSERT(privacy_uri_excluded(NULL, NULL));          /* fails closed */
    char *custom[] = { "*.secret.ts", NULL };
    ASSERT(privacy_uri_excluded(custom, "file:///a/b/c.secret.ts"));
    ASSERT(!privacy_uri_excluded(custom, "file:///a/.env"));   /* a configured list replaces the defaults */
    char *none[] = { NULL };
    ASSERT(!privacy_uri_excluded(none, "file:///a/.env"));
}

TEST(privacy_private_key_block)
{
    EXPECT_REDACTED("key = \"\"\"\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nabc+/=\n"
                    "-----END RSA PRIVATE KEY-----\n\"\"\"\nx = 1\n",
                    "key = \"\"\"\n[REDACTED]\n\"\"\"\nx = 1\n", 1);
    EXPECT_REDACTED("-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaC1rZXktdjEAAAAA\r\n"
                    "-----END OPENSSH PRIVATE KEY-----", "[REDACTED]", 1);
    /* a public certificate is not a secret */
    EXPECT_REDACTED("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", 0);
}

TEST(privacy_key_block_cut_by_context)
{
    /* the suffix window lost the END marker */
    EXPECT_REDACTED("pem = '''\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\nAASC",
                    "pem = '''\n[REDACTED]", 1);
    /* the prefix window lost the BEGIN marker */
    EXPECT_REDACTED("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nAKIAIOSFODNN7EXAMPLE0BAQEFAASCBK\n"
                    "-----END EC PRIVATE KEY-----\n'''\nok()",
                    "[REDACTED]\n'''\nok()", 1);
}

TEST(privacy_api_key_shapes)
{
    EXPECT_REDACTED("client = OpenAI(api=\"sk-proj-4f8Kq2Zx9Lm3Np7Rt5Vw1Yb6\")",
                    "client = OpenAI(api=\"[REDACTED]\")", 1);
    EXPECT_REDACTED("k: sk-ant-api03-Zx81kLmQ2w9ErTy7UiOpAsDf", "k: [REDACTED]", 1);
    EXPECT_REDACTED("aws AKIAIOSFODNN7EXAMPLE end", "aws [REDACTED] end", 1);
    EXPECT_REDACTED("gh ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 .",
                    "gh [REDACTED] .", 1);
    EXPECT_REDACTED("github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "[REDACTED]", 1);
    EXPECT_REDACTED("slack xoxb-123456789012-abcdefABCDEF", "slack [REDACTED]", 1);
    EXPECT_REDACTED("g=AIzaSyD-abcdefghijklmnopqrstuvwxyz01234", "g=[REDACTED]", 1);
    EXPECT_REDACTED("glpat-xxxxYYYYzzzz11112222", "[REDACTED]", 1);
}

TEST(privacy_ordinary_code_untouched)
{
    const char *code =
        "def ask-question(): pass\n"
        "task-runner-for-the-whole-project = 1\n"
        "sk-short\n"
        "monkey = \"banana\"\n"
        "token_count = 42\n"
        "password = get_password(user)\n"
        "AKIA_PREFIX = 'AKIA'\n"
        "desk-lamp-configuration-settings-file\n";
    EXPECT_REDACTED(code, code, 0);
}

TEST(privacy_secret_assignments)
{
    EXPECT_REDACTED("api_key = 'q8ZrT2vX9mKp4LwN7bYc'\n", "api_key = '[REDACTED]'\n", 1);
    EXPECT_REDACTED("{\"client_secret\": \"9f8A7d6C5b4E3a2F1g0H\"}",
                    "{\"client_secret\": \"[REDACTED]\"}", 1);
    EXPECT_REDACTED("AUTH_TOKEN: Zm9vYmFyYmF6cXV4MTIzNDU2\n", "AUTH_TOKEN: [REDACTED]\n", 1);
    EXPECT_REDACTED("dbPassword := \"Xk29sLq81Mzn47Pw\"", "dbPassword := \"[REDACTED]\"", 1);
    /* a long value that is an ordinary word is kept */
    EXPECT_REDACTED("secret_name = 'the_production_database'", "secret_name = 'the_production_database'", 0);
}

TEST(privacy_entropy_values)
{
    ASSERT_NEAR(privacy_entropy("aaaa", 4), 0.0, 1e-9);
    ASSERT_NEAR(privacy_entropy("abcd", 4), 2.0, 1e-9);
    ASSERT_NEAR(privacy_entropy("", 0), 0.0, 1e-9);
}

TEST(privacy_redact_keeps_lengths_consistent)
{
    size_t len = 0;
    int count = 0;
    const char *text = "x = 'sk-abcdefghij0123456789xyz' # and more";
    char *r = privacy_redact(text, strlen(text), &len, &count);
    ASSERT_EQ(len, strlen(r));
    ASSERT_EQ(count, 1);
    ASSERT(strstr(r, "sk-") == NULL);
    free(r);
    r = privacy_redact(NULL, 0, &len, &count);
    ASSERT_STREQ(r, "");
    ASSERT_EQ(count, 0);
    free(r);
}

/* Where a document may go, asked with encoded and hostile URIs: the verdict follows the
 * decoded path, and what cannot be decoded goes nowhere. */
TEST(privacy_verdict_local_only_follows_the_decoded_path)
{
    char err[256];
    struct config *cfg = config_load_text(
        "{ \"providers\": { \"l\": { \"kind\": \"ollama\", \"base_url\": \"http://127.0.0.1:11434\" } },"
        "  \"models\": { \"m\": { \"provider\": \"l\", \"model\": \"x\" } },"
        "  \"routes\": [ { \"targets\": [\"m\"] } ],"
        "  \"privacy\": { \"local_only\": [\"/srv/acme/secret-client/**\"] } }",
        "test", NULL, err, sizeof err);
    ASSERT(cfg != NULL);
    ASSERT_EQ(privacy_uri_verdict(cfg, "file:///srv/acme/secret-client/a.py"), PRIVACY_LOCAL_ONLY);
    ASSERT_EQ(privacy_uri_verdict(cfg, "file:///srv/acme/secret%2Dclient/a.py"), PRIVACY_LOCAL_ONLY);
    ASSERT_EQ(privacy_uri_verdict(cfg, "file:///srv/acme/other/../secret-client/deep/b.py"), PRIVACY_LOCAL_ONLY);
    ASSERT_EQ(privacy_uri_verdict(cfg, "file://localhost/srv/acme/secret-client/a.py"), PRIVACY_LOCAL_ONLY);
    ASSERT_EQ(privacy_uri_verdict(cfg, "file:///srv/acme/secret-client-2/a.py"), PRIVACY_ANYWHERE);
    ASSERT_EQ(privacy_uri_verdict(cfg, "file:///srv/acme/app/a.py"), PRIVACY_ANYWHERE);
    ASSERT_EQ(privacy_uri_verdict(cfg, "file:///srv/acme/secret-client/.env"), PRIVACY_EXCLUDED);
    ASSERT_EQ(privacy_uri_verdict(cfg, "file:///srv/acme/secret-client/a%"), PRIVACY_EXCLUDED);
    ASSERT_EQ(privacy_uri_verdict(cfg, "file:///srv/acme/secret-client/a%00.py"), PRIVACY_EXCLUDED);
    ASSERT_EQ(privacy_uri_verdict(cfg, NULL), PRIVACY_EXCLUDED);
    ASSERT_EQ(privacy_path_verdict(cfg, "/srv/acme/secret-client/x/y.c"), PRIVACY_LOCAL_ONLY);
    ASSERT_EQ(privacy_path_verdict(NULL, "/srv/acme/secret-client/x/y.c"), PRIVACY_ANYWHERE);
    config_unref(cfg);
    cfg = config_load_text(
        "{ \"providers\": { \"l\": { \"kind\": \"ollama\", \"base_url\": \"http://127.0.0.1:11434\" } },"
        "  \"models\": { \"m\": { \"provider\": \"l\", \"model\": \"x\" } },"
        "  \"routes\": [ { \"targets\": [\"m\"] } ], \"privacy\": { \"local_only\": true } }",
        "test", NULL, err, sizeof err);
    ASSERT(cfg != NULL);
    ASSERT_EQ(privacy_uri_verdict(cfg, "file:///anything/at/all.rs"), PRIVACY_LOCAL_ONLY);
    config_unref(cfg);
}
