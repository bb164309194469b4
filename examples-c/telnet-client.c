/*
 * telnet-client: an interactive Telnet client for a real terminal, on the telnet-rs engine.
 *
 *   telnet-client HOST [PORT] [--encoding utf8|latin1|cp437] [--term TERM]
 *
 * It negotiates like BSD telnet (tn_config_new_client) and puts the terminal in the mode the
 * negotiation asks for, the way BSD telnet's getconnmode() does:
 *
 *   negotiated                          local tty
 *   NVT line mode (server WONT SGA)     canonical, ISIG (^C sends IAC IP), echo unless the
 *                                       server echoes
 *   character mode (server WILL SGA)    raw, every byte sent as typed, echo unless the server
 *                                       echoes
 *   LINEMODE                            canonical if MODE has EDIT, ISIG if it has TRAPSIG; the
 *                                       SLC table sets the tty's special characters
 *
 * The terminal is restored on every way out: a normal close, the server closing, an error,
 * SIGINT/SIGTERM/SIGHUP (delivered through the engine's signalfd, so they never interrupt us
 * half-way through a tcsetattr), and atexit() for anything else.
 *
 * ^] opens a small prompt (close, status, send ..., mode, help, continue). When stdin is not a
 * terminal, nothing of the above applies: stdin's lines are sent and the client exits when the
 * server closes, or once the server has been silent for a while after stdin ended.
 */
#define _DEFAULT_SOURCE /* TIOCGWINSZ, ECHOCTL, getaddrinfo and friends */

#include <telnet-rs.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PROG "telnet-client"
#define ESCAPE_CHAR 0x1d              /* ^] as in BSD telnet */
#define CONNECT_TIMEOUT_MS 15000
#define DRAIN_QUIET_MS 2000           /* after stdin's end: close once the server is this quiet */
#define READ_CHUNK 4096
#define OUTPUT_HIGH_WATER (64 * 1024) /* stop reading stdin while this much waits for the socket */
#define HELD_MAX (1024 * 1024)        /* server output kept while the prompt is open */
#define MAX_ADDRS 16
#define MAX_TERMS 8
#define EXIT_NORMAL 0
#define EXIT_FAILURE_CONN 1
#define EXIT_USAGE 2

enum encoding { ENC_UTF8, ENC_LATIN1, ENC_CP437 };

static const char *const encoding_names[] = {"utf8", "latin1", "cp437"};

/* What the terminal should look like for the negotiated state. All bools: compared by field. */
typedef struct tty_mode {
    bool edit;     /* canonical: the local tty edits lines */
    bool echo;     /* the local tty echoes (the server does not) */
    bool trapsig;  /* ISIG: INTR/QUIT/SUSP raise signals that we turn into IAC IP/ABORT/SUSP */
    bool flow;     /* IXON: the server asked for local flow control (LFLOW) */
    bool flow_any; /* IXANY */
    bool outbin;   /* the server sends BINARY: no output post-processing */
    bool lit_echo; /* LINEMODE LIT_ECHO: echo control characters as they are */
} tty_mode;

typedef struct client {
    /* arguments */
    const char *host;
    uint16_t port;
    enum encoding enc;
    char term_buf[MAX_TERMS * 41 + 1];
    const char *terms[MAX_TERMS];
    size_t nterms;

    /* where to connect: numeric addresses, tried in order */
    char addrs[MAX_ADDRS][NI_MAXHOST];
    size_t naddrs, next_addr;

    /* the engine and the one connection */
    tn_config *config;
    tn_engine *engine;
    tn_conn *conn;
    bool done;
    int exit_code;
    bool settled;
    uint16_t cols, rows;

    /* stdin */
    bool interactive; /* stdin is a terminal */
    bool stdout_tty;
    bool stdin_watched;
    uint32_t stdin_watch;
    bool stdin_more; /* more may be readable without a new readiness edge */
    bool stdin_eof;
    bool held_cr; /* a CR ending a read, kept until we know whether LF follows */
    int64_t quiet_since;
    bool closing; /* we asked the engine to close the connection */

    /* the terminal */
    bool tty_saved;
    struct termios saved;
    bool mode_applied;
    bool mode_force; /* the special characters changed: apply even if the mode did not */
    tty_mode applied;
    bool cc_set[NCCS]; /* special characters the server set through SLC */
    cc_t cc_val[NCCS];

    /* the escape prompt */
    bool prompt;
    uint8_t *held;
    size_t held_len, held_cap;
} client;

/* The one client; a global only so that atexit() can restore its terminal. */
static client the_client;

