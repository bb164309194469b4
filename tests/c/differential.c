/*
 * Differential parsing: the same byte streams through libtelnet (telnet_recv) and through the
 * telnet-rs session (tn_session_feed), both reduced to one event text, compared, together with
 * every byte each side sent in reply.
 *
 *   differential [--count N] [--seed S] [--explain] [--verbose] [--only I]
 *
 * Each stream gets a random option table (a subset of options that both libraries treat as plain
 * options: BINARY ECHO SGA EOR MSDP MSSP ZMP ATCP GMCP), given to libtelnet as its telopt table and
 * to telnet-rs as tn_config_allow; some of them are also requested at the start
 * (telnet_negotiate / tn_config_request), and between chunks the application now and then asks
 * for one on or off (telnet_negotiate / tn_session_negotiate). telnet-rs runs with raw
 * end-of-line handling and the subnegotiation limit of libtelnet's largest buffer (16384), so
 * that both define the same events, and without implicit agreement (a subnegotiation answering
 * a pending request is dropped, as libtelnet does). Both parsers get the stream in the same random chunks.
 *
 * The common event text (one line per event; data runs concatenated):
 *   data HEX                     application data
 *   cmd N                        IAC N (a two-byte command)
 *   stray-se                     IAC SE outside a subnegotiation
 *   opt local|remote N on|off    an option went in or out of effect
 *   sb N HEX                     a subnegotiation of an option in effect
 *   sb-dropped N                 a subnegotiation of an option not in effect
 *   sb-interrupted N             IAC N (not SE, not IAC) inside a subnegotiation
 *   sb-overflow                  a subnegotiation longer than the limit
 *
 * docs/DIFFERENTIAL.md lists what the two define differently, with the RFC reasons. The
 * normalisation above absorbs the differences in representation; four constructs make the
 * parsers' states diverge, and a stream is compared up to the first of them and counted under
 * its name (iac-sb-iac, sb-overflow, mccp2, environ-interrupted); RFC 1143's queued requests,
 * which libtelnet mishandles, are pinned by scenarios with their exact outcomes (rfc1143-queue).
 * Any other difference fails the run. Exit 0 when every stream agreed, 1 otherwise.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h> /* libtelnet.h uses size_t without it */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libtelnet.h>
#include <telnet-rs.h>

#define SB_LIMIT 16384 /* libtelnet's largest subnegotiation buffer */

/* ----- a growing text buffer ----- */

typedef struct {
    char *p;
    size_t len, cap;
} text;

static void text_reserve(text *t, size_t more) {
    if (t->len + more + 1 <= t->cap)
        return;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + more + 1)
        cap *= 2;
    char *p = realloc(t->p, cap);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    t->p = p;
    t->cap = cap;
}

