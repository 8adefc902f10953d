/* TCP reachability probe (see probe.h). Only numeric addresses and names from the
 * hosts file are expected here (127.0.0.1, localhost); getaddrinfo may still consult
 * DNS for other names, which is why callers probe loopback URLs only. */
#include "providers/probe.h"
#include "providers/http_policy.h"
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static bool connect_one(const struct addrinfo *ai, int timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) return false;
    bool ok = false;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        ok = true;
    } else if (errno == EINPROGRESS) {
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        int err = 0;
        socklen_t len = sizeof err;
        ok = poll(&p, 1, timeout_ms) == 1 &&
             getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
    }
    close(fd);
    return ok;
}

bool probe_url_reachable(const char *url, int timeout_ms)
{
    char host[256], port_text[16];
    int port;
    bool https;
    if (!url || !http_url_parts(url, host, sizeof host, &port, &https)) return false;
    snprintf(port_text, sizeof port_text, "%d", port);
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
    struct addrinfo *list = NULL;
    if (getaddrinfo(host, port_text, &hints, &list) != 0) return false;
    bool ok = false;
    for (const struct addrinfo *ai = list; ai && !ok; ai = ai->ai_next) ok = connect_one(ai, timeout_ms);
    freeaddrinfo(list);
    return ok;
}