/* ------------------------------------------------------------------------------------------ */
/* small helpers                                                                              */

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes everything or gives up on a real error; a blocking terminal may write in pieces. */
static bool write_all(int fd, const void *buf, size_t len) {
    const uint8_t *p = (const uint8_t *)buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                /* Someone made the descriptor non-blocking: wait instead of spinning. */
                struct pollfd pfd = {fd, POLLOUT, 0};
                poll(&pfd, 1, 1000);
                continue;
            }
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* printf to stdout without stdio buffering, so it interleaves correctly with server output. */
static void say(const char *fmt, ...) {
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        write_all(STDOUT_FILENO, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* HOST:PORT, with brackets around an IPv6 literal. */
static const char *host_port(const client *c) {
    static char buf[NI_MAXHOST + 16];
    snprintf(buf, sizeof buf, strchr(c->host, ':') ? "[%s]:%u" : "%s:%u", c->host,
             (unsigned)c->port);
    return buf;
}

static tn_session *session(const client *c) {
    return c->conn ? tn_conn_session(c->conn) : NULL;
}

/* Closes the connection (gracefully, or dropping queued output). */
static void close_conn(client *c, bool graceful) {
    if (!c->conn || c->closing)
        return;
    c->closing = true;
    if (graceful)
        tn_conn_close(c->conn);
    else
        tn_conn_abort(c->conn);
}

static void finish(client *c, int code) {
    if (!c->done)
        c->exit_code = code;
    c->done = true;
}

/* ------------------------------------------------------------------------------------------ */
/* arguments                                                                                  */

static void usage(FILE *to) {
    fprintf(to,
            "Usage: " PROG " HOST [PORT] [--encoding utf8|latin1|cp437] [--term TERM]\n"
            "An interactive Telnet client (telnet-rs %s). PORT defaults to 23.\n"
            "\n"
            "  --encoding ENC  how the server's text is shown: utf8 passes it through (default);\n"
            "                  latin1 and cp437 translate it to UTF-8 (BBS ANSI art). Also the\n"
            "                  character sets accepted when the server offers CHARSET.\n"
            "  --term TERM     the terminal type reported (default: $TERM, else xterm); several\n"
            "                  names separated by commas are reported in turn\n"
            "  -h, --help      show this help\n"
            "\n"
            "Press ^] for the " PROG "> prompt: close, status, send ayt|brk|ip|ao|synch|nop|escape,\n"
            "mode [line|character], help; an empty line or 'continue' returns to the session.\n"
            "When stdin is not a terminal its lines are sent as they are read, and the client\n"
            "exits when the server closes, or once the server has been silent for %d s after the\n"
            "end of stdin.\n"
            "\n"
            "Exit status: 0 the connection closed normally, 1 it could not be opened or failed,\n"
            "2 usage error, 128+N ended by signal N.\n",
            tn_version_cstr(), DRAIN_QUIET_MS / 1000);
}

static int usage_error(const char *what, const char *arg) {
    if (arg)
        fprintf(stderr, PROG ": %s '%s'\n", what, arg);
    else
        fprintf(stderr, PROG ": %s\n", what);
    fprintf(stderr, "Try '" PROG " --help'.\n");
    return EXIT_USAGE;
}

static bool parse_port(const char *s, uint16_t *port) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s && !*end && !errno && v > 0 && v <= 65535) {
        *port = (uint16_t)v;
        return true;
    }
    struct servent *se = getservbyname(s, "tcp");
    if (se) {
        *port = ntohs((uint16_t)se->s_port);
        return true;
    }
    return false;
}

/* Splits the comma-separated --term list; each name must be one the TTYPE option can carry. */
static bool parse_terms(client *c, const char *list) {
    if (strlen(list) >= sizeof c->term_buf)
        return false;
    strcpy(c->term_buf, list);
    c->nterms = 0;
    for (char *p = c->term_buf, *next; p; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        size_t n = strlen(p);
        if (n == 0 || n > 40 || c->nterms == MAX_TERMS)
            return false;
        for (size_t i = 0; i < n; i++)
            if (p[i] < 0x21 || p[i] > 0x7e)
                return false;
        c->terms[c->nterms++] = p;
    }
    return c->nterms > 0;
}

/* Returns -1 to go on, otherwise the exit code. */
static int parse_args(client *c, int argc, char **argv) {
    const char *positional[2];
    size_t npos = 0;
    const char *term = NULL;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = NULL;
        if (!options_done && a[0] == '-' && a[1]) {
            if (!strcmp(a, "--")) {
                options_done = true;
                continue;
            }
            if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
                usage(stdout);
                return EXIT_NORMAL;
            }
            size_t len = strcspn(a, "=");
            bool is_enc = !strncmp(a, "--encoding", len) && len == 10;
            bool is_term = !strncmp(a, "--term", len) && len == 6;
            if (!is_enc && !is_term)
                return usage_error("unknown option", a);
            if (a[len] == '=')
                value = a + len + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return usage_error("this option needs a value:", a);
            if (is_term) {
                term = value;
            } else if (!strcasecmp(value, "utf8") || !strcasecmp(value, "utf-8")) {
                c->enc = ENC_UTF8;
            } else if (!strcasecmp(value, "latin1") || !strcasecmp(value, "iso-8859-1")) {
                c->enc = ENC_LATIN1;
            } else if (!strcasecmp(value, "cp437") || !strcasecmp(value, "ibm437")) {
                c->enc = ENC_CP437;
            } else {
                return usage_error("unknown encoding (utf8, latin1 or cp437):", value);
            }
            continue;
        }
        if (npos == 2)
            return usage_error("unexpected argument", a);
        positional[npos++] = a;
    }
    if (npos == 0)
        return usage_error("missing HOST", NULL);
    c->host = positional[0];
    c->port = 23;
    if (npos == 2 && !parse_port(positional[1], &c->port))
        return usage_error("bad port", positional[1]);
    if (!term) {
        term = getenv("TERM");
        if (!term || !*term)
            term = "xterm";
    }
    if (!parse_terms(c, term))
        return usage_error("bad terminal type (printable ASCII names of at most 40 characters,"
                           " separated by commas):",
                           term);
    return -1;
}

/* Resolves HOST to numeric addresses here and connects to them one at a time, so each attempt
 * is announced ("Trying ADDR...") as BSD telnet does; tn_engine_connect with the name would try
 * them all too, silently. */
