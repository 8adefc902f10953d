/* libcurl, loaded on first use instead of at exec.
 *
 * Why: libcurl drags in about thirty shared libraries (OpenSSL, GnuTLS, Kerberos,
 * LDAP, SSH, IDN, ...). Mapping and relocating them was most of the time from exec to
 * the initialize response (about 16 ms of CPU on the 2-core build machine, against
 * 3 ms for everything else). The binary is not linked against libcurl (see the
 * Makefile); the functions switchboard calls are defined here with curl.h's
 * prototypes and forward to libcurl.so.4, opened with dlopen the first time any of
 * them runs: after the initialize response, when the services start.
 *
 * If the library cannot be opened, every call fails the way libcurl reports failure
 * (NULL handle, CURLE_FAILED_INIT, CURLM_INTERNAL_ERROR, CURLUE_OUT_OF_MEMORY), so the
 * server keeps running without providers and the reason is logged once.
 *
 * The variadic setopt/getinfo calls are forwarded by the option's type, which is
 * how libcurl itself reads the argument (CURLOPTTYPE_* / CURLINFO_* ranges). */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include "base/log.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>

#define CURL_SONAME "libcurl.so.4"

/* Every function pointer has one type while stored; each call casts it back to the
 * real prototype below. */
typedef void (*any_fn)(void);

enum {
    F_GLOBAL_INIT, F_GLOBAL_CLEANUP, F_EASY_INIT, F_EASY_CLEANUP, F_EASY_RESET, F_EASY_SETOPT,
    F_EASY_GETINFO, F_EASY_STRERROR, F_MULTI_INIT, F_MULTI_CLEANUP, F_MULTI_ADD, F_MULTI_REMOVE,
    F_MULTI_SETOPT, F_MULTI_ASSIGN, F_MULTI_SOCKET_ACTION, F_MULTI_INFO_READ, F_MULTI_STRERROR,
    F_SLIST_APPEND, F_SLIST_FREE_ALL, F_FREE, F_URL, F_URL_CLEANUP, F_URL_GET, F_URL_SET,
    F_COUNT
};

static const char *const names[F_COUNT] = {
    "curl_global_init", "curl_global_cleanup", "curl_easy_init", "curl_easy_cleanup",
    "curl_easy_reset", "curl_easy_setopt", "curl_easy_getinfo", "curl_easy_strerror",
    "curl_multi_init", "curl_multi_cleanup", "curl_multi_add_handle", "curl_multi_remove_handle",
    "curl_multi_setopt", "curl_multi_assign", "curl_multi_socket_action", "curl_multi_info_read",
    "curl_multi_strerror", "curl_slist_append", "curl_slist_free_all", "curl_free", "curl_url",
    "curl_url_cleanup", "curl_url_get", "curl_url_set",
};

static any_fn fns[F_COUNT];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
    void *lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        log_error("HTTP disabled: %s could not be loaded: %s", CURL_SONAME, dlerror());
        return;
    }
    any_fn found[F_COUNT];
    for (int i = 0; i < F_COUNT; i++) {
        void *sym = dlsym(lib, names[i]);
        if (!sym) {
            log_error("HTTP disabled: %s has no %s", CURL_SONAME, names[i]);
            return;   /* the library stays open: harmless, and it is never closed anyway */
        }
        /* POSIX guarantees a dlsym result converts to a function pointer. */
        *(void **)&found[i] = sym;
    }
    for (int i = 0; i < F_COUNT; i++) fns[i] = found[i];
}

/* The function, or NULL when libcurl is not there. */
static any_fn fn(int which)
{
    pthread_once(&once, load);
    return fns[which];
}

#define CALL(which, type) ((type)fn(which))

CURLcode curl_global_init(long flags)
{
    typedef CURLcode (*f_t)(long);
    f_t f = CALL(F_GLOBAL_INIT, f_t);
    return f ? f(flags) : CURLE_FAILED_INIT;
}

void curl_global_cleanup(void)
{
    typedef void (*f_t)(void);
    f_t f = CALL(F_GLOBAL_CLEANUP, f_t);
    if (f) f();
}

CURL *curl_easy_init(void)
{
    typedef CURL *(*f_t)(void);
    f_t f = CALL(F_EASY_INIT, f_t);
    return f ? f() : NULL;
}

void curl_easy_cleanup(CURL *h)
{
    typedef void (*f_t)(CURL *);
    f_t f = CALL(F_EASY_CLEANUP, f_t);
    if (f) f(h);
}

void curl_easy_reset(CURL *h)
{
    typedef void (*f_t)(CURL *);
    f_t f = CALL(F_EASY_RESET, f_t);
    if (f) f(h);
}

/* CURLOPTTYPE ranges: LONG below OBJECTPOINT, then OBJECTPOINT (also STRINGPOINT,
 * SLISTPOINT, CBPOINT), FUNCTIONPOINT, OFF_T, and BLOB (a pointer) above. */
CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
    typedef CURLcode (*f_t)(CURL *, CURLoption, ...);
    f_t f = CALL(F_EASY_SETOPT, f_t);
    if (!f) return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, opt);
    CURLcode rc;
    if (opt < CURLOPTTYPE_OBJECTPOINT) rc = f(h, opt, va_arg(ap, long));
    else if (opt < CURLOPTTYPE_FUNCTIONPOINT) rc = f(h, opt, va_arg(ap, void *));
    else if (opt < CURLOPTTYPE_OFF_T) rc = f(h, opt, va_arg(ap, any_fn));
    else if (opt < CURLOPTTYPE_BLOB) rc = f(h, opt, va_arg(ap, curl_off_t));
    else rc = f(h, opt, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

/* Every CURLINFO type takes a pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
    typedef CURLcode (*f_t)(CURL *, CURLINFO, ...);
    f_t f = CALL(F_EASY_GETINFO, f_t);
    if (!f) return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, info);
    CURLcode rc = f(h, info, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

const char *curl_easy_strerror(CURLcode code)
{
    typedef const char *(*f_t)(CURLcode);
    f_t f = CALL(F_EASY_STRERROR, f_t);
    return f ? f(code) : "libcurl is not available";
}

CURLM *curl_multi_init(void)
{
    typedef CURLM *(*f_t)(void);
    f_t f = CALL(F_MULTI_INIT, f_t);
    return f ? f() : NULL;
}

CURLMcode curl_multi_cleanup(CURLM *m)
{
    typedef CURLMcode (*f_t)(CURLM *);
    f_t f = CALL(F_MULTI_CLEANUP, f_t);
    return f ? f(m) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *h)
{
    typedef CURLMcode (*f_t)(CURLM *, CURL *);
    f_t f = CALL(F_MULTI_ADD, f_t);
    return f ? f(m, h) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h)
{
    typedef CURLMcode (*f_t)(CURLM *, CURL *);
    f_t f = CALL(F_MULTI_REMOVE, f_t);
    return f ? f(m, h) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
    typedef CURLMcode (*f_t)(CURLM *, CURLMoption, ...);
    f_t f = CALL(F_MULTI_SETOPT, f_t);
    if (!f) return CURLM_INTERNAL_ERROR;
    va_list ap;
    va_start(ap, opt);
    CURLMcode rc;
    if (opt < CURLOPTTYPE_OBJECTPOINT) rc = f(m, opt, va_arg(ap, long));
    else if (opt < CURLOPTTYPE_FUNCTIONPOINT) rc = f(m, opt, va_arg(ap, void *));
    else if (opt < CURLOPTTYPE_OFF_T) rc = f(m, opt, va_arg(ap, any_fn));
    else rc = f(m, opt, va_arg(ap, curl_off_t));
    va_end(ap);
    return rc;
}

CURLMcode curl_multi_assign(CURLM *m, curl_socket_t s, void *p)
{
    typedef CURLMcode (*f_t)(CURLM *, curl_socket_t, void *);
    f_t f = CALL(F_MULTI_ASSIGN, f_t);
    return f ? f(m, s, p) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_socket_action(CURLM *m, curl_socket_t s, int ev, int *running)
{
    typedef CURLMcode (*f_t)(CURLM *, curl_socket_t, int, int *);
    f_t f = CALL(F_MULTI_SOCKET_ACTION, f_t);
    return f ? f(m, s, ev, running) : CURLM_INTERNAL_ERROR;
}

CURLMsg *curl_multi_info_read(CURLM *m, int *left)
{
    typedef CURLMsg *(*f_t)(CURLM *, int *);
    f_t f = CALL(F_MULTI_INFO_READ, f_t);
    if (!f && left) *left = 0;
    return f ? f(m, left) : NULL;
}

const char *curl_multi_strerror(CURLMcode code)
{
    typedef const char *(*f_t)(CURLMcode);
    f_t f = CALL(F_MULTI_STRERROR, f_t);
    return f ? f(code) : "libcurl is not available";
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *s)
{
    typedef struct curl_slist *(*f_t)(struct curl_slist *, const char *);
    f_t f = CALL(F_SLIST_APPEND, f_t);
    return f ? f(list, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *list)
{
    typedef void (*f_t)(struct curl_slist *);
    f_t f = CALL(F_SLIST_FREE_ALL, f_t);
    if (f) f(list);
}

void curl_free(void *p)
{
    typedef void (*f_t)(void *);
    f_t f = CALL(F_FREE, f_t);
    if (f) f(p);
}

CURLU *curl_url(void)
{
    typedef CURLU *(*f_t)(void);
    f_t f = CALL(F_URL, f_t);
    return f ? f() : NULL;
}

void curl_url_cleanup(CURLU *u)
{
    typedef void (*f_t)(CURLU *);
    f_t f = CALL(F_URL_CLEANUP, f_t);
    if (f) f(u);
}

CURLUcode curl_url_get(CURLU *u, CURLUPart what, char **part, unsigned int flags)
{
    typedef CURLUcode (*f_t)(CURLU *, CURLUPart, char **, unsigned int);
    f_t f = CALL(F_URL_GET, f_t);
    return f ? f(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_set(CURLU *u, CURLUPart what, const char *part, unsigned int flags)
{
    typedef CURLUcode (*f_t)(CURLU *, CURLUPart, const char *, unsigned int);
    f_t f = CALL(F_URL_SET, f_t);
    return f ? f(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}
