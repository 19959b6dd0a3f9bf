/*
 * imcore from C, driven line by line: three clients, A, B and C, and every operation through
 * imcore_call / imcore_call_sync and imcore_poll_event. Tests (tests/python) run it to drive
 * the C ABI from the same tables as the other shells.
 *
 *   ./calls NAVI APP_KEY DB_DIR
 *
 * reads commands from stdin, one a line, and answers each with one line on stdout:
 *
 *   A call METHOD PARAMS_JSON   ->  CODE RESULT_OR_ERROR_JSON   (an asynchronous method)
 *   B poll TIMEOUT_MS           ->  0 EVENT_JSON, or 1 (no event within the timeout)
 *
 * Client A's database is DB_DIR/a, B's DB_DIR/b, C's DB_DIR/c. Exits 0 at the end of input,
 * 64 on bad usage, 2 when a call does not complete within 30 s.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imcore.h"

enum { CALL_SECONDS = 30, MAX_LINE = 1 << 20, CLIENTS = 3 };

/* One call's outcome, handed from the dispatcher thread to the main thread. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int done;
    int32_t code;
    char *json; /* copied: callback strings are valid only during the callback */
} Outcome;

/* ImcoreCompletion: records the outcome and wakes the main thread. */
static void on_complete(int32_t code, const char *json, void *user_data) {
    Outcome *o = user_data;
    pthread_mutex_lock(&o->lock);
    o->code = code;
    o->json = strdup(json ? json : "");
    o->done = 1;
    pthread_cond_broadcast(&o->changed);
    pthread_mutex_unlock(&o->lock);
}

/* Runs the asynchronous METHOD with PARAMS on `client` and prints "CODE JSON"; 0, or ETIMEDOUT. */
static int call(ImcoreClient *client, const char *method, const char *params) {
    Outcome o = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, -1, NULL};
    int32_t code = imcore_call(client, method, params, on_complete, &o);
    if (code != 0) {
        printf("%d {\"code\":%d}\n", code, code);
        return 0;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += CALL_SECONDS;
    int rc = 0;
    pthread_mutex_lock(&o.lock);
    while (!o.done && rc == 0) rc = pthread_cond_timedwait(&o.changed, &o.lock, &deadline);
    int done = o.done;
    pthread_mutex_unlock(&o.lock);
    if (!done) return ETIMEDOUT; /* the completion may still come: `o` must outlive it */
    printf("%d %s\n", o.code, o.json);
    free(o.json);
    return 0;
}

/* Prints "0 EVENT" or "1" (no event within `timeout_ms`), or the error code. */
static void poll_event(ImcoreClient *client, int timeout_ms) {
    char *event = NULL;
    int32_t code = imcore_poll_event(client, timeout_ms, &event);
    if (code == 0) {
        printf("0 %s\n", event);
    } else if (code == IMCORE_POLL_TIMEOUT) {
        printf("1\n");
    } else {
        printf("%d\n", code);
    }
    imcore_string_free(event);
}

/* A client initialised for APP_KEY with its database in DB_DIR/`name`. */
static ImcoreClient *client_for(const char *navi, const char *app_key, const char *db_dir,
                                const char *name) {
    ImcoreClient *client = imcore_client_new();
    char options[4096];
    snprintf(options, sizeof options, "{\"navi\":\"%s\",\"dbPath\":\"%s/%s\"}", navi, db_dir, name);
    if (!client || imcore_init(client, app_key, options) != 0) {
        fprintf(stderr, "init %s failed\n", name);
        exit(1);
    }
    return client;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s NAVI APP_KEY DB_DIR\n", argv[0]);
        return 64;
    }
    ImcoreClient *clients[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        char name[2] = {(char)('a' + i), '\0'};
        clients[i] = client_for(argv[1], argv[2], argv[3], name);
    }
    char *line = malloc(MAX_LINE);
    int status = 0;
    while (line && fgets(line, MAX_LINE, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char who = line[0];
        char *verb = strchr(line, ' ');
        char *rest = verb ? strchr(verb + 1, ' ') : NULL;
        if (who < 'A' || who >= 'A' + CLIENTS || !rest) {
            fprintf(stderr, "bad command: %.80s\n", line);
            status = 64;
            break;
        }
        *rest++ = '\0';
        ImcoreClient *client = clients[who - 'A'];
        if (strcmp(verb + 1, "poll") == 0) {
            poll_event(client, atoi(rest));
        } else if (strcmp(verb + 1, "call") == 0) {
            char *params = strchr(rest, ' ');
            if (params) *params++ = '\0';
            if (call(client, rest, params ? params : "{}") != 0) {
                fprintf(stderr, "%s did not complete in time\n", rest);
                fflush(stdout);
                _Exit(2);
            }
        } else {
            fprintf(stderr, "unknown verb: %s\n", verb + 1);
            status = 64;
            break;
        }
        fflush(stdout);
    }
    free(line);
    for (int i = 0; i < CLIENTS; i++) imcore_client_free(clients[i]);
    return status;
}