static bool resolve(client *c) {
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(c->host, NULL, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, PROG ": cannot resolve %s: %s\n", c->host, gai_strerror(rc));
        return false;
    }
    for (ai = res; ai && c->naddrs < MAX_ADDRS; ai = ai->ai_next) {
        char *dst = c->addrs[c->naddrs];
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, dst, NI_MAXHOST, NULL, 0, NI_NUMERICHOST))
            continue;
        bool dup = false;
        for (size_t i = 0; i < c->naddrs; i++)
            dup = dup || !strcmp(c->addrs[i], dst);
        if (!dup)
            c->naddrs++;
    }
    freeaddrinfo(res);
    if (c->naddrs == 0) {
        fprintf(stderr, PROG ": cannot resolve %s: no address\n", c->host);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* the terminal                                                                               */

/* The tty's window, from stdin or else stdout; 80x24 when neither is a terminal. */
static void read_window(uint16_t *cols, uint16_t *rows) {
    struct winsize ws;
    *cols = 80;
    *rows = 24;
    if ((ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        && ws.ws_col > 0 && ws.ws_row > 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
    }
}

/* The tty character an SLC function lives in (RFC 1184 and BSD telnet's tcval()); -1 when the
 * tty has none (SYNCH, BRK, EOR, AYT on Linux, FORW1/2). */
static int slc_cc_index(uint8_t function) {
    switch (function) {
    case TN_SLC_IP: return VINTR;
    case TN_SLC_ABORT: return VQUIT;
    case TN_SLC_SUSP: return VSUSP;
    case TN_SLC_EOF: return VEOF;
    case TN_SLC_EC: return VERASE;
    case TN_SLC_EL: return VKILL;
    case TN_SLC_EW: return VWERASE;
    case TN_SLC_RP: return VREPRINT;
    case TN_SLC_LNEXT: return VLNEXT;
    case TN_SLC_XON: return VSTART;
    case TN_SLC_XOFF: return VSTOP;
    case TN_SLC_AO: return VDISCARD;
    default: return -1;
    }
}

static void tty_restore(client *c) {
    if (c->tty_saved && c->mode_applied) {
        tcsetattr(STDIN_FILENO, TCSADRAIN, &c->saved);
        c->mode_applied = false;
    }
}

static void restore_at_exit(void) {
    tty_restore(&the_client);
}

static tty_mode desired_mode(const client *c) {
    tn_session *s = session(c);
    tty_mode m;
    memset(&m, 0, sizeof m);
    /* BSD telnet: the local tty echoes whenever the server does not. */
    m.echo = !tn_session_is_enabled(s, TN_OPT_ECHO, TN_SIDE_REMOTE);
    switch (tn_session_input_mode(s)) {
    case TN_INPUT_MODE_LINEMODE: {
        uint8_t lm = tn_session_linemode(s);
        m.edit = (lm & TN_MODE_EDIT) != 0;
        m.trapsig = (lm & TN_MODE_TRAPSIG) != 0;
        m.lit_echo = (lm & TN_MODE_LIT_ECHO) != 0;
        break;
    }
    case TN_INPUT_MODE_CHARACTER:
        break;
    default:
        /* NVT line mode (or kludge line mode): BSD's EDIT|TRAPSIG. */
        m.edit = true;
        m.trapsig = true;
        break;
    }
    bool on = false, any = false;
    if (tn_session_is_enabled(s, TN_OPT_LFLOW, TN_SIDE_LOCAL)
        && tn_session_flow_control(s, &on, &any) == TN_RESULT_OK) {
        m.flow = on;
        m.flow_any = any;
    }
    m.outbin = tn_session_is_enabled(s, TN_OPT_BINARY, TN_SIDE_REMOTE);
    return m;
}

static bool same_mode(const tty_mode *a, const tty_mode *b) {
    return a->edit == b->edit && a->echo == b->echo && a->trapsig == b->trapsig
           && a->flow == b->flow && a->flow_any == b->flow_any && a->outbin == b->outbin
           && a->lit_echo == b->lit_echo;
}

/* The user's own settings changed only as far as the mode needs, as BSD's TerminalNewMode. */
static struct termios mode_termios(const client *c, const tty_mode *m) {
    struct termios t = c->saved;
    for (int i = 0; i < NCCS; i++)
        if (c->cc_set[i])
            t.c_cc[i] = c->cc_val[i];
    if (m->edit) {
        t.c_lflag |= ICANON;
        /* Enter ends the line as LF, which goes out as CR LF (BSD in line mode). */
        t.c_iflag |= ICRNL;
        t.c_iflag &= ~(tcflag_t)(INLCR | IGNCR);
        /* A canonical read also returns at the escape character, so ^] works mid-line. */
        t.c_cc[VEOL] = ESCAPE_CHAR;
    } else {
        t.c_lflag &= ~(tcflag_t)(ICANON | IEXTEN);
        /* Enter gives CR, sent as CR NUL (RFC 854); bytes pass 8-bit clean. */
        t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | ISTRIP);
        if (m->flow)
            t.c_iflag |= IXON;
        else
            t.c_iflag &= ~(tcflag_t)IXON;
        if (m->flow_any)
            t.c_iflag |= IXANY;
        else
            t.c_iflag &= ~(tcflag_t)IXANY;
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
    }
    if (m->echo)
        t.c_lflag |= ECHO;
    else
        t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    if (m->trapsig)
        t.c_lflag |= ISIG;
    else
        t.c_lflag &= ~(tcflag_t)ISIG;
    if (m->lit_echo)
        t.c_lflag &= ~(tcflag_t)ECHOCTL;
    /* Keep ONLCR for our own messages unless the server sends binary data. */
    if (m->outbin)
        t.c_oflag &= ~(tcflag_t)OPOST;
    else
        t.c_oflag |= OPOST;
    return t;
}

/* Puts the tty in the mode the negotiation asks for (nothing at the prompt or without a tty). */
static void tty_apply(client *c) {
    if (!c->interactive || !c->tty_saved || c->prompt || !c->conn || c->closing || c->done)
        return;
    tty_mode m = desired_mode(c);
    if (c->mode_applied && !c->mode_force && same_mode(&m, &c->applied))
        return;
    struct termios t = mode_termios(c, &m);
    if (tcsetattr(STDIN_FILENO, TCSADRAIN, &t) != 0) {
        fprintf(stderr, PROG ": cannot set the terminal mode: %s\n", strerror(errno));
        return;
    }
    c->applied = m;
    c->mode_applied = true;
    c->mode_force = false;
}

/* The server changed a special character (LINEMODE SLC): use it in the local tty. */
static void slc_changed(client *c, uint8_t function, uint8_t flags, uint8_t value) {
    int idx = slc_cc_index(function);
    if (idx < 0)
        return;
    bool off = (flags & TN_SLC_LEVEL_MASK) == TN_SLC_LEVEL_NOSUPPORT;
    c->cc_set[idx] = true;
    c->cc_val[idx] = off ? _POSIX_VDISABLE : value;
    c->mode_force = true;
}

/* ------------------------------------------------------------------------------------------ */
/* server output                                                                              */

static void emit(client *c, const uint8_t *p, size_t n) {
    if (n == 0)
        return;
    if (c->prompt && c->held_len + n <= HELD_MAX) {
        /* Keep it until the prompt closes, as BSD telnet does not read while in command mode;
         * past HELD_MAX it is shown anyway rather than kept without bound. */
        if (c->held_len + n > c->held_cap) {
            size_t cap = c->held_cap ? c->held_cap : 4096;
            while (cap < c->held_len + n)
                cap *= 2;
            uint8_t *grown = (uint8_t *)realloc(c->held, cap);
            if (grown) {
                c->held = grown;
                c->held_cap = cap;
            }
        }
        if (c->held_len + n <= c->held_cap) {
            memcpy(c->held + c->held_len, p, n);
            c->held_len += n;
            return;
        }
    }
    if (!write_all(STDOUT_FILENO, p, n)) {
        fprintf(stderr, PROG ": cannot write the output: %s\n", strerror(errno));
        close_conn(c, false);
        finish(c, EXIT_FAILURE_CONN);
    }
}

static void flush_held(client *c) {
    uint8_t *held = c->held;
    size_t len = c->held_len;
    c->held = NULL;
    c->held_len = c->held_cap = 0;
    emit(c, held, len);
    free(held);
}

/* Server text in the chosen encoding, shown as UTF-8. */
static void show_data(client *c, const uint8_t *p, size_t n) {
    if (c->enc == ENC_UTF8) {
        emit(c, p, n);
        return;
    }
    uint8_t out[3 * 1024];
    while (n > 0) {
        size_t take = n < 1024 ? n : 1024, used = 0, made = 0;
        if (c->enc == ENC_CP437)
            tn_cp437_to_utf8(p, take, out, sizeof out, &used, &made);
        else
            tn_latin1_to_utf8(p, take, out, sizeof out, &used, &made);
        emit(c, out, made);
        if (used == 0)
            break; /* cannot happen with 3 bytes per input byte; never loop forever */
        p += used;
        n -= used;
    }
}

static void show_eol(client *c, tn_eol eol) {
    switch (eol) {
    case TN_EOL_CR_LF:
        /* A terminal needs CR LF; a file or pipe gets Unix lines. */
        if (c->stdout_tty)
            emit(c, (const uint8_t *)"\r\n", 2);
        else
            emit(c, (const uint8_t *)"\n", 1);
        break;
    case TN_EOL_LF: emit(c, (const uint8_t *)"\n", 1); break;
    default: emit(c, (const uint8_t *)"\r", 1); break; /* CR NUL, bare CR */
    }
}

/* ------------------------------------------------------------------------------------------ */
/* sending                                                                                    */

static void send_bytes(client *c, const uint8_t *p, size_t n) {
    size_t took = 0;
    if (!c->conn || n == 0)
        return;
    tn_result r = tn_conn_send(c->conn, p, n, &took);
    /* Reading stops at OUTPUT_HIGH_WATER, far below the queue limit, so this always fits. */
    if (r != TN_RESULT_OK || took != n)
        fprintf(stderr, PROG ": %zu bytes not sent: %s\n", n - took, tn_result_cstr(r));
}

static void send_command(client *c, uint8_t cmd) {
    tn_session *s = session(c);
    if (!s)
        return;
    tn_result r = tn_session_send_command(s, cmd);
    if (r != TN_RESULT_OK)
        fprintf(stderr, PROG ": cannot send a command: %s\n", tn_result_cstr(r));
}

/* ------------------------------------------------------------------------------------------ */
/* the escape prompt                                                                          */

static void show_prompt(void) {
    say(PROG "> ");
}

static void enter_prompt(client *c) {
    c->prompt = true;
    tty_restore(c);
    say("\r\n");
    show_prompt();
}

static void leave_prompt(client *c) {
    c->prompt = false;
    c->mode_force = true;
    tty_apply(c);
    flush_held(c);
}

static const char *input_mode_name(tn_input_mode m) {
    switch (m) {
    case TN_INPUT_MODE_CHARACTER: return "character at a time";
    case TN_INPUT_MODE_LINEMODE: return "LINEMODE (RFC 1184)";
    default: return "line by line (NVT)";
    }
}

static void say_mode(client *c) {
    tn_session *s = session(c);
    tty_mode m = desired_mode(c);
    say("Mode: %s; %s echo; local tty %s%s%s.\n", input_mode_name(tn_session_input_mode(s)),
        m.echo ? "local" : "remote", m.edit ? "edits lines" : "sends every key",
        m.trapsig ? ", ^C sends IAC IP" : "", m.flow ? ", XON/XOFF flow control" : "");
    if (tn_session_input_mode(s) == TN_INPUT_MODE_LINEMODE) {
        uint8_t lm = tn_session_linemode(s);
        say("LINEMODE MODE:%s%s%s%s%s\n", lm & TN_MODE_EDIT ? " EDIT" : "",
            lm & TN_MODE_TRAPSIG ? " TRAPSIG" : "", lm & TN_MODE_SOFT_TAB ? " SOFT_TAB" : "",
            lm & TN_MODE_LIT_ECHO ? " LIT_ECHO" : "", lm ? "" : " (none)");
    }
}

static void say_options(tn_session *s, uint32_t side, const char *title) {
    char line[1024];
    size_t len = (size_t)snprintf(line, sizeof line, "%s:", title);
    bool any = false;
    for (int o = 0; o < 256; o++) {
        if (!tn_session_is_enabled(s, (uint8_t)o, side))
            continue;
        tn_str name = tn_option_name((uint8_t)o);
        if (len < sizeof line - 48) {
            if (name.len)
                len += (size_t)snprintf(line + len, sizeof line - len, " %.*s", (int)name.len,
                                        name.ptr);
            else
                len += (size_t)snprintf(line + len, sizeof line - len, " %d", o);
        }
        any = true;
    }
    say("%s%s\n", line, any ? "" : " none");
}

static void cmd_status(client *c) {
    tn_session *s = session(c);
    char peer[64] = "?";
    uint16_t peer_port = 0;
    tn_conn_peer(c->conn, peer, sizeof peer, &peer_port);
    say("Connected to %s (%s port %u).\n", host_port(c), peer, (unsigned)peer_port);
    say("Escape character is '^]'.\n");
    say_options(s, TN_SIDE_LOCAL, "Options we perform (WILL)");
    say_options(s, TN_SIDE_REMOTE, "Options the server performs (DO)");
    say("TERM: %s", c->terms[0]);
    for (size_t i = 1; i < c->nterms; i++)
        say(",%s", c->terms[i]);
    say("\nWindow: %ux%u\n", (unsigned)c->cols, (unsigned)c->rows);
    tn_bytes cs;
    tn_str in, out;
    bool have_cs = tn_session_charset(s, &cs) == TN_RESULT_OK;
    bool have_in = tn_session_encoding(s, TN_SIDE_REMOTE, &in) == TN_RESULT_OK;
    bool have_out = tn_session_encoding(s, TN_SIDE_LOCAL, &out) == TN_RESULT_OK;
    say("Encoding: %s (shown as UTF-8); CHARSET agreed: %.*s; received as %.*s, sent as %.*s\n",
        encoding_names[c->enc], have_cs ? (int)cs.len : 4,
        have_cs ? (const char *)cs.ptr : "none", have_in ? (int)in.len : 1, have_in ? in.ptr : "?",
        have_out ? (int)out.len : 1, have_out ? out.ptr : "?");
    say_mode(c);
}

static void cmd_help(void) {
    say("Commands:\n"
        "  close              close the connection and exit\n"
        "  status             connection, options, terminal type, window, encoding, mode\n"
        "  send WHAT          send ayt, brk, ip, ao, synch, nop, or the escape character\n"
        "  mode [line|character]  show the input mode, or ask the server for another\n"
        "  help               this list\n"
        "  continue (or an empty line)  back to the session\n");
}

static void cmd_send(client *c, const char *what) {
    static const struct {
        const char *name;
        uint8_t cmd;
    } table[] = {{"ayt", TN_CMD_AYT}, {"brk", TN_CMD_BRK}, {"break", TN_CMD_BRK},
                 {"ip", TN_CMD_IP},   {"ao", TN_CMD_AO},   {"nop", TN_CMD_NOP},
                 {"eof", TN_CMD_EOF}, {"susp", TN_CMD_SUSP}, {"abort", TN_CMD_ABORT},
                 {"ec", TN_CMD_EC},   {"el", TN_CMD_EL},   {"ga", TN_CMD_GA}};
    if (what && !strcasecmp(what, "synch")) {
        tn_result r = tn_session_send_synch(session(c));
        if (r != TN_RESULT_OK)
            say("cannot send synch: %s\n", tn_result_cstr(r));
        return;
    }
    if (what && !strcasecmp(what, "escape")) {
        const uint8_t esc = ESCAPE_CHAR;
        send_bytes(c, &esc, 1);
        return;
    }
    for (size_t i = 0; what && i < sizeof table / sizeof table[0]; i++) {
        if (!strcasecmp(what, table[i].name)) {
            send_command(c, table[i].cmd);
            return;
        }
    }
    say("usage: send ayt|brk|ip|ao|synch|nop|eof|susp|abort|ec|el|ga|escape\n");
}

/* BSD telnet's "mode": in LINEMODE the EDIT bit, otherwise (kludge) DO/DONT SGA. */
static void cmd_mode(client *c, const char *arg) {
    tn_session *s = session(c);
    if (!arg) {
        say_mode(c);
        return;
    }
    bool line = !strcasecmp(arg, "line");
    if (!line && strcasecmp(arg, "character") && strcasecmp(arg, "char")) {
        say("usage: mode [line|character]\n");
        return;
    }
    tn_result r;
    if (tn_session_input_mode(s) == TN_INPUT_MODE_LINEMODE) {
        uint8_t lm = tn_session_linemode(s);
        lm = line ? (uint8_t)(lm | TN_MODE_EDIT) : (uint8_t)(lm & ~TN_MODE_EDIT);
        r = tn_session_set_linemode(s, lm);
    } else {
        r = tn_session_negotiate(s, TN_OPT_SGA, TN_SIDE_REMOTE, !line);
    }
    say(r == TN_RESULT_OK ? "Asked the server for %s mode.\n" : "Cannot ask for %s mode.\n",
        line ? "line" : "character");
}

/* One line typed at the prompt. */
static void prompt_line(client *c, char *line) {
    char *words[3] = {NULL, NULL, NULL};
    size_t n = 0;
    for (char *w = strtok(line, " \t\r\n"); w && n < 3; w = strtok(NULL, " \t\r\n"))
        words[n++] = w;
    if (n == 0 || !strcasecmp(words[0], "continue") || !strcasecmp(words[0], "c")) {
        leave_prompt(c);
        return;
    }
    if (!strcasecmp(words[0], "close") || !strcasecmp(words[0], "quit")) {
        c->prompt = false;
        flush_held(c);
        close_conn(c, true); /* the closed callback ends the program, exit 0 */
        return;
    } else if (!strcasecmp(words[0], "status")) {
        cmd_status(c);
    } else if (!strcasecmp(words[0], "send")) {
        cmd_send(c, words[1]);
    } else if (!strcasecmp(words[0], "mode")) {
        cmd_mode(c, words[1]);
    } else if (!strcasecmp(words[0], "help") || !strcmp(words[0], "?")) {
        cmd_help();
    } else {
        say("Unknown command '%s'; try 'help'.\n", words[0]);
    }
    if (!c->done && c->prompt)
        show_prompt();
}

/* ------------------------------------------------------------------------------------------ */
/* stdin                                                                                      */

/* Keys typed in the session (interactive). */
static void session_keys(client *c, const uint8_t *p, size_t n) {
    const uint8_t *esc = (const uint8_t *)memchr(p, ESCAPE_CHAR, n);
    send_bytes(c, p, esc ? (size_t)(esc - p) : n);
    if (esc)
        enter_prompt(c); /* what was typed after ^] in the same read is dropped */
}

/* A canonical read of 0 bytes is the EOF character (^D) on an empty line: IAC EOF in
 * LINEMODE, the character itself otherwise, as BSD telnet does. */
static void tty_eof_key(client *c) {
    tn_session *s = session(c);
    if (tn_session_input_mode(s) == TN_INPUT_MODE_LINEMODE) {
        send_command(c, TN_CMD_EOF);
    } else {
        uint8_t ch = c->cc_set[VEOF] ? c->cc_val[VEOF] : c->saved.c_cc[VEOF];
        if (ch == _POSIX_VDISABLE)
            ch = 0x04; /* ^D, the NVT's usual EOF character */
        send_bytes(c, &ch, 1);
    }
}

/* Piped or redirected input: lines go out with NVT line ends (the session turns LF into
 * CR LF); a CR that ends a read waits, so that a CR LF split between reads stays CR LF. */
static void piped_input(client *c, const uint8_t *p, size_t n) {
    uint8_t buf[READ_CHUNK + 1];
    size_t len = 0;
    if (c->held_cr)
        buf[len++] = '\r';
    memcpy(buf + len, p, n);
    len += n;
    c->held_cr = buf[len - 1] == '\r';
    send_bytes(c, buf, c->held_cr ? len - 1 : len);
}

static void stdin_ended(client *c) {
    c->stdin_eof = true;
    c->stdin_more = false;
    if (c->stdin_watched) {
        tn_engine_unwatch_fd(c->engine, c->stdin_watch);
        c->stdin_watched = false;
    }
    if (c->held_cr) {
        c->held_cr = false;
        send_bytes(c, (const uint8_t *)"\r", 1);
    }
    c->quiet_since = now_ms();
}

static bool stdin_readable(void) {
    struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
    int r;
    do
        r = poll(&pfd, 1, 0);
    while (r < 0 && errno == EINTR);
    return r > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL));
}

