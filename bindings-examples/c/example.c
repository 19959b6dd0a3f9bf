/*
 * imcore from C: two clients A and B connect, A sends B a text, B's event callback receives it,
 * B's local history holds it, B's conversation list and total unread count show it, a keyword
 * search finds it, and clearing the conversation's unread count brings the total back to 0.
 * Then A sends a custom message type registered before connecting, and finds it by its
 * registered search field. Last, content nested at the limit (32 deep) holding an escaped
 * surrogate pair comes back whole from each of B's reads, while a lone surrogate escape, deeper
 * nesting and a built-in type without its fields are refused with 33003. Every operation goes
 * through imcore_call / imcore_call_sync.
 *
 *   ./example NAVI APP_KEY TOKEN_A USER_A TOKEN_B USER_B DB_DIR
 *
 * Exits 0 on success, 1 on failure, 2 after a timeout, 64 on bad usage. Every step is printed.
 * Build with `make` in this directory (`make LIB_DIR=/path/to/target/release` for another build).
 *
 * Callbacks run on each client's dispatcher thread, so the main thread waits for them with a
 * mutex and a condition variable; strings handed to callbacks are borrowed and copied here.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "imcore.h"

enum {
    CONVERSATION_PRIVATE = 1,
    HISTORY_OLDER = 0,
    MAX_CONTENT_DEPTH = 32, /* improto::limits::MAX_CONTENT_DEPTH */
    WAIT_SECONDS = 15,
    WATCHDOG_SECONDS = 60
};

/* One outcome the main thread waits for: a completion or a matching event. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int done;
    int32_t code;
    char *json; /* copied: callback strings are valid only during the callback */
} Waiter;

/* What B's event callback looks for, and how many times its finalizer ran. */
typedef struct {
    Waiter received;
    const char *needle; /* the unique text A sends; read and changed under received.lock */
    int finalized;
} Listener;

static void waiter_init(Waiter *w) {
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);
    w->done = 0;
    w->code = -1;
    w->json = NULL;
}

static void waiter_reset(Waiter *w) {
    pthread_mutex_lock(&w->lock);
    free(w->json);
    w->json = NULL;
    w->done = 0;
    w->code = -1;
    pthread_mutex_unlock(&w->lock);
}

static void waiter_finish(Waiter *w, int32_t code, const char *json) {
    pthread_mutex_lock(&w->lock);
    if (!w->done) {
        w->done = 1;
        w->code = code;
        w->json = strdup(json ? json : "");
        pthread_cond_broadcast(&w->changed);
    }
    pthread_mutex_unlock(&w->lock);
}

/* Waits for the outcome; returns 0 when it came, ETIMEDOUT otherwise. */
static int waiter_wait(Waiter *w, int seconds) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += seconds;
    int rc = 0;
    pthread_mutex_lock(&w->lock);
    while (!w->done && rc == 0) {
        rc = pthread_cond_timedwait(&w->changed, &w->lock, &deadline);
    }
    int done = w->done;
    pthread_mutex_unlock(&w->lock);
    return done ? 0 : ETIMEDOUT;
}

static void waiter_destroy(Waiter *w) {
    free(w->json);
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
}

/* ImcoreCompletion: records the result for the waiting main thread. */
static void on_complete(int32_t code, const char *json, void *user_data) {
    waiter_finish((Waiter *)user_data, code, json);
}

/* ImcoreEventCallback for B: wakes the main thread when A's text arrives. */
static void on_event_b(const char *event_json, void *user_data) {
    Listener *listener = user_data;
    printf("[example] B event: %.160s\n", event_json);
    pthread_mutex_lock(&listener->received.lock);
    int wanted = strstr(event_json, "\"type\":\"message\"") && strstr(event_json, listener->needle);
    pthread_mutex_unlock(&listener->received.lock);
    if (wanted) waiter_finish(&listener->received, 0, event_json);
}

/* B's callback waits for a message holding `needle` from now on. */
static void listener_expect(Listener *listener, const char *needle) {
    waiter_reset(&listener->received);
    pthread_mutex_lock(&listener->received.lock);
    listener->needle = needle;
    pthread_mutex_unlock(&listener->received.lock);
}

