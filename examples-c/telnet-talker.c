/*
 * telnet-talker: a multi-user chat on one thread, after the reference library's talker.
 *
 * Connect with `telnet 127.0.0.1 6024`, pick a nickname, and every line you type goes to
 * everyone as "<nick> text". Commands: /who, /me ACTION, /nick NEW, /quit [MESSAGE], /help.
 *
 * What it shows about the engine:
 * - thousands of connections on one thread (the engine's default limit is 10000; the open-file
 *   limit is raised to match and reported when it cannot be);
 * - output with bounded memory: each user's queue is capped (tn_config_set_output_limit). A
 *   message that does not fit is dropped for that user and counted, never queued elsewhere, so a
 *   user who does not read can neither stall the others nor grow the server. A user who keeps
 *   losing messages and reads nothing for a while is disconnected with a notice;
 * - line input from NVT clients (TN_EVENT_KIND_EOL) and from clients in character mode;
 * - text from one user reaches the others only as printable UTF-8: control bytes, escape
 *   sequences and malformed UTF-8 are removed or replaced before a line is passed on.
 */
#define READ_BUDGET 4096
#define _DEFAULT_SOURCE /* strcasecmp, strncasecmp */
#include <telnet-rs.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define PROG "telnet-talker"
#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT 6024
#define NICK_MAX 16
#define LINE_CAP 480               /* longest line a user can send; the rest is cut */
#define MSG_CAP (LINE_CAP + 64)    /* a line plus the "<nick> " or "* nick " around it */
#define OUTPUT_LIMIT (64 * 1024)   /* queued output per user */
#define MAX_DROPS 64               /* messages a stuck user may lose before it is disconnected */
#define STUCK_MS 2000              /* ... and the period in which it must have read nothing */
#define MAX_USERS 10000            /* the engine's default session limit */
#define FD_HEADROOM 32             /* descriptors the engine needs besides its connections */
#define WHO_MAX 100                /* names /who lists before it only counts */
#define BUCKETS 4096               /* nickname hash table size (a power of two) */

typedef struct user {
    tn_conn *conn;
    struct user *prev, *next; /* joined users, in the order they joined */
    struct user *hnext;       /* nickname hash chain */
    char nick[NICK_MAX + 1];
    char line[LINE_CAP + 1];
    size_t len;
    bool cut;          /* the line being typed passed LINE_CAP */
    bool joined;       /* has a nickname and gets messages */
    bool closing;      /* quit or kicked: input is ignored */
    int esc;           /* escape-sequence filter state */
    bool behind;       /* messages were dropped and its queue has not emptied since */
    bool timer_set;    /* a STUCK_MS check is pending */
    size_t last_len;   /* its queue length when we last looked */
    size_t drained;    /* bytes written to its socket in the current STUCK_MS period */
    unsigned drops;    /* messages dropped since it fell behind */
    unsigned long dropped_total;
} user;

typedef struct talker {
    tn_engine *engine;
    user *first, *last;
    size_t joined;
    user *buckets[BUCKETS];
    unsigned long dropped;
    bool stopping;
} talker;

/* ------------------------------------------------------------------------------------------ */
/* Nicknames.                                                                                   */