static void handle_read(client *c, uint8_t *buf, ssize_t n) {
    if (c->prompt) {
        if (n == 0) { /* ^D at the prompt: as BSD telnet's EOF in command mode, close */
            say("\n");
            strcpy((char *)buf, "close");
        } else {
            buf[n] = '\0';
        }
        prompt_line(c, (char *)buf);
    } else if (!c->interactive) {
        if (n == 0)
            stdin_ended(c);
        else
            piped_input(c, buf, (size_t)n);
    } else if (n == 0) {
        if (c->mode_applied && c->applied.edit) {
            tty_eof_key(c);
        } else { /* a raw tty reads 0 only once it hung up */
            stdin_ended(c);
            close_conn(c, false);
            finish(c, EXIT_FAILURE_CONN);
        }
    } else {
        session_keys(c, buf, (size_t)n);
    }
}

/* Reads what stdin has now. Readiness comes from the engine's watch (edge-triggered) or, for a
 * regular file the engine cannot watch, from nothing at all: poll(0) decides either way. */
static void pump_stdin(client *c) {
    c->stdin_more = false;
    if (!c->conn || c->closing || c->stdin_eof || c->done)
        return;
    if (!c->interactive && !c->settled)
        return; /* send the script once the server has said how it wants it */
    for (int round = 0; round < 16; round++) {
        if (!c->prompt && tn_session_output_len(session(c)) > OUTPUT_HIGH_WATER)
            return; /* resumes when the engine reports the socket writable */
        if (!stdin_readable())
            return;
        uint8_t buf[READ_CHUNK + 1];
        ssize_t n = read(STDIN_FILENO, buf, READ_CHUNK);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0) {
            if (errno != EIO)
                fprintf(stderr, PROG ": cannot read stdin: %s\n", strerror(errno));
            n = 0; /* like an end of input */
        }
        handle_read(c, buf, n);
        if (!c->conn || c->closing || c->done || c->stdin_eof)
            return;
    }
    c->stdin_more = true; /* yielded to the engine; read on without waiting for a new edge */
}

