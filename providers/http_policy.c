/* URL policy of the HTTP engine: which URLs may be fetched at all. Source code
 * must not leave the machine unencrypted by accident, so plain http:// is allowed
 * only to loopback hosts (127.0.0.0/8, ::1, "localhost") or to hosts the user
 * listed explicitly; anything but http/https is refused. Host parsing is curl's
 * own (curl_url), so what we check is exactly what curl will connect to. */
#include "providers/http_policy.h"
#include "providers/http.h"
#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool http_host_is_loopback(const char *host)
{
    if (!host || !*host)
        return false;
    if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0)
        return true;
    char bare[64];
    size_t len = strlen(host);
    if (host[0] == '[' && len >= 2 && host[len - 1] == ']') {   /* "[::1]" from a URL */
        if (len - 2 >= sizeof bare)
            return false;
        memcpy(bare, host + 1, len - 2);
        bare[len - 2] = '\0';
        host = bare;
    }
    struct in_addr v4;
    if (inet_pton(AF_INET, host, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    struct in6_addr v6;
    if (inet_pton(AF_INET6, host, &v6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&v6))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
    }
    return false;
}

static bool host_listed(const char *host, const char *const *hosts)
{
    for (size_t i = 0; hosts && hosts[i]; i++)
        if (strcasecmp(hosts[i], host) == 0)
            return true;
    return false;
}

bool http_url_parts(const char *url, char *host, size_t n, int *port, bool *https)
{
    bool ok = false;
    char *scheme = NULL, *h = NULL, *p = NULL;
    CURLU *u = curl_url();
    if (!u || !url || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) != CURLUE_OK)
        goto out;
    *https = strcasecmp(scheme, "https") == 0;
    if (!*https && strcasecmp(scheme, "http") != 0)
        goto out;
    const char *bare = h;
    size_t len = strlen(h);
    if (h[0] == '[' && len >= 2 && h[len - 1] == ']') {   /* curl keeps IPv6 brackets */
        bare = h + 1;
        len -= 2;
    }
    if (len == 0 || len >= n)
        goto out;
    memcpy(host, bare, len);
    host[len] = '\0';
    *port = atoi(p);
    ok = *port > 0 && *port <= 65535;
out:
    curl_free(scheme);
    curl_free(h);
    curl_free(p);
    curl_url_cleanup(u);
    return ok;
}

bool http_url_is_loopback(const char *url)
{
    char host[256];
    int port;
    bool https;
    return http_url_parts(url, host, sizeof host, &port, &https) && http_host_is_loopback(host);
}

int http_url_check(const char *url, const char *const *insecure_hosts, bool *loopback,
                   char *err, size_t errlen)
{
    int rc = HTTP_URL_BAD;
    char *scheme = NULL, *host = NULL;
    CURLU *u = curl_url();
    if (!u)
        return HTTP_URL_BAD;
    if (!url || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        snprintf(err, errlen, "invalid URL");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        snprintf(err, errlen, "URL without scheme or host");
        goto out;
    }
    *loopback = http_host_is_loopback(host);
    if (strcasecmp(scheme, "https") == 0) {
        rc = HTTP_URL_OK;
    } else if (strcasecmp(scheme, "http") != 0) {
        snprintf(err, errlen, "unsupported URL scheme \"%s\" (only http and https)", scheme);
    } else if (*loopback || host_listed(host, insecure_hosts)) {
        rc = HTTP_URL_OK;
    } else {
        rc = HTTP_URL_INSECURE;
        snprintf(err, errlen,
                 "refusing plain http:// to %s: source code would leave this machine "
                 "unencrypted; use https://, or list the host in insecure_hosts", host);
    }
out:
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}