/* `depth - 1` nested arrays, e.g. "[[]]" for 3: with its content object, `depth` deep. */
static void nested_arrays(char *out, size_t size, int depth) {
    size_t n = 0;
    for (int i = 1; i < depth && n + 2 < size; i++) out[n++] = '[';
    for (int i = 1; i < depth && n + 1 < size; i++) out[n++] = ']';
    out[n] = '\0';
}

/* ImcoreEventCallback for A: prints status changes and notes the Connected one. */
static void on_event_a(const char *event_json, void *user_data) {
    printf("[example] A event: %.160s\n", event_json);
    if (strstr(event_json, "\"type\":\"connectionStatus\",\"status\":0,")) {
        *(volatile int *)user_data = 1;
    }
}

/* Answers a synchronous method at once; returns its code, the JSON copied into `out`. */
static int32_t call_sync(ImcoreClient *client, const char *method, const char *params, char *out,
                         size_t size) {
    char *json = NULL;
    int32_t code = imcore_call_sync(client, method, params, &json);
    snprintf(out, size, "%s", json ? json : "");
    imcore_string_free(json);
    return code;
}

/* ImcoreFinalizer: after it, B's callback never runs again. */
static void on_finalize(void *user_data) {
    ((Listener *)user_data)->finalized += 1;
}

static void on_watchdog(int signal) {
    (void)signal;
    static const char message[] = "[example] FAILED: watchdog expired\n";
    (void)!write(2, message, sizeof message - 1);
    _exit(2);
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "[example] FAILED: " __VA_ARGS__);                                         \
        fputc('\n', stderr);                                                                       \
        status = 1;                                                                                \
        goto out;                                                                                  \
    } while (0)