/* After stdin ended, without a tty: close once the server has been quiet for a while. */
static int drain_timeout(client *c) {
    if (c->interactive || !c->stdin_eof || !c->conn || c->closing)
        return -1;
    int64_t left = c->quiet_since + DRAIN_QUIET_MS - now_ms();
    if (left > 0)
        return (int)left;
    close_conn(c, true); /* writes what is queued first; the closed callback exits 0 */
    return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* engine callbacks                                                                           */

static void try_next_address(client *c);

static void on_opened(void *ud, tn_conn *conn) {
    client *c = (client *)ud;
    c->conn = conn;
    fprintf(stderr, "Connected to %s.\n", host_port(c));
    if (c->interactive)
        fprintf(stderr, "Escape character is '^]'.\n");
    /* An unwatchable stdin (a regular file) is read without waiting for readiness. */
    c->stdin_more = !c->stdin_watched;
    c->quiet_since = now_ms();
}

static void on_event(void *ud, tn_conn *conn, tn_session *s, const tn_event *ev) {
    client *c = (client *)ud;
    (void)conn;
    switch (ev->kind) {
    case TN_EVENT_KIND_DATA:
        if (tn_session_is_enabled(s, TN_OPT_BINARY, TN_SIDE_REMOTE)) {
            show_data(c, ev->u.data.ptr, ev->u.data.len);
        } else {
            /* On the NVT, NUL is "no operation" (RFC 854); some servers send it as padding
             * (inetutils telnetd after subnegotiations), and a pipe or file would keep it. */
            const uint8_t *p = ev->u.data.ptr, *end = p + ev->u.data.len;
            while (p < end) {
                const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
                const uint8_t *stop = nul ? nul : end;
                if (stop > p)
                    show_data(c, p, (size_t)(stop - p));
                p = stop + (nul != NULL);
            }
        }
        c->quiet_since = now_ms();
        break;
    case TN_EVENT_KIND_EOL:
        show_eol(c, ev->u.eol);
        c->quiet_since = now_ms();
        break;
    case TN_EVENT_KIND_SLC:
        slc_changed(c, ev->u.slc.function, ev->u.slc.flags, ev->u.slc.value);
        break;
    case TN_EVENT_KIND_SETTLED:
        c->settled = true;
        break;
    default:
        /* Option changes, INPUT_MODE, LINEMODE MODE and flow control all reach the terminal
         * through tty_apply() after this poll; the library answers the rest itself. */
        break;
    }
}

static void on_closed(void *ud, tn_conn *conn, tn_close_reason reason, int error) {
    client *c = (client *)ud;
    (void)conn;
    c->conn = NULL;
    flush_held(c);
    tty_restore(c);
    if (c->done)
        return; /* we are already on our way out (signal, error) */
    switch (reason) {
    case TN_CLOSE_REASON_PEER_CLOSED:
        fprintf(stderr, "Connection closed by foreign host.\n");
        finish(c, EXIT_NORMAL);
        break;
    case TN_CLOSE_REASON_CLOSED:
        fprintf(stderr, "Connection closed.\n");
        finish(c, EXIT_NORMAL);
        break;
    case TN_CLOSE_REASON_ERROR:
        fprintf(stderr, PROG ": connection to %s lost: %s\n", host_port(c), strerror(error));
        finish(c, EXIT_FAILURE_CONN);
        break;
    default:
        fprintf(stderr, PROG ": connection to %s closed\n", host_port(c));
        finish(c, EXIT_FAILURE_CONN);
        break;
    }
}

static void on_connect_failed(void *ud, uint64_t tag, int error) {
    client *c = (client *)ud;
    (void)tag;
    if (c->next_addr < c->naddrs) {
        try_next_address(c);
        return;
    }
    fprintf(stderr, PROG ": cannot connect to %s: %s\n", host_port(c), strerror(error));
    finish(c, EXIT_FAILURE_CONN);
}

static void on_fd_ready(void *ud, uint64_t tag, bool readable, bool writable) {
    (void)ud;
    (void)tag;
    (void)readable;
    (void)writable;
    /* Nothing here: the main loop reads stdin after every poll (pump_stdin). */
}

static void on_window_change(client *c) {
    uint16_t cols, rows;
    read_window(&cols, &rows);
    if (cols == c->cols && rows == c->rows)
        return;
    c->cols = cols;
    c->rows = rows;
    if (c->conn) {
        tn_session_set_window_size(session(c), cols, rows); /* NAWS if it is on (RFC 1073) */
    }
}

/* The terminal's INTR/QUIT/SUSP keys, in a mode where the tty turns them into signals. */
static bool trap_signal(client *c, int signo) {
    if (!c->interactive || !c->conn || !c->mode_applied || !c->applied.trapsig)
        return false;
    bool linemode = tn_session_input_mode(session(c)) == TN_INPUT_MODE_LINEMODE;
    switch (signo) {
    case SIGINT: send_command(c, TN_CMD_IP); break;
    /* BSD telnet: QUIT is ABORT in real LINEMODE, BRK otherwise. */
    case SIGQUIT: send_command(c, linemode ? TN_CMD_ABORT : TN_CMD_BRK); break;
    case SIGTSTP: send_command(c, TN_CMD_SUSP); break;
    default: return false;
    }
    return true;
}

static void on_signal(void *ud, int signo) {
    client *c = (client *)ud;
    switch (signo) {
    case SIGWINCH:
        on_window_change(c);
        return;
    case SIGINT:
    case SIGQUIT:
    case SIGTSTP:
        if (c->prompt) {
            if (signo == SIGINT) { /* ^C at the prompt: back to the session */
                say("\n");
                leave_prompt(c);
            }
            return;
        }
        if (trap_signal(c, signo))
            return;
        if (signo == SIGTSTP)
            return; /* suspending would leave the tty raw; not supported */
        break;
    default:
        break;
    }
    /* SIGTERM, SIGHUP, or an INTR/QUIT that no terminal key sent: leave. */
    close_conn(c, false);
    finish(c, 128 + signo);
}

static void try_next_address(client *c) {
    const char *addr = c->addrs[c->next_addr++];
    if (c->naddrs > 1 || strcmp(addr, c->host))
        fprintf(stderr, "Trying %s...\n", addr);
    tn_result r = tn_engine_connect(c->engine, addr, c->port, c->config, CONNECT_TIMEOUT_MS, 0);
    if (r != TN_RESULT_OK) {
        if (c->next_addr < c->naddrs) {
            try_next_address(c);
            return;
        }
        fprintf(stderr, PROG ": cannot connect to %s: %s\n", host_port(c), tn_result_cstr(r));
        finish(c, EXIT_FAILURE_CONN);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* setup and main loop                                                                        */

static void export_var(tn_config *cfg, const char *name, const char *value) {
    /* VAR, as the reference client sends them; the library discloses this list and nothing
     * else, whatever the server asks for (CVE-2005-0488). */
    tn_result r = tn_config_add_environ_export(cfg, TN_VAR_KIND_VAR, name, value);
    if (r != TN_RESULT_OK)
        fprintf(stderr, PROG ": not exporting %s: %s\n", name, tn_result_cstr(r));
}

static tn_config *build_config(const client *c) {
    static const char *const env_names[] = {"LANG", "COLUMNS", "LINES", "COLORTERM"};
    static const char *const charsets[][2] = {
        {"UTF-8", NULL}, {"ISO-8859-1", NULL}, {"IBM437", "CP437"}};
    tn_config *cfg;
    if (tn_config_new_client(&cfg) != TN_RESULT_OK)
        return NULL;
    /* NVT line ends both ways (RFC 854): a typed or piped LF goes out as CR LF, a raw-mode
     * Enter (CR) as CR NUL, and the server's line ends arrive as EOL events. */
    tn_config_set_eol(cfg, TN_EOL_MODE_NVT, TN_EOL_MODE_NVT);
    for (size_t i = 0; i < c->nterms; i++)
        tn_config_add_terminal_type(cfg, c->terms[i]);
    tn_config_set_window_size(cfg, c->cols, c->rows);
    export_var(cfg, "TERM", c->terms[0]);
    for (size_t i = 0; i < sizeof env_names / sizeof env_names[0]; i++) {
        const char *v = getenv(env_names[i]);
        if (v)
            export_var(cfg, env_names[i], v);
    }
    for (size_t i = 0; i < 2 && charsets[c->enc][i]; i++)
        tn_config_add_charset_accept(cfg, charsets[c->enc][i]);
    if (c->tty_saved) {
        /* LINEMODE exports the user's own special characters (BSD slc_export). */
        for (uint8_t f = 1; f <= TN_SLC_FORW2; f++) {
            int idx = slc_cc_index(f);
            if (idx >= 0)
                tn_config_set_slc(cfg, f, c->saved.c_cc[idx], true, _POSIX_VDISABLE);
        }
    }
    return cfg;
}

static void run(client *c) {
    while (!c->done) {
        tty_apply(c);
        pump_stdin(c);
        if (c->done)
            break;
        tty_apply(c);
        int timeout = c->stdin_more ? 0 : drain_timeout(c);
        tn_result r = tn_engine_poll(c->engine, timeout);
        if (r != TN_RESULT_OK) {
            fprintf(stderr, PROG ": event loop failed: %s\n", tn_result_cstr(r));
            finish(c, EXIT_FAILURE_CONN);
        }
    }
}

int main(int argc, char **argv) {
    client *c = &the_client;
    int rc = parse_args(c, argc, argv);
    if (rc >= 0)
        return rc;
    /* A closed stdout gives EPIPE (handled) rather than a death that skips the tty restore. */
    signal(SIGPIPE, SIG_IGN);
    c->interactive = isatty(STDIN_FILENO);
    c->stdout_tty = isatty(STDOUT_FILENO);
    if (c->interactive && tcgetattr(STDIN_FILENO, &c->saved) == 0)
        c->tty_saved = true;
    atexit(restore_at_exit);
    read_window(&c->cols, &c->rows);
    if (!resolve(c))
        return EXIT_FAILURE_CONN;
    c->config = build_config(c);
    if (!c->config) {
        fprintf(stderr, PROG ": cannot make the client configuration\n");
        return EXIT_FAILURE_CONN;
    }
    tn_engine_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.opened = on_opened;
    cb.event = on_event;
    cb.closed = on_closed;
    cb.connect_failed = on_connect_failed;
    cb.fd_ready = on_fd_ready;
    cb.signal = on_signal;
    tn_result r = tn_engine_new(&cb, c, &c->engine);
    if (r != TN_RESULT_OK) {
        fprintf(stderr, PROG ": cannot start: %s\n", tn_result_cstr(r));
        tn_config_free(c->config);
        return EXIT_FAILURE_CONN;
    }
    /* Through the engine's signalfd: a handler never runs half-way through our own code.
     * QUIT and TSTP only with a terminal, where they are its keys. */
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGQUIT, SIGTSTP};
    r = tn_engine_handle_signals(c->engine, sigs, c->interactive ? 6 : 4);
    if (r != TN_RESULT_OK)
        fprintf(stderr, PROG ": cannot handle signals: %s\n", tn_result_cstr(r));
    /* Watched from the start; pump_stdin() ignores it until the connection is open. A regular
     * file or /dev/null cannot be watched (EPERM): reading those never blocks. */
    c->stdin_watched = tn_engine_watch_fd(c->engine, STDIN_FILENO, true, false, 0,
                                          &c->stdin_watch) == TN_RESULT_OK;
    try_next_address(c);
    run(c);
    tn_engine_free(c->engine); /* closes a connection still open; its closed callback runs */
    tn_config_free(c->config);
    tty_restore(c);
    free(c->held);
    return c->exit_code;
}