static void text_printf(text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    text_reserve(t, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static void text_hex(text *t, const uint8_t *b, size_t n) {
    text_reserve(t, n * 2);
    for (size_t i = 0; i < n; i++)
        snprintf(t->p + t->len + 2 * i, 3, "%02x", b[i]);
    t->len += 2 * n;
    t->p[t->len] = 0;
}

static void text_bytes(text *t, const uint8_t *b, size_t n) {
    text_reserve(t, n);
    memcpy(t->p + t->len, b, n);
    t->len += n;
    t->p[t->len] = 0;
}

static void text_clear(text *t) {
    t->len = 0;
    if (t->p)
        t->p[0] = 0;
}

/* ----- one side's record: normalised events, pending data, replies ----- */

typedef struct record_s {
    text events;
    text data;    /* data not yet written as an event (runs are concatenated) */
    text replies; /* bytes sent */
    bool local[256], remote[256]; /* options in effect, as this side reported them */
    bool compress;                /* libtelnet switched to MCCP2 decompression */
    bool local_off_asked[256];    /* we sent WONT and wait for the DONT that confirms it */
    bool remote_off_asked[256];   /* we sent DONT and wait for the WONT that confirms it */
    int just_sent_dont;           /* libtelnet's last reply was DONT this option (-1: no) */
    unsigned warnings;            /* warnings the normalisation drops */
} record;

/* Off while the part of a stream past its cut is fed: events there are not compared. */
static bool recording = true;
/* --only N: every event as it happens, for one stream */
static bool tracing = false;
static struct record_s *trace_lt;

static void flush_data(record *r) {
    if (!recording) {
        text_clear(&r->data);
        return;
    }
    if (!r->data.len)
        return;
    text_printf(&r->events, "data ");
    text_hex(&r->events, (const uint8_t *)r->data.p, r->data.len);
    text_printf(&r->events, "\n");
    text_clear(&r->data);
}

static void event(record *r, const char *fmt, ...) {
    char line[256];
    va_list ap;
    flush_data(r);
    if (!recording)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    text_printf(&r->events, "%s\n", line);
    if (tracing)
        printf("    %s %s\n", r == trace_lt ? "libtelnet:" : "telnet-rs:", line);
}

static void sb_event(record *r, unsigned option, const uint8_t *payload, size_t len) {
    if (!recording)
        return;
    if (!r->local[option] && !r->remote[option]) {
        event(r, "sb-dropped %u", option);
        return;
    }
    flush_data(r);
    text_printf(&r->events, "sb %u ", option);
    text_hex(&r->events, payload, len);
    text_printf(&r->events, "\n");
}

static void record_reset(record *r) {
    text_clear(&r->events);
    text_clear(&r->data);
    text_clear(&r->replies);
    memset(r->local, 0, sizeof r->local);
    memset(r->remote, 0, sizeof r->remote);
    memset(r->local_off_asked, 0, sizeof r->local_off_asked);
    memset(r->remote_off_asked, 0, sizeof r->remote_off_asked);
    r->just_sent_dont = -1;
    r->compress = false;
    r->warnings = 0;
}

/* ----- libtelnet ----- */

static void lt_event(record *r, telnet_event_t *ev);

static void lt_handler(telnet_t *t, telnet_event_t *ev, void *ud) {
    record *r = ud;
    (void)t;
    if (ev->type != TELNET_EV_SEND && ev->type != TELNET_EV_WONT)
        r->just_sent_dont = -1;
    lt_event(r, ev);
    if (ev->type == TELNET_EV_WONT)
        r->just_sent_dont = -1;
}

static void lt_event(record *r, telnet_event_t *ev) {
    switch (ev->type) {
    case TELNET_EV_DATA:
        text_bytes(&r->data, (const uint8_t *)ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_SEND:
        if (ev->data.size == 3 && (uint8_t)ev->data.buffer[0] == 255 &&
            (uint8_t)ev->data.buffer[1] == TELNET_DONT)
            r->just_sent_dont = (uint8_t)ev->data.buffer[2];
        /* libtelnet answers an unsolicited WILL TIMING-MARK with DONT TIMING-MARK; telnet-rs
         * ignores it as BSD telnetd does (DIFFERENTIAL.md). */
        if (!recording ||
            (ev->data.size == 3 && memcmp(ev->data.buffer, "\xff\xfe\x06", 3) == 0))
            break;
        text_bytes(&r->replies, (const uint8_t *)ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_IAC:
        if (ev->iac.cmd == TELNET_SE)
            event(r, "stray-se");
        else
            event(r, "cmd %u", ev->iac.cmd);
        break;
    case TELNET_EV_WILL:
        r->remote_off_asked[ev->neg.telopt] = false;
        r->remote[ev->neg.telopt] = true;
        event(r, "opt remote %u on", ev->neg.telopt);
        break;
    case TELNET_EV_WONT:
        /* Either the peer's WONT (libtelnet answered DONT just before, or it confirms our
         * DONT), or the peer's DONT confirming our WONT, which libtelnet mislabels. */
        if (r->just_sent_dont != ev->neg.telopt && !r->remote_off_asked[ev->neg.telopt] &&
            r->local_off_asked[ev->neg.telopt] && r->local[ev->neg.telopt]) {
            /* libtelnet reports the DONT that confirms our WONT as EV_WONT, the remote side:
             * it is the local side that went off (DIFFERENTIAL.md) */
            r->local_off_asked[ev->neg.telopt] = false;
            r->local[ev->neg.telopt] = false;
            event(r, "opt local %u off", ev->neg.telopt);
            break;
        }
        r->remote_off_asked[ev->neg.telopt] = false;
        r->remote[ev->neg.telopt] = false;
        event(r, "opt remote %u off", ev->neg.telopt);
        break;
    case TELNET_EV_DO:
        r->local[ev->neg.telopt] = true;
        event(r, "opt local %u on", ev->neg.telopt);
        break;
    case TELNET_EV_DONT:
        r->local_off_asked[ev->neg.telopt] = false;
        r->local[ev->neg.telopt] = false;
        event(r, "opt local %u off", ev->neg.telopt);
        break;
    case TELNET_EV_SUBNEGOTIATION:
        sb_event(r, ev->sub.telopt, (const uint8_t *)ev->sub.buffer, ev->sub.size);
        break;
    case TELNET_EV_COMPRESS:
        if (ev->compress.state)
            r->compress = true;
        break;
    case TELNET_EV_WARNING:
    case TELNET_EV_ERROR: {
        const char *msg = ev->error.msg ? ev->error.msg : "";
        unsigned byte;
        if (sscanf(msg, "unexpected byte after IAC inside SB: %u", &byte) == 1)
            event(r, "sb-interrupted %u", byte);
        else if (strstr(msg, "subnegotiation buffer size limit reached"))
            event(r, "sb-overflow");
        else
            r->warnings++; /* TTYPE/ENVIRON/MSSP/ZMP payload checks, zlib errors */
        break;
    }
    default: /* TTYPE, ENVIRON, MSSP, ZMP: decoded from a subnegotiation compared above */
        break;
    }
}

/* ----- telnet-rs ----- */

static void rs_handler(void *ud, tn_session *s, const tn_event *ev) {
    record *r = ud;
    (void)s;
    switch (ev->kind) {
    case TN_EVENT_KIND_DATA:
        text_bytes(&r->data, ev->u.data.ptr, ev->u.data.len);
        break;
    case TN_EVENT_KIND_EOL:
        event(r, "eol %u", (unsigned)ev->u.eol); /* raw mode: must never happen */
        break;
    case TN_EVENT_KIND_COMMAND:
        event(r, "cmd %u", ev->u.command);
        break;
    case TN_EVENT_KIND_OPTION_CHANGED: {
        const tn_option_event *o = &ev->u.option;
        bool *state = o->side == TN_SIDE_LOCAL ? r->local : r->remote;
        state[o->option] = o->enabled;
        event(r, "opt %s %u %s", o->side == TN_SIDE_LOCAL ? "local" : "remote", o->option,
              o->enabled ? "on" : "off");
        break;
    }
    case TN_EVENT_KIND_OPTION_REFUSED: /* libtelnet reports nothing for a refusal */
        break;
    case TN_EVENT_KIND_SUBNEGOTIATION:
        sb_event(r, ev->u.subnegotiation.option, ev->u.subnegotiation.payload.ptr,
                 ev->u.subnegotiation.payload.len);
        break;
    case TN_EVENT_KIND_WARNING: {
        const tn_warning_event *w = &ev->u.warning;
        switch (w->code) {
        case TN_WARNING_SUBNEGOTIATION_INTERRUPTED:
            event(r, "sb-interrupted %u", w->byte);
            break;
        case TN_WARNING_SUBNEGOTIATION_TOO_LONG:
            event(r, "sb-overflow");
            break;
        case TN_WARNING_STRAY_SUBNEGOTIATION_END:
            event(r, "stray-se");
            break;
        case TN_WARNING_SUBNEGOTIATION_NOT_ENABLED:
            event(r, "sb-dropped %u", w->option);
            break;
        case TN_WARNING_EMPTY_SUBNEGOTIATION: /* IAC SB IAC SE: only past an iac-sb-iac cut */
            event(r, "sb-empty");
            break;
        case TN_WARNING_MALFORMED_SUBNEGOTIATION:
            /* Options with a wire format telnet-rs checks (NAWS, NEW-ENVIRON, STATUS, ...):
             * never in effect here, so the subnegotiation was dropped. */
            if (w->has_option && !r->local[w->option] && !r->remote[w->option])
                event(r, "sb-dropped %u", w->option);
            else
                event(r, "sb-malformed %u", w->has_option ? w->option : 256u);
            break;
        case TN_WARNING_UNEXPECTED_REPLY:
            /* libtelnet warns too ("DONT answered by WILL"), after its event rather than
             * before; the option events that follow are compared */
            r->warnings++;
            break;
        default:
            event(r, "warning %u", (unsigned)w->code);
            break;
        }
        break;
    }
    case TN_EVENT_KIND_SETTLED:
    case TN_EVENT_KIND_INPUT_MODE:
        break; /* session state, no libtelnet counterpart */
    default:
        event(r, "typed-event %u", (unsigned)ev->kind);
        break;
    }
}

static void rs_drain(tn_session *s, record *r) {
    const uint8_t *p;
    size_t n;
    bool urgent;
    while (tn_session_peek_output(s, &p, &n, &urgent) == TN_RESULT_OK && n) {
        if (recording)
            text_bytes(&r->replies, p, n);
        tn_session_consume_output(s, n);
    }
}

/* ----- random numbers (xorshift64*, deterministic per seed) ----- */

static uint64_t rng_state;
static uint64_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}
static unsigned below(unsigned n) { return n ? (unsigned)(rnd() % n) : 0; }
static bool chance(unsigned percent) { return below(100) < percent; }

/* ----- streams ----- */

typedef struct {
    uint8_t *b;
    size_t len, cap;
} bytes;

static void put(bytes *s, uint8_t c) {
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 512;
        s->b = realloc(s->b, s->cap);
        if (!s->b) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
    }
    s->b[s->len++] = c;
}

static void put2(bytes *s, uint8_t a, uint8_t b) {
    put(s, a);
    put(s, b);
}

/* Options both libraries treat as plain options (no decoding, no side effects). */
static const uint8_t POOL[] = {0, 1, 3, 25, 69, 70, 93, 200, 201};
#define POOL_N (sizeof POOL / sizeof POOL[0])

static uint8_t some_option(void) {
    switch (below(10)) {
    case 0: return (uint8_t)below(256);
    case 1: return (uint8_t)(24 + below(20)); /* TTYPE .. CHARSET: typed in one or both */
    case 2: return 6;                         /* TIMING-MARK */
    default: return POOL[below(POOL_N)];
    }
}

static uint8_t some_command(void) {
    return below(3) ? (uint8_t)(236 + below(14)) /* EOF .. GA, with SE at 240 */
                    : (uint8_t)below(236);       /* unassigned */
}

/* A data run: printable text, control bytes, 8-bit bytes and escaped IACs. */
static void gen_data(bytes *s) {
    unsigned n = 1 + below(24);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = below(20);
        if (k == 0)
            put2(s, 255, 255);
        else if (k < 3)
            put(s, (uint8_t)below(32)); /* CR, LF, NUL, ... */
        else if (k < 5)
            put(s, (uint8_t)(128 + below(127)));
        else
            put(s, (uint8_t)(32 + below(95)));
    }
}

static void gen_payload(bytes *s, unsigned max) {
    unsigned n = below(max + 1);
    for (unsigned i = 0; i < n; i++) {
        uint8_t c = (uint8_t)below(256);
        if (c == 255)
            put2(s, 255, 255);
        else
            put(s, c);
    }
}

/* A well-formed (or deliberately broken, with `adversarial`) token sequence. */
static void gen_structured(bytes *s, bool adversarial) {
    unsigned tokens = 1 + below(16);
    for (unsigned t = 0; t < tokens; t++) {
        unsigned k = below(adversarial ? 16 : 9);
        if (k >= 13) /* mostly ordinary tokens between the odd ones */
            k = below(5);
        switch (k) {
        case 0:
        case 1:
            gen_data(s);
            break;
        case 2:
            put2(s, 255, some_command());
            break;
        case 3:
        case 4:
            put2(s, 255, (uint8_t)(251 + below(4)));
            put(s, some_option());
            break;
        case 5:
        case 6: { /* a subnegotiation */
            uint8_t o = some_option();
            if (o == 255 || o == 86)
                o = POOL[below(POOL_N)];
            put2(s, 255, 250);
            put(s, o);
            gen_payload(s, 40);
            put2(s, 255, 240);
            break;
        }
        case 7: { /* a subnegotiation interrupted by a command or a negotiation */
            uint8_t o = POOL[below(POOL_N)];
            put2(s, 255, 250);
            put(s, o);
            gen_payload(s, 10);
            put(s, 255);
            if (chance(50)) {
                put(s, (uint8_t)(251 + below(4)));
                put(s, some_option());
            } else {
                uint8_t c = some_command();
                put(s, c == 240 ? 241 : c);
            }
            break;
        }
        case 8:
            put2(s, 255, 240); /* stray SE */
            break;
        case 9: /* the option byte is IAC */
            put2(s, 255, 250);
            put(s, 255);
            put(s, below(3) == 0 ? 240 : below(2) ? 255 : some_command());
            gen_payload(s, 6);
            put2(s, 255, 240);
            break;
        case 10: /* MCCP2 */
            put2(s, 255, 250);
            put(s, 86);
            put2(s, 255, 240);
            gen_data(s);
            break;
        case 11: /* a long subnegotiation, sometimes past the limit */
            if (chance(15)) {
                unsigned n = SB_LIMIT - 8 + below(24);
                put2(s, 255, 250);
                put(s, POOL[below(POOL_N)]);
                for (unsigned i = 0; i < n; i++)
                    put(s, (uint8_t)(below(2) ? 'x' : below(255)));
                put2(s, 255, 240);
            } else {
                gen_data(s);
            }
            break;
        default: /* a lone IAC before something odd, or at the very end */
            put(s, 255);
            if (chance(70))
                put(s, (uint8_t)below(256));
            break;
        }
    }
}

/* Bytes drawn with the special ones over-represented. */
static void gen_random(bytes *s) {
    static const uint8_t special[] = {255, 255, 255, 250, 240, 251, 252, 253, 254, 241, 0, 13, 10};
    unsigned n = 1 + below(300);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = below(10);
        if (k < 4)
            put(s, special[below(sizeof special)]);
        else if (k < 6)
            put(s, POOL[below(POOL_N)]);
        else
            put(s, (uint8_t)below(256));
    }
}

