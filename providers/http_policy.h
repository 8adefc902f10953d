/* URL policy: the one place that decides whether an endpoint is local. The HTTP
 * engine uses it before every transfer (only http and https; plain http only to
 * loopback or to explicitly allowed hosts), and the configuration, `check` and the
 * zero-config probe ask the same functions, so a host cannot be "local" to one of
 * them and remote to another. Hosts are parsed by curl's own URL parser. */
#ifndef PROVIDERS_HTTP_POLICY_H
#define PROVIDERS_HTTP_POLICY_H
#include <stdbool.h>
#include <stddef.h>

enum { HTTP_URL_OK = 0, HTTP_URL_BAD = -1, HTTP_URL_INSECURE = -2 };

/* Returns HTTP_URL_OK, or a negative code with a message in err (no secrets: the
 * message names the host only). *loopback tells whether the host is loopback. */
int http_url_check(const char *url, const char *const *insecure_hosts, bool *loopback,
                   char *err, size_t errlen);

/* Splits an http(s) URL as curl will connect: host (IPv6 without brackets) into
 * host[n], the port (default 80/443) and whether it is https. False when the URL
 * is not http(s) or has no host. */
bool http_url_parts(const char *url, char *host, size_t n, int *port, bool *https);

/* True only when the URL's host is a literal IPv4 127.0.0.0/8, ::1 (or ::ffff:127.x)
 * or "localhost"; a name is never loopback because of how it starts (127.evil.com). */
bool http_url_is_loopback(const char *url);

#endif