/* Starts an asynchronous call (its return code in `rc`) and waits for its completion. */
#define AWAIT(what, w, call)                                                                       \
    do {                                                                                           \
        waiter_reset(w);                                                                           \
        int32_t rc_ = (call);                                                                      \
        if (rc_ != IMCORE_OK) FAIL("%s was refused with %d", what, rc_);                           \
        if (waiter_wait(w, WAIT_SECONDS) != 0) {                                                   \
            fprintf(stderr, "[example] FAILED: %s timed out\n", what);                             \
            status = 2;                                                                            \
            goto out;                                                                              \
        }                                                                                          \
        if ((w)->code != 0) FAIL("%s failed with %d: %s", what, (w)->code, (w)->json);             \
    } while (0)

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: %s NAVI APP_KEY TOKEN_A USER_A TOKEN_B USER_B DB_DIR\n", argv[0]);
        return 64;
    }
    const char *navi = argv[1], *app_key = argv[2], *token_a = argv[3], *user_a = argv[4],
               *token_b = argv[5], *user_b = argv[6], *db_dir = argv[7];
    signal(SIGALRM, on_watchdog);
    alarm(WATCHDOG_SECONDS);
    setvbuf(stdout, NULL, _IOLBF, 0);

    int status = 0;
    char options[4096], text[256], message[512], expected[256], params[1024], answer[512];
    volatile int a_saw_connected = 0;
    Waiter call;
    Listener listener = {.needle = text, .finalized = 0};
    waiter_init(&call);
    waiter_init(&listener.received);
    snprintf(text, sizeof text, "hello %s from C, pid %ld at %ld", user_b, (long)getpid(),
             (long)time(NULL));
    snprintf(message, sizeof message,
             "{\"conversationType\":%d,\"targetId\":\"%s\",\"message\":{\"objectName\":"
             "\"RC:TxtMsg\",\"content\":{\"content\":\"%s\",\"extra\":\"c\"}}}",
             CONVERSATION_PRIVATE, user_b, text);

    ImcoreClient *a = imcore_client_new();
    ImcoreClient *b = imcore_client_new();
    if (!a || !b) FAIL("imcore_client_new returned NULL");

    /* The header and the library agree; before init every call is refused with 33001; NULL
     * arguments with 33003. */
    snprintf(expected, sizeof expected, "%d.%d.%d", IMCORE_VERSION_MAJOR, IMCORE_VERSION_MINOR,
             IMCORE_VERSION_PATCH);
    if (strcmp(imcore_version(), expected) != 0) FAIL("library %s, header %s", imcore_version(), expected);
    if (call_sync(a, "getConnectionStatus", NULL, answer, sizeof answer) != IMCORE_NOT_INITIALIZED)
        FAIL("expected 33001");
    if (imcore_init(a, NULL, "{}") != IMCORE_INVALID_PARAMETER) FAIL("expected 33003");

    snprintf(options, sizeof options, "{\"navi\":\"%s\",\"dbPath\":\"%s/a\",\"logLevel\":2}", navi,
             db_dir);
    int32_t rc = imcore_init(a, app_key, options);
    if (rc != IMCORE_OK) FAIL("init A: %d", rc);
    snprintf(options, sizeof options, "{\"navi\":\"%s\",\"dbPath\":\"%s/b\",\"logLevel\":2}", navi,
             db_dir);
    rc = imcore_init(b, app_key, options);
    if (rc != IMCORE_OK) FAIL("init B: %d", rc);
    printf("[example] initialised clients A and B\n");

    rc = imcore_set_event_callback(a, on_event_a, (void *)&a_saw_connected, NULL);
    if (rc != IMCORE_OK) FAIL("event callback A: %d", rc);
    rc = imcore_set_event_callback(b, on_event_b, &listener, on_finalize);
    if (rc != IMCORE_OK) FAIL("event callback B: %d", rc);

    /* Custom types are registered before connecting; RC: names are reserved (33003). */
    const char *tag = "\"messageTag\":{\"isCounted\":true,\"isPersited\":true}";
    snprintf(params, sizeof params, "{\"messageType\":\"CardMessage\",\"objectName\":\"RC:Card\",%s}", tag);
    if (call_sync(NULL, "registerMessageType", params, answer, sizeof answer) != IMCORE_INVALID_PARAMETER)
        FAIL("registering an RC: type was not refused");
    snprintf(params, sizeof params,
             "{\"messageType\":\"CardMessage\",\"objectName\":\"c:card\",%s,\"searchProps\":[\"title\"]}", tag);
    rc = call_sync(NULL, "registerMessageType", params, answer, sizeof answer);
    if (rc != IMCORE_OK) FAIL("register CardMessage: %d %s", rc, answer);

    snprintf(params, sizeof params, "{\"token\":\"%s\"}", token_a);
    AWAIT("connect A", &call, imcore_call(a, "connect", params, on_complete, &call));
    printf("[example] A connected: %s\n", call.json);
    if (!strstr(call.json, user_a)) FAIL("A connected as someone else: %s", call.json);
    if (!a_saw_connected) FAIL("connect completed before its Connected status event");
    snprintf(params, sizeof params, "{\"token\":\"%s\"}", token_b);
    AWAIT("connect B", &call, imcore_call(b, "connect", params, on_complete, &call));
    printf("[example] B connected: %s\n", call.json);
    if (!strstr(call.json, user_b)) FAIL("B connected as someone else: %s", call.json);

    snprintf(expected, sizeof expected, "\"%s\"", user_a);
    rc = call_sync(a, "getCurrentUserId", NULL, answer, sizeof answer);
    if (rc != IMCORE_OK || strcmp(answer, expected) != 0) FAIL("current user of A: %s", answer);
    rc = call_sync(b, "getConnectionStatus", "{}", answer, sizeof answer);
    if (rc != IMCORE_OK || strcmp(answer, "0") != 0) FAIL("B is not connected (%s, rc %d)", answer, rc);

    AWAIT("send A->B", &call, imcore_call(a, "sendMessage", message, on_complete, &call));
    printf("[example] A sent: %.200s\n", call.json);

    if (waiter_wait(&listener.received, WAIT_SECONDS) != 0) {
        fprintf(stderr, "[example] FAILED: B did not receive the message\n");
        status = 2;
        goto out;
    }
    printf("[example] B's event callback got the message\n");
    if (!strstr(listener.received.json, user_a)) FAIL("the message is not from %s", user_a);

    snprintf(params, sizeof params,
             "{\"conversationType\":%d,\"targetId\":\"%s\",\"timestamp\":0,\"count\":20,\"order\":%d}",
             CONVERSATION_PRIVATE, user_a, HISTORY_OLDER);
    AWAIT("history of B", &call, imcore_call(b, "getHistoryMessages", params, on_complete, &call));
    if (!strstr(call.json, text)) FAIL("the message is missing from B's history: %s", call.json);
    printf("[example] B's local history with %s holds it\n", user_a);

    AWAIT("total unread of B", &call, imcore_call(b, "getTotalUnreadCount", NULL, on_complete, &call));
    if (strcmp(call.json, "1") != 0) FAIL("B's total unread count is %s, not 1", call.json);
    AWAIT("conversation list of B", &call,
          imcore_call(b, "getConversationList", "{\"types\":[1],\"count\":10}", on_complete, &call));
    snprintf(expected, sizeof expected, "\"targetId\":\"%s\"", user_a);
    if (!strstr(call.json, expected) || !strstr(call.json, "\"unreadMessageCount\":1"))
        FAIL("B's conversation list lacks %s with 1 unread: %.300s", user_a, call.json);
    printf("[example] B's conversation list shows %s with 1 unread message\n", user_a);
    snprintf(params, sizeof params,
             "{\"conversationType\":%d,\"targetId\":\"%s\",\"keyword\":\"from C\",\"timestamp\":0,\"count\":10}",
             CONVERSATION_PRIVATE, user_a);
    AWAIT("search of B", &call, imcore_call(b, "searchMessages", params, on_complete, &call));
    if (!strstr(call.json, text)) FAIL("searching \"from C\" did not find it: %.300s", call.json);
    printf("[example] searching \"from C\" finds it\n");
    snprintf(params, sizeof params, "{\"conversationType\":%d,\"targetId\":\"%s\"}",
             CONVERSATION_PRIVATE, user_a);
    AWAIT("clear unread of B", &call, imcore_call(b, "clearUnreadCount", params, on_complete, &call));
    AWAIT("total unread of B", &call, imcore_call(b, "getTotalUnreadCount", "{}", on_complete, &call));
    if (strcmp(call.json, "0") != 0) FAIL("B's total unread count is %s after clearing", call.json);
    printf("[example] after clearing, B's total unread count is 0\n");

    snprintf(params, sizeof params,
             "{\"conversationType\":%d,\"targetId\":\"%s\",\"message\":{\"objectName\":\"c:card\","
             "\"content\":{\"title\":\"Quarterly plan\"}}}",
             CONVERSATION_PRIVATE, user_b);
    AWAIT("send a card A->B", &call, imcore_call(a, "sendMessage", params, on_complete, &call));
    if (!strstr(call.json, "\"messageType\":\"CardMessage\""))
        FAIL("the card is not a CardMessage: %.300s", call.json);
    snprintf(params, sizeof params,
             "{\"conversationType\":%d,\"targetId\":\"%s\",\"keyword\":\"Quarterly\",\"timestamp\":0,\"count\":10}",
             CONVERSATION_PRIVATE, user_b);
    AWAIT("search of A", &call, imcore_call(a, "searchMessages", params, on_complete, &call));
    if (!strstr(call.json, "Quarterly plan")) FAIL("searching the card's title: %.300s", call.json);
    snprintf(params, sizeof params,
             "{\"conversationType\":%d,\"targetId\":\"%s\",\"timestamp\":0,\"count\":20,\"order\":%d,"
             "\"objectName\":\"c:card\"}",
             CONVERSATION_PRIVATE, user_b, HISTORY_OLDER);
    AWAIT("cards of A", &call, imcore_call(a, "getHistoryMessages", params, on_complete, &call));
    if (!strstr(call.json, "Quarterly plan") || strstr(call.json, text))
        FAIL("A's history of type c:card: %.300s", call.json);
    printf("[example] A sent a registered CardMessage and finds it by its title and its type\n");

    /* Content the contract refuses is refused before it is sent. */
    char deep[2 * MAX_CONTENT_DEPTH + 1];
    nested_arrays(deep, sizeof deep, MAX_CONTENT_DEPTH + 1);
    char too_deep[128];
    snprintf(too_deep, sizeof too_deep, "\"RC:TxtMsg\",\"content\":{\"content\":\"x\",\"d\":%s}", deep);
    const char *refused[] = {
        "\"RC:TxtMsg\",\"content\":{\"content\":\"\\ud800 lone\"}",
        "\"RC:TxtMsg\",\"content\":{\"content\":5}",
        "\"RC:ImgMsg\",\"content\":{\"content\":5,\"imageUri\":\"https://x/y.jpg\"}",
        too_deep,
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        snprintf(params, sizeof params,
                 "{\"conversationType\":%d,\"targetId\":\"%s\",\"message\":{\"objectName\":%s}}",
                 CONVERSATION_PRIVATE, user_b, refused[i]);
        waiter_reset(&call);
        rc = imcore_call(a, "sendMessage", params, on_complete, &call);
        if (rc != IMCORE_OK || waiter_wait(&call, WAIT_SECONDS) != 0 || call.code != IMCORE_INVALID_PARAMETER)
            FAIL("sending %s was not refused with 33003 (%d, %d)", refused[i], rc, call.code);
    }
    printf("[example] a lone surrogate, nesting over %d and a TextMessage without text are refused\n",
           MAX_CONTENT_DEPTH);

    /* Content at the limit with an escaped surrogate pair (U+1F600, stored as UTF-8). */
    static const char *smile = "\xF0\x9F\x98\x80 caf\xC3\xA9";
    nested_arrays(deep, sizeof deep, MAX_CONTENT_DEPTH);
    char deep_text[64];
    snprintf(deep_text, sizeof deep_text, "deep from C, pid %ld", (long)getpid());
    listener_expect(&listener, deep_text);
    snprintf(params, sizeof params,
             "{\"conversationType\":%d,\"targetId\":\"%s\",\"message\":{\"objectName\":\"RC:TxtMsg\","
             "\"content\":{\"content\":\"\\ud83d\\ude00 caf\\u00e9 %s\",\"d\":%s}}}",
             CONVERSATION_PRIVATE, user_b, deep_text, deep);
    AWAIT("send deep A->B", &call, imcore_call(a, "sendMessage", params, on_complete, &call));
    if (waiter_wait(&listener.received, WAIT_SECONDS) != 0) {
        fprintf(stderr, "[example] FAILED: B did not receive the deep message\n");
        status = 2;
        goto out;
    }
    const char *reads[] = {"getConversationList", "getConversation", "getHistoryMessages",
                           "getRemoteHistoryMessages"};
    for (size_t i = 0; i < sizeof reads / sizeof *reads; i++) {
        if (i == 0) snprintf(params, sizeof params, "{\"count\":10}");
        else if (i == 1)
            snprintf(params, sizeof params, "{\"conversationType\":%d,\"targetId\":\"%s\"}",
                     CONVERSATION_PRIVATE, user_a);
        else
            snprintf(params, sizeof params,
                     "{\"conversationType\":%d,\"targetId\":\"%s\",\"timestamp\":0,\"count\":20,"
                     "\"order\":%d}",
                     CONVERSATION_PRIVATE, user_a, HISTORY_OLDER);
        AWAIT(reads[i], &call, imcore_call(b, reads[i], params, on_complete, &call));
        if (!strstr(call.json, smile) || !strstr(call.json, deep_text) || !strstr(call.json, deep))
            FAIL("B's %s lacks the deep message: %.300s", reads[i], call.json);
    }
    printf("[example] content %d deep with a surrogate pair comes back from each of B's reads\n",
           MAX_CONTENT_DEPTH);

out:
    /* Free returns only after pending completions fired and the finalizers ran. */
    imcore_client_free(a);
    imcore_client_free(b);
    if (b && listener.finalized != 1) {
        fprintf(stderr, "[example] FAILED: finalizer ran %d times\n", listener.finalized);
        status = 1;
    }
    printf("[example] freed both clients\n");
    waiter_destroy(&call);
    waiter_destroy(&listener.received);
    if (status == 0) printf("[example] OK\n");
    return status;
}