/* ----- where the parsers' states diverge ----- */

enum cut { CUT_NONE, CUT_IAC_SB_IAC, CUT_OVERFLOW, CUT_MCCP2, CUT_ENVIRON, CUT_KINDS };
static const char *const CUT_NAMES[CUT_KINDS] = {"full", "iac-sb-iac", "sb-overflow", "mccp2",
                                                 "environ-interrupted"};

/* Scans the stream with the syntax both share; returns the first construct after which they
 * diverge and sets *upto to the number of bytes that are compared (up to and including the
 * byte where both still define the same events). */
static enum cut find_cut(const uint8_t *b, size_t n, size_t *upto) {
    enum { D, I, V, SO, S, SI } st = D;
    unsigned opt = 0;
    int first = -1; /* the first payload byte */
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = b[i];
        switch (st) {
        case D:
            if (c == 255)
                st = I;
            break;
        case I:
            st = (c >= 251 && c <= 254) ? V : c == 250 ? SO : D;
            break;
        case V:
            st = D;
            break;
        case SO:
            if (c == 255) {
                *upto = i; /* compare what came before this IAC */
                return CUT_IAC_SB_IAC;
            }
            opt = c;
            len = 0;
            first = -1;
            st = S;
            break;
        case S:
            if (c == 255) {
                st = SI;
                break;
            }
            if (first < 0)
                first = c;
            if (++len > SB_LIMIT) {
                *upto = i + 1;
                return CUT_OVERFLOW;
            }
            break;
        case SI:
            if (c == 240) {
                if (opt == 86) {
                    *upto = i + 1;
                    return CUT_MCCP2;
                }
                st = D;
            } else if (c == 255) {
                if (first < 0)
                    first = 255;
                if (++len > SB_LIMIT) {
                    *upto = i + 1;
                    return CUT_OVERFLOW;
                }
                st = S;
            } else {
                if (opt == 86) { /* libtelnet inflates instead of taking the command */
                    *upto = i;
                    return CUT_MCCP2;
                }
                if ((opt == 36 || opt == 39) && first >= 0 && first <= 2) {
                    /* libtelnet decodes the ENVIRON IS/SEND/INFO, then drops this command
                     * byte and reads the next one as a command */
                    *upto = i;
                    return CUT_ENVIRON;
                }
                /* interrupted: the byte is a command after IAC */
                st = (c >= 251 && c <= 254) ? V : c == 250 ? SO : D;
            }
            break;
        }
    }
    *upto = n;
    return CUT_NONE;
}

