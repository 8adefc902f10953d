/* URL policy of the HTTP engine (internal to providers/http*.c): only http and
 * https; plain http only to loopback or to explicitly allowed hosts. */
#ifndef PROVIDERS_HTTP_POLICY_H
#define PROVIDERS_HTTP_POLICY_H
#include <stdbool.h>
#include <stddef.h>

enum { HTTP_URL_OK = 0, HTTP_URL_BAD = -1, HTTP_URL_INSECURE = -2 };

/* Returns HTTP_URL_OK, or a negative code with a message in err (no secrets: the
 * message names the host only). *loopback tells whether the host is loopback. */
int http_url_check(const char *url, const char *const *insecure_hosts, bool *loopback,
                   char *err, size_t errlen);

#endif