static bool valid_nick(const char *nick) {
    size_t n = strlen(nick);
    if (n == 0 || n > NICK_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = nick[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* FNV-1a over the lower-cased name: nicknames are unique regardless of case. */
static size_t nick_bucket(const char *nick) {
    uint32_t h = 2166136261u;
    for (; *nick; nick++) {
        char c = *nick;
        h ^= (uint8_t)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        h *= 16777619u;
    }
    return h & (BUCKETS - 1);
}

static user *find_nick(talker *t, const char *nick) {
    for (user *u = t->buckets[nick_bucket(nick)]; u; u = u->hnext)
        if (!strcasecmp(u->nick, nick))
            return u;
    return NULL;
}

static void hash_add(talker *t, user *u) {
    size_t b = nick_bucket(u->nick);
    u->hnext = t->buckets[b];
    t->buckets[b] = u;
}

static void hash_remove(talker *t, user *u) {
    user **p = &t->buckets[nick_bucket(u->nick)];
    while (*p && *p != u)
        p = &(*p)->hnext;
    if (*p)
        *p = u->hnext;
    u->hnext = NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Output.                                                                                      */

/* Looks at `u`'s queue: it only shrinks when the engine wrote to its socket, so the shrinking
 * since the last look is what the user read (or its socket buffer took). */
static void look(user *u, size_t queued) {
    if (queued < u->last_len)
        u->drained += u->last_len - queued;
    u->last_len = queued;
    if (queued == 0) { /* caught up */
        u->behind = false;
        u->drops = 0;
    }
}

/* A dropped message. The engine writes queues out between input bursts, so even a fast reader
 * loses messages while one sender's burst is handled; it catches up right after. A user is stuck
 * when it lost MAX_DROPS messages and then, during a whole STUCK_MS period, nothing of its queue
 * was written (on_timer). Periods rather than instants, because right after a burst the socket
 * buffer still takes some bytes even from a user who never reads. */
static void note_drop(talker *t, user *u) {
    u->drops++;
    u->dropped_total++;
    t->dropped++;
    if (!u->behind) {
        u->behind = true;
        u->drained = 0;
    }
    if (!u->timer_set) {
        u->timer_set = true;
        tn_conn_set_timer(u->conn, STUCK_MS, 0);
    }
}

/* Queues one whole message for `u`, or drops it when it does not fit: a partial message would
 * garble the user's screen, and waiting for room would mean queueing it somewhere else. Returns
 * whether it was queued. */
static bool deliver(talker *t, user *u, const char *msg, size_t len) {
    if (u->closing)
        return false;
    tn_session *s = tn_conn_session(u->conn);
    size_t queued = tn_session_output_len(s), took = 0;
    bool sent = false;
    look(u, queued);
    if (len <= tn_session_output_room(s) &&
        tn_conn_send(u->conn, (const uint8_t *)msg, len, &took) == TN_RESULT_OK && took == len)
        sent = true;
    u->last_len = tn_session_output_len(s);
    if (!sent)
        note_drop(t, u);
    return sent;
}

/* Formats a line for one user and ends it with CR LF (the NVT newline, RFC 854). */
static void tell(talker *t, user *u, const char *fmt, ...) {
    char buf[MSG_CAP + 8];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof buf - 2 ? (size_t)n : sizeof buf - 3;
    memcpy(buf + len, "\r\n", 2);
    deliver(t, u, buf, len + 2);
}

/* The nickname prompt, ended with IAC GA for clients that wait for it (mark_prompt sends
 * nothing once go-ahead is suppressed). */
static void ask_nick(user *u) {
    static const char prompt[] = "Your nickname: ";
    tn_conn_send(u->conn, (const uint8_t *)prompt, sizeof prompt - 1, NULL);
    tn_session_mark_prompt(tn_conn_session(u->conn), NULL);
}

/* Sends a line to every joined user. */
static void broadcast(talker *t, const char *fmt, ...) {
    char buf[MSG_CAP + 8];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof buf - 2 ? (size_t)n : sizeof buf - 3;
    memcpy(buf + len, "\r\n", 2);
    for (user *u = t->first; u; u = u->next)
        deliver(t, u, buf, len + 2);
}

/* ------------------------------------------------------------------------------------------ */
/* Joining and leaving.                                                                         */

static void join(talker *t, user *u, const char *nick) {
    snprintf(u->nick, sizeof u->nick, "%s", nick);
    hash_add(t, u);
    u->prev = t->last;
    u->next = NULL;
    if (t->last)
        t->last->next = u;
    else
        t->first = u;
    t->last = u;
    u->joined = true;
    t->joined++;
}

static void unjoin(talker *t, user *u) {
    if (!u->joined)
        return;
    hash_remove(t, u);
    if (u->prev)
        u->prev->next = u->next;
    else
        t->first = u->next;
    if (u->next)
        u->next->prev = u->prev;
    else
        t->last = u->prev;
    u->prev = u->next = NULL;
    u->joined = false;
    t->joined--;
}

/* A user that does not read: tell it why (if the notice still fits behind what it has not read),
 * close (after the engine's linger time at most), and tell the others. */
static void kick_slow(talker *t, user *u) {
    tn_session *s = tn_conn_session(u->conn);
    char buf[160];
    int n = snprintf(buf, sizeof buf,
                     "\r\n*** Disconnected: you are not reading (%lu messages dropped).\r\n",
                     u->dropped_total);
    u->closing = true;
    if (n > 0 && (size_t)n <= tn_session_output_room(s))
        tn_conn_send(u->conn, (const uint8_t *)buf, (size_t)n, NULL);
    tn_conn_close(u->conn);
    fprintf(stderr, PROG ": disconnected %s, not reading (%lu messages dropped)\n",
            u->joined ? u->nick : "a user", u->dropped_total);
    if (u->joined) {
        unjoin(t, u);
        broadcast(t, "*** %s was disconnected (not reading).", u->nick);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Text from users.                                                                             */

/* The length of the UTF-8 sequence at p[0..n), or 0 when it is malformed, overlong, a
 * surrogate, or a C1 control character (U+0080..U+009F, which 8-bit terminals obey). */
static size_t utf8_len(const uint8_t *p, size_t n) {
    size_t need;
    uint8_t lo = 0x80, hi = 0xbf;
    if (p[0] < 0x80)
        return 1;
    if (p[0] == 0xc2) {
        need = 1;
        lo = 0xa0; /* C2 80..C2 9F are the C1 controls */
    } else if (p[0] > 0xc2 && p[0] <= 0xdf) {
        need = 1;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        need = 2;
        if (p[0] == 0xe0)
            lo = 0xa0;
        if (p[0] == 0xed)
            hi = 0x9f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        need = 3;
        if (p[0] == 0xf0)
            lo = 0x90;
        if (p[0] == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (n < need + 1 || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i <= need; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return need + 1;
}

/* Rewrites s[0..n) in place as text that is safe on anyone's terminal: printable ASCII and
 * well-formed UTF-8 stay, control bytes go, anything malformed becomes '?'. Returns the new
 * length (never longer). */
static size_t sanitize(char *s, size_t n) {
    const uint8_t *in = (const uint8_t *)s;
    size_t i = 0, o = 0;
    while (i < n) {
        size_t k = utf8_len(in + i, n - i);
        if (k == 0) {
            s[o++] = '?';
            i++;
        } else if (k == 1 && (in[i] < 0x20 || in[i] == 0x7f)) {
            i++;
        } else {
            memmove(s + o, s + i, k);
            o += k;
            i += k;
        }
    }
    return o;
}

/* Drops ANSI escape sequences (arrow keys and the like from character-mode clients). Returns
 * true when `b` belongs to one. */
static bool filter_escape(user *u, uint8_t b) {
    enum { NONE, ESC, CSI, SS3, OSC };
    switch (u->esc) {
    case ESC:
        u->esc = b == '[' ? CSI : b == 'O' ? SS3 : b == ']' ? OSC : NONE;
        return true;
    case OSC: /* a title or palette string: up to BEL, or to the ESC of an ESC-backslash */
        if (b == 0x07 || b == 0x1b)
            u->esc = b == 0x1b ? ESC : NONE;
        return true;
    case CSI:
        if (b < 0x20 || b > 0x3f)
            u->esc = NONE;
        return true;
    case SS3:
        u->esc = NONE;
        return true;
    default:
        if (b == 0x1b) {
            u->esc = ESC;
            return true;
        }
        return false;
    }
}

static void erase_char(user *u) {
    while (u->len > 0 && ((uint8_t)u->line[--u->len] & 0xc0) == 0x80) {
    }
}

/* Collects typed bytes. Character-mode clients send their editing keys too (BS, DEL, ^U, ^W);
 * every other control byte is dropped here, and sanitize() checks the line once more. */
static void on_data(user *u, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint8_t b = p[i];
        if (filter_escape(u, b))
            continue;
        if (b == 0x08 || b == 0x7f) {
            erase_char(u);
        } else if (b == 0x15) {
            u->len = 0;
        } else if (b == 0x17) {
            while (u->len > 0 && u->line[u->len - 1] == ' ')
                u->len--;
            while (u->len > 0 && u->line[u->len - 1] != ' ')
                u->len--;
        } else if (b >= 0x20 || b == '\t') {
            if (u->len < LINE_CAP)
                u->line[u->len++] = (char)(b == '\t' ? ' ' : b);
            else
                u->cut = true;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Commands.                                                                                    */

static void cmd_help(talker *t, user *u) {
    tell(t, u, "*** Commands:");
    tell(t, u, "***   /who            who is here");
    tell(t, u, "***   /me ACTION      \"* %s ACTION\"", u->nick);
    tell(t, u, "***   /nick NEW       change your nickname");
    tell(t, u, "***   /quit [MSG]     leave, with a parting message");
    tell(t, u, "***   /help           this list");
    tell(t, u, "*** Anything else goes to everyone.");
}

static void cmd_who(talker *t, user *u) {
    char buf[MSG_CAP];
    size_t len = 0, listed = 0;
    tell(t, u, "*** %zu user%s here:", t->joined, t->joined == 1 ? "" : "s");
    for (user *w = t->first; w && listed < WHO_MAX; w = w->next, listed++) {
        /* Several names to a line, each line one message. */
        if (len + strlen(w->nick) + 2 > 72) {
            tell(t, u, "***  %.*s", (int)len, buf);
            len = 0;
        }
        len += (size_t)snprintf(buf + len, sizeof buf - len, " %s", w->nick);
    }
    if (len)
        tell(t, u, "***  %.*s", (int)len, buf);
    if (t->joined > listed)
        tell(t, u, "*** ... and %zu more.", t->joined - listed);
}

static void cmd_nick(talker *t, user *u, const char *nick) {
    user *other = find_nick(t, nick);
    if (!valid_nick(nick)) {
        tell(t, u, "*** A nickname is 1 to %d letters, digits, '_' or '-'.", NICK_MAX);
    } else if (other && other != u) {
        tell(t, u, "*** The nickname %s is taken.", other->nick);
    } else {
        char old[NICK_MAX + 1];
        snprintf(old, sizeof old, "%s", u->nick);
        hash_remove(t, u);
        snprintf(u->nick, sizeof u->nick, "%s", nick);
        hash_add(t, u);
        broadcast(t, "*** %s is now known as %s.", old, u->nick);
    }
}

static void cmd_quit(talker *t, user *u, const char *msg) {
    tell(t, u, "*** Bye, %s.", u->nick);
    u->closing = true;
    tn_conn_close(u->conn);
    unjoin(t, u);
    if (*msg)
        broadcast(t, "*** %s left (%s).", u->nick, msg);
    else
        broadcast(t, "*** %s left.", u->nick);
}

static void run_command(talker *t, user *u, char *line) {
    char *arg = strchr(line, ' ');
    if (arg) {
        *arg++ = '\0';
        while (*arg == ' ')
            arg++;
    } else {
        arg = line + strlen(line);
    }
    if (!strcasecmp(line, "/who")) {
        cmd_who(t, u);
    } else if (!strcasecmp(line, "/me")) {
        if (*arg)
            broadcast(t, "* %s %s", u->nick, arg);
    } else if (!strcasecmp(line, "/nick")) {
        cmd_nick(t, u, arg);
    } else if (!strcasecmp(line, "/quit")) {
        cmd_quit(t, u, arg);
    } else if (!strcasecmp(line, "/help")) {
        cmd_help(t, u);
    } else {
        tell(t, u, "*** Unknown command %s (try /help).", line);
    }
}

static void choose_nick(talker *t, user *u, const char *nick) {
    user *other = find_nick(t, nick);
    if (!valid_nick(nick)) {
        tell(t, u, "*** A nickname is 1 to %d letters, digits, '_' or '-'.", NICK_MAX);
    } else if (other) {
        tell(t, u, "*** The nickname %s is taken.", other->nick);
    } else {
        join(t, u, nick);
        tell(t, u, "*** Welcome, %s. %zu user%s here; /help lists the commands.", u->nick,
             t->joined, t->joined == 1 ? " is" : "s are");
        broadcast(t, "*** %s joined.", u->nick);
        return;
    }
    ask_nick(u);
}

static void on_line(talker *t, user *u) {
    size_t n = sanitize(u->line, u->len);
    u->line[n] = '\0';
    u->len = 0;
    u->esc = 0;
    if (u->cut)
        tell(t, u, "*** Your line was cut to %d bytes.", LINE_CAP);
    u->cut = false;
    char *line = u->line;
    while (*line == ' ')
        line++;
    for (size_t e = strlen(line); e > 0 && line[e - 1] == ' '; e--)
        line[e - 1] = '\0';
    if (!u->joined)
        choose_nick(t, u, line);
    else if (line[0] == '/')
        run_command(t, u, line);
    else if (line[0])
        broadcast(t, "<%s> %s", u->nick, line);
}

/* ------------------------------------------------------------------------------------------ */
/* Engine callbacks.                                                                            */

static void on_event(void *ud, tn_conn *conn, tn_session *s, const tn_event *ev) {
    talker *t = ud;
    user *u = tn_conn_userdata(conn);
    (void)s;
    if (!u || u->closing)
        return;
    switch (ev->kind) {
    case TN_EVENT_KIND_SETTLED:
        tell(t, u, "Welcome to the telnet-rs talker.");
        ask_nick(u);
        break;
    case TN_EVENT_KIND_DATA:
        on_data(u, ev->u.data.ptr, ev->u.data.len);
        break;
    case TN_EVENT_KIND_EOL:
        on_line(t, u);
        break;
    case TN_EVENT_KIND_COMMAND:
        if (ev->u.command == TN_CMD_EC)
            erase_char(u);
        else if (ev->u.command == TN_CMD_EL || ev->u.command == TN_CMD_IP)
            u->len = 0;
        else if (ev->u.command == TN_CMD_AYT)
            tell(t, u, "[yes]");
        break;
    default:
        break;
    }
}

/* The end of a STUCK_MS period of a user that is behind: disconnect it if nothing of its queue
 * was written during the period and it lost enough messages; otherwise watch another period
 * while it stays behind. */
static void on_timer(void *ud, tn_conn *conn, uint64_t id) {
    talker *t = ud;
    user *u = tn_conn_userdata(conn);
    (void)id;
    if (!u || u->closing)
        return;
    u->timer_set = false;
    look(u, tn_session_output_len(tn_conn_session(conn)));
    if (!u->behind)
        return;
    if (u->drained == 0) {
        if (u->drops >= MAX_DROPS)
            kick_slow(t, u);
        /* else: stuck but it lost little; the next drop starts another period */
    } else {
        u->drained = 0;
        u->timer_set = true;
        tn_conn_set_timer(conn, STUCK_MS, 0);
    }
}

static void on_opened(void *ud, tn_conn *conn) {
    (void)ud;
    user *u = calloc(1, sizeof *u);
    if (!u) {
        tn_conn_abort(conn);
        return;
    }
    u->conn = conn;
    tn_conn_set_userdata(conn, u);
}

static void on_closed(void *ud, tn_conn *conn, tn_close_reason reason, int error) {
    talker *t = ud;
    user *u = tn_conn_userdata(conn);
    (void)reason;
    (void)error;
    if (!u)
        return;
    tn_conn_set_userdata(conn, NULL);
    u->closing = true;
    if (u->joined) {
        unjoin(t, u);
        if (!t->stopping)
            broadcast(t, "*** %s left.", u->nick);
    }
    free(u);
}

static void on_signal(void *ud, int signo) {
    talker *t = ud;
    (void)signo;
    if (t->stopping)
        return;
    t->stopping = true;
    fprintf(stderr, PROG ": shutting down (%zu users, %lu messages dropped in all)\n", t->joined,
            t->dropped);
    broadcast(t, "*** The talker is shutting down.");
    tn_engine_stop(t->engine);
}

/* ------------------------------------------------------------------------------------------ */
/* Setup.                                                                                       */

static void usage(FILE *f) {
    fprintf(f,
            "usage: " PROG " [--host HOST] [--port PORT]\n"
            "A multi-user chat: connect with `telnet HOST PORT`, choose a nickname, talk.\n"
            "\n"
            "  --host HOST  address to listen on (default " DEFAULT_HOST ")\n"
            "  --port PORT  port to listen on, 0 for any free one (default %d)\n"
            "  --help       show this help\n"
            "\n"
            "Exit status: 0 after SIGINT or SIGTERM, 1 on a runtime error (such as a busy port),\n"
            "2 on bad arguments.\n",
            DEFAULT_PORT);
}

static bool parse_port(const char *s, uint16_t *port) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 65535)
        return false;
    *port = (uint16_t)v;
    return true;
}

/* Returns 0 to run, 1 when --help was shown, 2 on a usage error (already reported). */
static int parse_args(int argc, char **argv, const char **host, uint16_t *port) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 1;
        }
        bool is_host = !strncmp(a, "--host", 6), is_port = !strncmp(a, "--port", 6);
        if ((is_host || is_port) && a[6] == '=')
            val = a + 7;
        else if ((is_host || is_port) && a[6] == '\0' && i + 1 < argc)
            val = argv[++i];
        if (!val || (!is_host && !is_port)) {
            fprintf(stderr, PROG ": %s: %s\n", a,
                    (is_host || is_port) ? "needs a value" : "unknown argument");
            usage(stderr);
            return 2;
        }
        if (is_host) {
            *host = val;
        } else if (!parse_port(val, port)) {
            fprintf(stderr, PROG ": bad port: %s\n", val);
            return 2;
        }
    }
    return 0;
}

/* Line mode by default: the talker asks for nothing, so an NVT client keeps editing and echoing
 * locally. Clients that want character mode may have SGA; echo stays theirs. */
static tn_config *make_config(void) {
    tn_config *cfg;
    if (tn_config_new(TN_ROLE_SERVER, &cfg) != TN_RESULT_OK)
        return NULL;
    tn_config_set_eol(cfg, TN_EOL_MODE_NVT, TN_EOL_MODE_NVT);
    tn_config_allow(cfg, TN_OPT_SGA, TN_SIDE_LOCAL);
    tn_config_allow(cfg, TN_OPT_SGA, TN_SIDE_REMOTE);
    tn_config_set_output_limit(cfg, OUTPUT_LIMIT);
    return cfg;
}

/* Each user is a descriptor: raise the open-file limit toward the engine's session limit, and
 * lower the session limit to what the descriptors allow, saying so. */
static void fit_users_to_fd_limit(tn_engine *engine) {
    uint64_t got = 0;
    if (tn_raise_fd_limit(MAX_USERS + FD_HEADROOM, &got) != TN_RESULT_OK) {
        fprintf(stderr, PROG ": cannot read the open-file limit: %s\n", strerror(errno));
        return;
    }
    if (got < MAX_USERS + FD_HEADROOM) {
        size_t max = got > 2 * FD_HEADROOM ? (size_t)got - FD_HEADROOM : FD_HEADROOM;
        fprintf(stderr,
                PROG ": open-file limit is %llu (hard limit reached): at most %zu users "
                     "instead of %d; raise it with `ulimit -Hn`\n",
                (unsigned long long)got, max, MAX_USERS);
        tn_engine_set_max_sessions(engine, max);
    } else {
        tn_engine_set_max_sessions(engine, MAX_USERS);
    }
}

int main(int argc, char **argv) {
    const char *host = DEFAULT_HOST;
    uint16_t port = DEFAULT_PORT;
    int rc = parse_args(argc, argv, &host, &port);
    if (rc)
        return rc == 1 ? 0 : 2;

    /* Large: the nickname table lives here, not on the stack. */
    talker *t = calloc(1, sizeof *t);
    if (!t) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    tn_engine_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.opened = on_opened;
    cb.event = on_event;
    cb.timer = on_timer;
    cb.closed = on_closed;
    cb.signal = on_signal;
    if (tn_engine_new(&cb, t, &t->engine) != TN_RESULT_OK) {
        fprintf(stderr, PROG ": cannot start the engine: %s\n", strerror(errno));
        free(t);
        return 1;
    }
    static const int sigs[] = {SIGINT, SIGTERM};
    tn_engine_handle_signals(t->engine, sigs, 2);
    fit_users_to_fd_limit(t->engine);
    /* A chat relays one sender to many readers: read little from each peer per turn, so the
     * readers' queues are flushed between a flooder's messages instead of after 256 KiB. */
    tn_engine_set_read_budget(t->engine, READ_BUDGET);

    tn_config *cfg = make_config();
    uint32_t listener = 0;
    tn_result r = cfg ? tn_engine_listen(t->engine, host, port, cfg, &listener) : TN_RESULT_PANIC;
    int listen_errno = errno;
    tn_config_free(cfg);
    if (r != TN_RESULT_OK) {
        fprintf(stderr, PROG ": cannot listen on %s:%u: %s\n", host, (unsigned)port,
                r == TN_RESULT_IO          ? strerror(listen_errno)
                : r == TN_RESULT_NOT_FOUND ? "no such host"
                                           : tn_result_cstr(r));
        tn_engine_free(t->engine);
        free(t);
        return 1;
    }
    tn_engine_listener_port(t->engine, listener, &port);
    fprintf(stderr,
            strchr(host, ':') ? PROG ": listening on [%s]:%u\n" : PROG ": listening on %s:%u\n",
            host, (unsigned)port);
    /* For the human who just started it: what to type in another terminal. */
    fprintf(stderr, PROG ": connect with `telnet %s %u`; stop with ^C\n", host, (unsigned)port);

    r = tn_engine_run(t->engine);
    tn_engine_free(t->engine);
    free(t);
    if (r != TN_RESULT_OK) {
        fprintf(stderr, PROG ": %s\n", tn_result_cstr(r));
        return 1;
    }
    return 0;
}