/* ----- one comparison ----- */

typedef struct {
    uint8_t option;
    bool will, doo; /* us = WILL, him = DO */
} entry;

typedef struct {
    entry table[POOL_N];
    size_t n;
    uint8_t plan_opt[POOL_N * 2];
    bool plan_local[POOL_N * 2];
    size_t plan_n;
    uint32_t role;
} setup;

static void random_setup(setup *su) {
    su->n = 0;
    su->plan_n = 0;
    su->role = below(2) ? TN_ROLE_SERVER : TN_ROLE_CLIENT;
    for (size_t i = 0; i < POOL_N; i++) {
        if (chance(40))
            continue;
        entry e = {POOL[i], chance(60), chance(60)};
        su->table[su->n++] = e;
        if (e.will && chance(30)) {
            su->plan_opt[su->plan_n] = e.option;
            su->plan_local[su->plan_n++] = true;
        }
        if (e.doo && chance(30)) {
            su->plan_opt[su->plan_n] = e.option;
            su->plan_local[su->plan_n++] = false;
        }
    }
}

static record lt_rec, rs_rec;

/* A request the application makes between two chunks, on both sides alike. */
typedef struct {
    bool any;
    uint8_t option;
    bool local, enable;
    bool force; /* even while a request on that side is pending */
} action;

static void apply(const action *a, telnet_t *lt, tn_session *rs) {
    if (!a->any)
        return;
    /* Not while a request on that side is pending: libtelnet mishandles the queued opposite
     * request of RFC 1143 (DIFFERENTIAL.md); the named cases show it. */
    tn_option_state st;
    tn_session_option_state(rs, a->option, a->local ? TN_SIDE_LOCAL : TN_SIDE_REMOTE, &st);
    if (!a->force && (st.state == TN_Q_STATE_WANT_NO || st.state == TN_Q_STATE_WANT_YES))
        return;
    if (tracing)
        printf("  action: %s %u %s\n", a->local ? "local" : "remote", a->option,
               a->enable ? "on" : "off");
    unsigned char verb = a->local ? (a->enable ? TELNET_WILL : TELNET_WONT)
                                  : (a->enable ? TELNET_DO : TELNET_DONT);
    /* Not an off request while the other side's off request is pending: libtelnet's events
     * could not be told apart (point 3 of DIFFERENTIAL.md). */
    if (!a->enable) {
        tn_option_state other;
        tn_session_option_state(rs, a->option, a->local ? TN_SIDE_REMOTE : TN_SIDE_LOCAL,
                                &other);
        if (other.state == TN_Q_STATE_WANT_NO)
            return;
    }
    /* An off request sends something only from YES (a no-op otherwise, on both sides). */
    bool asks_off = !a->enable && st.state == TN_Q_STATE_YES;
    if (a->local)
        lt_rec.local_off_asked[a->option] = asks_off;
    else
        lt_rec.remote_off_asked[a->option] = asks_off;
    telnet_negotiate(lt, verb, a->option);
    tn_result r = tn_session_negotiate(rs, a->option, a->local ? TN_SIDE_LOCAL : TN_SIDE_REMOTE,
                                       a->enable);
    if (r != TN_RESULT_OK) {
        fprintf(stderr, "tn_session_negotiate: %s\n", tn_result_cstr(r));
        exit(2);
    }
}

/* Feeds b[0..n) to both in the chunks given by `cuts` (sorted offsets); then flushes. */
static bool run(const setup *su, const uint8_t *b, size_t n, size_t compare, const size_t *splits,
                size_t nsplits, const action *actions, bool *compressed) {
    telnet_telopt_t telopts[POOL_N + 1];
    for (size_t i = 0; i < su->n; i++) {
        telopts[i].telopt = su->table[i].option;
        telopts[i].us = su->table[i].will ? TELNET_WILL : TELNET_WONT;
        telopts[i].him = su->table[i].doo ? TELNET_DO : TELNET_DONT;
    }
    telopts[su->n].telopt = -1;
    telopts[su->n].us = 0;
    telopts[su->n].him = 0;

    record_reset(&lt_rec);
    record_reset(&rs_rec);

    telnet_t *lt = telnet_init(telopts, lt_handler, 0, &lt_rec);
    tn_config *cfg = NULL;
    tn_session *rs = NULL;
    if (!lt || tn_config_new(su->role, &cfg) != TN_RESULT_OK) {
        fprintf(stderr, "cannot make the parsers\n");
        exit(2);
    }
    for (size_t i = 0; i < su->n; i++) {
        if (su->table[i].will)
            tn_config_allow(cfg, su->table[i].option, TN_SIDE_LOCAL);
        if (su->table[i].doo)
            tn_config_allow(cfg, su->table[i].option, TN_SIDE_REMOTE);
    }
    for (size_t i = 0; i < su->plan_n; i++) {
        tn_config_request(cfg, su->plan_opt[i], su->plan_local[i] ? TN_SIDE_LOCAL : TN_SIDE_REMOTE);
        telnet_negotiate(lt, su->plan_local[i] ? TELNET_WILL : TELNET_DO, su->plan_opt[i]);
    }
    tn_config_set_eol(cfg, TN_EOL_MODE_RAW, TN_EOL_MODE_RAW);
    tn_config_set_max_subnegotiation(cfg, SB_LIMIT);
    /* libtelnet drops a subnegotiation of an option that is only requested; telnet-rs by default
     * takes it as the peer's agreement (DIFFERENTIAL.md): compare with the strict behaviour. */
    tn_config_set_implicit_agreement(cfg, false);
    tn_config_set_kludge_probe(cfg, false);
    if (tn_session_new(cfg, rs_handler, &rs_rec, &rs) != TN_RESULT_OK) {
        fprintf(stderr, "cannot make a session\n");
        exit(2);
    }
    tn_config_free(cfg);
    tn_session_start(rs);
    rs_drain(rs, &rs_rec);

    /* The compared prefix, chunk by chunk. */
    size_t pos = 0;
    for (size_t k = 0; k <= nsplits && pos < compare; k++) {
        size_t end = k < nsplits ? splits[k] : compare;
        if (end > compare)
            end = compare;
        if (actions && k > 0) {
            apply(&actions[k], lt, rs);
            rs_drain(rs, &rs_rec);
        }
        if (end <= pos)
            continue;
        if (tracing) {
            printf("  chunk:");
            for (size_t x = pos; x < end; x++)
                printf(" %02x", b[x]);
            printf("\n");
        }
        telnet_recv(lt, (const char *)b + pos, end - pos);
        size_t used = 0;
        tn_result r = tn_session_feed(rs, b + pos, end - pos, &used);
        if (r != TN_RESULT_OK || used != end - pos) {
            fprintf(stderr, "tn_session_feed: %s (%zu of %zu)\n", tn_result_cstr(r), used,
                    end - pos);
            exit(2);
        }
        rs_drain(rs, &rs_rec);
        pos = end;
    }
    flush_data(&lt_rec);
    flush_data(&rs_rec);
    bool same = lt_rec.events.len == rs_rec.events.len &&
                memcmp(lt_rec.events.p ? lt_rec.events.p : "",
                       rs_rec.events.p ? rs_rec.events.p : "", lt_rec.events.len) == 0 &&
                lt_rec.replies.len == rs_rec.replies.len &&
                memcmp(lt_rec.replies.p ? lt_rec.replies.p : "",
                       rs_rec.replies.p ? rs_rec.replies.p : "", lt_rec.replies.len) == 0;
    *compressed = lt_rec.compress;

    /* The rest is fed too (both must survive it), but not compared. */
    recording = false;
    if (compare < n) {
        telnet_recv(lt, (const char *)b + compare, n - compare);
        size_t off = compare;
        while (off < n) {
            size_t used = 0;
            tn_result r = tn_session_feed(rs, b + off, n - off, &used);
            rs_drain(rs, &rs_rec);
            if (r != TN_RESULT_OK && r != TN_RESULT_WOULD_BLOCK) {
                fprintf(stderr, "tn_session_feed (rest): %s\n", tn_result_cstr(r));
                exit(2);
            }
            off += used;
        }
    }
    telnet_free(lt);
    tn_session_free(rs);
    recording = true;
    return same;
}

static void print_setup(const setup *su) {
    printf("  role %s; table:", su->role == TN_ROLE_SERVER ? "server" : "client");
    for (size_t i = 0; i < su->n; i++)
        printf(" %u(%s%s)", su->table[i].option, su->table[i].will ? "W" : "-",
               su->table[i].doo ? "D" : "-");
    printf("; plan:");
    for (size_t i = 0; i < su->plan_n; i++)
        printf(" %s %u", su->plan_local[i] ? "WILL" : "DO", su->plan_opt[i]);
    printf("\n");
}

static void print_hex_line(const char *label, const uint8_t *b, size_t n) {
    printf("  %s (%zu):", label, n);
    for (size_t i = 0; i < n && i < 400; i++)
        printf(" %02x", b[i]);
    printf("%s\n", n > 400 ? " ..." : "");
}

static void print_records(void) {
    printf("  libtelnet events:\n%s", lt_rec.events.p ? lt_rec.events.p : "");
    print_hex_line("libtelnet replies", (const uint8_t *)lt_rec.replies.p, lt_rec.replies.len);
    printf("  telnet-rs events:\n%s", rs_rec.events.p ? rs_rec.events.p : "");
    print_hex_line("telnet-rs replies", (const uint8_t *)rs_rec.replies.p, rs_rec.replies.len);
}

/* ----- named cases: the documented differences, one example each ----- */

typedef struct {
    const char *name;
    const char *hex;
    enum cut expect;
} named_case;

static const named_case CASES[] = {
    {"plain data, IAC IAC, NUL and CR", "61 62 ff ff 63 0d 00 0d 0a 00", CUT_NONE},
    {"two-byte commands, assigned and not", "ff f1 ff f4 ff f9 ff 05 ff ec", CUT_NONE},
    {"stray IAC SE", "61 ff f0 62", CUT_NONE},
    {"negotiation of an allowed and a refused option", "ff fb 01 ff fd 03 ff fb 63 ff fd 63",
     CUT_NONE},
    {"unsolicited WILL TIMING-MARK, DO TIMING-MARK", "ff fb 06 ff fd 06 ff fc 06", CUT_NONE},
    {"subnegotiation of an option in effect", "ff fb 01 ff fa 01 41 ff ff 42 ff f0", CUT_NONE},
    {"subnegotiation of an option not in effect", "ff fa 18 00 78 74 65 72 6d ff f0", CUT_NONE},
    {"subnegotiation interrupted by a command", "ff fb 01 ff fa 01 41 ff f1 42", CUT_NONE},
    {"subnegotiation interrupted by WILL", "ff fb 01 ff fa 01 41 ff fb 03 42", CUT_NONE},
    {"IAC SB IAC IAC: option 255 (EXOPL)", "ff fa ff ff 01 02 ff f0 61", CUT_IAC_SB_IAC},
    {"IAC SB IAC SE: no option byte", "ff fa ff f0 61 62", CUT_IAC_SB_IAC},
    {"IAC SB IAC NOP", "ff fa ff f1 61 62", CUT_IAC_SB_IAC},
    {"MCCP2 start, not negotiated", "ff fa 56 ff f0 78 9c 61 62", CUT_MCCP2},
    {"NEW-ENVIRON IS interrupted by NOP", "ff fa 27 00 ff f1 7a 79", CUT_ENVIRON},
    {"subnegotiation past 16384 bytes", "", CUT_OVERFLOW},
};

static bool parse_hex(const char *hex, bytes *out) {
    out->len = 0;
    while (*hex) {
        while (*hex == ' ')
            hex++;
        if (!*hex)
            break;
        unsigned v;
        if (sscanf(hex, "%2x", &v) != 1)
            return false;
        put(out, (uint8_t)v);
        hex += 2;
    }
    return true;
}

/* RFC 1143's queued opposite request: the application changes its mind while a request is
 * pending. libtelnet reports these outcomes on the wrong side and does not send the queued
 * request; telnet-rs follows RFC 1143. Each scenario: a stream cut in two at `at`, with two
 * requests made there (the second queued behind the first), and the exact outcome of each. */
typedef struct {
    const char *name;
    const char *hex;
    size_t at;
    action first, second;
    const char *lt_events, *lt_replies, *rs_events, *rs_replies;
} scenario;

static const scenario SCENARIOS[] = {
    {"WONT confirmed by DONT (no queued request)", "ff fd 5d ff fe 5d", 3,
     {true, 93, true, false, true}, {false, 0, false, false, false},
     "opt local 93 on\nopt local 93 off\n", "fffb5dfffc5d",
     "opt local 93 on\nopt local 93 off\n", "fffb5dfffc5d"},
    {"DONT pending, DO queued, peer answers WONT", "ff fb 5d ff fc 5d", 3,
     {true, 93, false, false, true}, {true, 93, false, true, true},
     "opt remote 93 on\nopt local 93 on\n", "fffd5dfffe5d",
     "opt remote 93 on\nopt remote 93 off\n", "fffd5dfffe5dfffd5d"},
    {"WONT pending, WILL queued, peer answers DONT", "ff fd 5d ff fe 5d", 3,
     {true, 93, true, false, true}, {true, 93, true, true, true},
     "opt local 93 on\nopt remote 93 on\n", "fffb5dfffc5dfffb5d",
     "opt local 93 on\nopt local 93 off\n", "fffb5dfffc5dfffb5d"},
};

static bool hex_equal(const text *t, const char *hex) {
    size_t n = strlen(hex) / 2;
    if (t->len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1 || (uint8_t)t->p[i] != v)
            return false;
    }
    return true;
}

static setup explain_setup(void) {
    setup su;
    memset(&su, 0, sizeof su);
    su.role = TN_ROLE_SERVER;
    entry e1 = {1, true, true}, e3 = {3, true, true}, e0 = {0, true, true}, e93 = {93, true, true};
    su.table[0] = e1;
    su.table[1] = e3;
    su.table[2] = e0;
    su.table[3] = e93;
    su.n = 4;
    return su;
}

int main(int argc, char **argv) {
    unsigned long count = 60000, seed = (unsigned long)time(NULL), only = (unsigned long)-1;
    bool explain = false, verbose = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--explain"))
            explain = true;
        else if (!strcmp(argv[i], "--verbose"))
            verbose = true;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = strtoul(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: %s [--count N] [--seed S] [--explain] [--verbose] [--only I]\n",
                    argv[0]);
            return 2;
        }
    }
    printf("libtelnet differential: telnet-rs %s, seed %lu, %lu streams\n", tn_version_cstr(),
           seed, count);

    unsigned long failures = 0, cuts[CUT_KINDS] = {0}, bytes_compared = 0, events = 0;
    bytes s = {0};

    /* The named cases, each with its expected outcome. */
    for (size_t c = 0; c < sizeof CASES / sizeof CASES[0]; c++) {
        setup su = explain_setup();
        if (!parse_hex(CASES[c].hex, &s)) {
            fprintf(stderr, "bad case %s\n", CASES[c].name);
            return 2;
        }
        if (CASES[c].expect == CUT_OVERFLOW) { /* IAC WILL ECHO, SB ECHO with 16390 bytes */
            s.len = 0;
            put(&s, 255), put(&s, 251), put(&s, 1), put(&s, 255), put(&s, 250), put(&s, 1);
            for (int k = 0; k < SB_LIMIT + 6; k++)
                put(&s, (uint8_t)('a' + k % 26));
            put(&s, 255), put(&s, 240), put(&s, 'o'), put(&s, 'k');
        }
        size_t upto;
        enum cut k = find_cut(s.b, s.len, &upto);
        bool compressed;
        bool same = run(&su, s.b, s.len, upto, NULL, 0, NULL, &compressed);
        bool ok = same && k == CASES[c].expect;
        printf("case %-48s %s (%s)\n", CASES[c].name, ok ? "ok" : "DIFFERENT", CUT_NAMES[k]);
        if (!ok || explain) {
            print_hex_line("stream", s.b, s.len);
            printf("  compared %zu bytes\n", upto);
            print_records();
            if (k != CUT_NONE) { /* what each does with the whole stream */
                run(&su, s.b, s.len, s.len, NULL, 0, NULL, &compressed);
                printf("  -- the whole stream:\n");
                print_records();
            }
        }
        if (!ok)
            failures++;
    }

    /* The RFC 1143 queue scenarios, each with its exact (different) outcome. */
    for (size_t c = 0; c < sizeof SCENARIOS / sizeof SCENARIOS[0]; c++) {
        const scenario *sc = &SCENARIOS[c];
        setup su = explain_setup();
        parse_hex(sc->hex, &s);
        size_t at[2] = {sc->at, sc->at};
        action acts[3];
        memset(acts, 0, sizeof acts);
        acts[1] = sc->first;
        acts[2] = sc->second;
        bool compressed;
        run(&su, s.b, s.len, s.len, at, 2, acts, &compressed);
        bool ok = !strcmp(lt_rec.events.p ? lt_rec.events.p : "", sc->lt_events) &&
                  !strcmp(rs_rec.events.p ? rs_rec.events.p : "", sc->rs_events) &&
                  hex_equal(&lt_rec.replies, sc->lt_replies) &&
                  hex_equal(&rs_rec.replies, sc->rs_replies);
        printf("case %-48s %s (rfc1143-queue)\n", sc->name, ok ? "ok" : "DIFFERENT");
        if (!ok || explain) {
            print_hex_line("stream", s.b, s.len);
            printf("  after byte %zu: %s %u %s", sc->at, sc->first.local ? "local" : "remote",
                   sc->first.option, sc->first.enable ? "on" : "off");
            if (sc->second.any)
                printf(", then %s %u %s", sc->second.local ? "local" : "remote",
                       sc->second.option, sc->second.enable ? "on" : "off");
            printf("\n");
            print_records();
        }
        if (!ok)
            failures++;
    }

    rng_state = seed * 2654435761UL + 1;
    size_t splits[64];
    for (unsigned long i = 0; i < count; i++) {
        s.len = 0;
        unsigned family = below(3);
        if (family == 0)
            gen_random(&s);
        else
            gen_structured(&s, family == 2);
        setup su;
        random_setup(&su);
        size_t nsplits = 0;
        if (s.len > 1) {
            size_t want = below(2) ? 0 : 1 + below(8);
            for (size_t k = 0; k < want && nsplits < 64; k++)
                splits[nsplits++] = 1 + below((unsigned)s.len - 1);
            /* sort */
            for (size_t a = 1; a < nsplits; a++)
                for (size_t b2 = a; b2 > 0 && splits[b2 - 1] > splits[b2]; b2--) {
                    size_t t = splits[b2];
                    splits[b2] = splits[b2 - 1];
                    splits[b2 - 1] = t;
                }
            if (chance(5)) { /* one byte at a time */
                nsplits = 0;
                for (size_t k = 1; k < s.len && nsplits < 64; k++)
                    splits[nsplits++] = k;
            }
        }
        /* Between chunks, now and then, the application asks for an option on or off (only
         * options the table allows on that side, so both refuse and accept alike later). */
        action actions[65];
        memset(actions, 0, sizeof actions);
        for (size_t k2 = 1; k2 <= nsplits && su.n; k2++) {
            if (!chance(25))
                continue;
            const entry *e = &su.table[below((unsigned)su.n)];
            action *a = &actions[k2];
            a->local = below(2);
            a->enable = below(2);
            if (a->enable && !(a->local ? e->will : e->doo))
                continue;
            a->any = true;
            a->option = e->option;
        }
        size_t upto;
        enum cut k = find_cut(s.b, s.len, &upto);
        bool compressed;
        tracing = i == only;
        trace_lt = &lt_rec;
        if (tracing)
            print_setup(&su);
        bool same = run(&su, s.b, s.len, upto, splits, nsplits, actions, &compressed);
        tracing = false;
        if (compressed && k != CUT_MCCP2)
            same = false; /* libtelnet decompressing inside the compared part */
        cuts[k]++;
        bytes_compared += upto;
        for (size_t e = 0; e < lt_rec.events.len; e++)
            events += lt_rec.events.p[e] == '\n';
        if (!same) {
            failures++;
            if (failures <= 5 || verbose) {
                printf("DIFFERENT: stream %lu (family %u, %s)\n", i, family, CUT_NAMES[k]);
                print_setup(&su);
                print_hex_line("stream", s.b, s.len);
                printf("  compared %zu bytes, chunks at", upto);
                for (size_t x = 0; x < nsplits; x++) {
                    printf(" %zu", splits[x]);
                    if (actions[x + 1].any)
                        printf("(%s %u %s)", actions[x + 1].local ? "local" : "remote",
                               actions[x + 1].option, actions[x + 1].enable ? "on" : "off");
                }
                printf("\n");
                print_records();
            }
        }
    }
    free(s.b);
    free(lt_rec.events.p);
    free(lt_rec.data.p);
    free(lt_rec.replies.p);
    free(rs_rec.events.p);
    free(rs_rec.data.p);
    free(rs_rec.replies.p);
    printf("streams %lu, bytes compared %lu, events compared %lu\n", count, bytes_compared,
           events);
    printf("compared whole: %lu; compared up to iac-sb-iac: %lu, sb-overflow: %lu, mccp2: %lu, "
           "environ-interrupted: %lu\n",
           cuts[CUT_NONE], cuts[CUT_IAC_SB_IAC], cuts[CUT_OVERFLOW], cuts[CUT_MCCP2],
           cuts[CUT_ENVIRON]);
    printf("differences outside the allow-list: %lu\n", failures);
    return failures ? 1 : 0;
}
