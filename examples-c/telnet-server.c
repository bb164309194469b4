/*
 * telnet-server: the telnet-rs demo shell ("tel:sh"), after the reference library's demo server.
 *
 * Connect with `telnet 127.0.0.1 6023`. The server negotiates like BSD telnetd, offers character
 * sets, waits until the opening negotiation settles, greets, and then runs a small shell whose
 * commands show and change the session's Telnet state: `status`, `slc`, `toggle ...`,
 * `set CHARSET=...`. It is meant to be read as an example of the engine API (tn_engine_*,
 * tn_conn_*, tn_session_*) as much as to be run.
 *
 * Who edits the input line depends on the negotiated input mode:
 * - character mode (we WILL ECHO and WILL SGA): the client sends each key; the server echoes and
 *   edits (DEL/BS, ^U, ^W, ^C, ^D arrive as TN_EVENT_KIND_SLC_FUNCTION through SLC simulation);
 * - LINEMODE with EDIT, or NVT line mode: the client edits and sends whole lines; the server
 *   stops echoing (as BSD telnetd does) so the client echoes locally, and only collects lines.
 */
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

#define PROG "telnet-server"
#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT 6023
#define PROMPT "tel:sh> "
#define LINE_CAP 512      /* longest command line kept; longer input rings the bell */
#define TYPEAHEAD_CAP 4096
#define SHOW_MAX 200      /* bytes of one client-sent value that status shows */
#define FD_HEADROOM 32    /* descriptors the engine needs besides its connections */
#define MAX_SESSIONS 1000 /* a demo shell; the talker shows the thousands */
#define INTERRUPT_DELAY_MS 50
#define TIMER_INTERRUPT 1

/* ------------------------------------------------------------------------------------------ */
/* A growable text buffer for command output (status can be several kilobytes).                */

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void text_put(text *t, const char *s, size_t n) {
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->p, cap);
        if (!p) /* out of memory: drop the rest of the output rather than the process */
            return;
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void text_printf(text *t, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        text_put(t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Appends bytes the client sent (environment, terminal type, X display), made safe to show:
 * printable ASCII as is, everything else as \xNN, so a client can never make us write escape
 * sequences or other control bytes to a terminal. Long values are cut (with "...") so that a
 * client's 64 variables of 1 KiB each still make a status that fits the output queue. */
static void text_escaped(text *t, const uint8_t *p, size_t n) {
    bool cut = n > SHOW_MAX;
    if (cut)
        n = SHOW_MAX;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\')
            text_put(t, "\\\\", 2);
        else if (p[i] == '"')
            text_put(t, "\\\"", 2);
        else if (p[i] >= 0x20 && p[i] < 0x7f)
            text_put(t, (const char *)&p[i], 1);
        else
            text_printf(t, "\\x%02x", p[i]);
    }
    if (cut)
        text_put(t, "...", 3);
}

static void text_free(text *t) {
    free(t->p);
    t->p = NULL;
    t->len = t->cap = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* One connection's shell.                                                                      */

typedef struct shell {
    tn_conn *conn;
    tn_session *s;
    struct shell *prev, *next;
    char peer[64];
    char line[LINE_CAP];
    size_t len;
    bool greeted;      /* SETTLED arrived, greeting and first prompt sent */
    /* Input typed before the greeting (lines a client sends as soon as it is connected), run
     * right after it. */
    char ahead[TYPEAHEAD_CAP];
    size_t ahead_len;
    bool closing;      /* quit or shutdown: ignore further input */
    bool output_lost;  /* a send did not fit in the output queue */
    bool echo_auto_off;   /* we turned ECHO off because the client edits; turn it back on later */
    int input_key;        /* input mode (and EDIT bit) the echo policy last looked at, -1 none */
    int esc;              /* escape-sequence filter state, see filter_escape */
    bool lflow_on;        /* what we last told a LFLOW client */
    bool xon_any;
    bool after_cr;        /* BINARY input: the last data byte was a CR */
    bool interrupted;     /* an IAC IP waits for its prompt, see on_interrupt */
    bool have_eol;
    tn_eol last_eol;
} shell;

typedef struct server {
    tn_engine *engine;
    shell *shells; /* every open connection, for the shutdown notice */
    bool stopping;
} server;

static bool echoing(const shell *sh) {
    return tn_session_is_enabled(sh->s, TN_OPT_ECHO, TN_SIDE_LOCAL);
}

/* Whether we show the user's editing ourselves: only once greeted, and only while we echo. */
static bool visual(const shell *sh) {
    return sh->greeted && echoing(sh);
}

/* Queues bytes as they are. The engine caps each connection's queue (256 KiB); a client that
 * lets that much output pile up while still sending commands is not reading, so the output is
 * marked lost and the connection aborted (see check_output) instead of letting memory grow or
 * sending a cut-off answer. */
static void send_bytes(shell *sh, const char *p, size_t n) {
    size_t took = 0;
    if (sh->output_lost || n == 0)
        return;
    tn_result r = tn_conn_send(sh->conn, (const uint8_t *)p, n, &took);
    if (r != TN_RESULT_OK || took < n)
        sh->output_lost = true;
}

/* Queues text, writing every "\n" as CR LF. The session's NVT output mode would translate a bare
 * LF too, but not in BINARY mode, where bytes pass untouched; CR LF is right in both. */
static void send_text(shell *sh, const char *p, size_t n) {
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\n')
            continue;
        send_bytes(sh, p + start, i - start);
        send_bytes(sh, "\r\n", 2);
        start = i + 1;
    }
    send_bytes(sh, p + start, n - start);
}

static void say(shell *sh, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        send_text(sh, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* The prompt, ended with IAC EOR or IAC GA as negotiated, so MUD-style clients know where the
 * prompt stops (tn_session_mark_prompt sends nothing when go-ahead is suppressed). */
static void prompt(shell *sh) {
    send_bytes(sh, PROMPT, strlen(PROMPT));
    if (tn_session_mark_prompt(sh->s, NULL) == TN_RESULT_WOULD_BLOCK)
        sh->output_lost = true;
}

/* Prompt plus what the user has typed so far, after a notice or a reprint (^R). */
static void reprompt(shell *sh) {
    prompt(sh);
    if (echoing(sh))
        send_bytes(sh, sh->line, sh->len);
}

/* Something happened while the user sat at the prompt: show it on a line of its own and put
 * the prompt back. Before the greeting there is no prompt to disturb; the status shows it. */
static void notice(shell *sh, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    if (!sh->greeted || sh->closing)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    say(sh, "\n[%s]\n", buf);
    reprompt(sh);
}

/* ------------------------------------------------------------------------------------------ */
/* Echo policy.                                                                                 */

/* Whether the client edits lines itself: real LINEMODE with the EDIT bit, or NVT line mode. In
 * LINEMODE without EDIT the client sends characters, as in character mode. */
static bool client_edits(const shell *sh) {
    switch (tn_session_input_mode(sh->s)) {
    case TN_INPUT_MODE_LINEMODE:
        return (tn_session_linemode(sh->s) & TN_MODE_EDIT) != 0;
    case TN_INPUT_MODE_CHARACTER:
        return false;
    default:
        return true;
    }
}

/* When the client edits, it must also echo, or its user types blind: BSD telnetd sends WONT ECHO
 * in linemode for the same reason. When the server edits again, echo comes back. Runs when the
 * input mode changes, so an explicit `toggle echo` stands until the next change. */
static void apply_echo_policy(shell *sh) {
    int key = (int)tn_session_input_mode(sh->s) * 2 + (client_edits(sh) ? 1 : 0);
    if (key == sh->input_key)
        return;
    sh->input_key = key;
    if (client_edits(sh)) {
        tn_option_state st;
        tn_session_option_state(sh->s, TN_OPT_ECHO, TN_SIDE_LOCAL, &st);
        if (st.state == TN_Q_STATE_YES || st.state == TN_Q_STATE_WANT_YES) {
            tn_session_negotiate(sh->s, TN_OPT_ECHO, TN_SIDE_LOCAL, false);
            sh->echo_auto_off = true;
        }
    } else if (sh->echo_auto_off) {
        tn_session_negotiate(sh->s, TN_OPT_ECHO, TN_SIDE_LOCAL, true);
        sh->echo_auto_off = false;
    }
}

static const char *input_mode_name(const shell *sh) {
    switch (tn_session_input_mode(sh->s)) {
    case TN_INPUT_MODE_LINEMODE:
        return client_edits(sh) ? "linemode (your client edits lines)"
                                : "linemode, character at a time (the server edits)";
    case TN_INPUT_MODE_CHARACTER:
        return "character mode (the server echoes and edits)";
    default:
        return "line mode (your client edits lines)";
    }
}

/* The shell's special characters: configured into the session (tn_config_set_slc), so that SLC
 * simulation maps them and LINEMODE offers them, and shown by `slc` outside LINEMODE (the
 * session only reports the negotiated table, which is empty then). The flush bits are the BSD
 * ones, which the library keeps for these functions. */
static const struct {
    uint8_t function, value, flags;
    const char *action;
} SHELL_SLC[] = {
    {TN_SLC_IP, 0x03, TN_SLC_LEVEL_VALUE | TN_SLC_FLUSHIN | TN_SLC_FLUSHOUT, "cancels the line"},
    {TN_SLC_AO, 0x0f, TN_SLC_LEVEL_VALUE | TN_SLC_FLUSHOUT, "drops queued output"},
    {TN_SLC_AYT, 0x14, TN_SLC_LEVEL_VALUE, "answers \"yes\""},
    {TN_SLC_ABORT, 0x1c, TN_SLC_LEVEL_VALUE | TN_SLC_FLUSHIN | TN_SLC_FLUSHOUT, "cancels the line"},
    {TN_SLC_EOF, 0x04, TN_SLC_LEVEL_VALUE, "quits on an empty line"},
    {TN_SLC_SUSP, 0x1a, TN_SLC_LEVEL_VALUE | TN_SLC_FLUSHIN, "cancels the line"},
    {TN_SLC_EC, 0x7f, TN_SLC_LEVEL_VALUE, "erases a character (so does ^H)"},
    {TN_SLC_EL, 0x15, TN_SLC_LEVEL_VALUE, "erases the line"},
    {TN_SLC_EW, 0x17, TN_SLC_LEVEL_VALUE, "erases a word"},
    {TN_SLC_RP, 0x12, TN_SLC_LEVEL_VALUE, "reprints the line"},
    {TN_SLC_LNEXT, 0x16, TN_SLC_LEVEL_VALUE, ""},
    {TN_SLC_XON, 0x11, TN_SLC_LEVEL_VALUE, ""},
    {TN_SLC_XOFF, 0x13, TN_SLC_LEVEL_VALUE, ""},
};

/* ------------------------------------------------------------------------------------------ */
/* Commands.                                                                                    */

static void cmd_help(shell *sh, text *out) {
    static const char help[] =
        "commands:\n"
        "  help               this list\n"
        "  status             options on both sides, terminal, window, speeds, X display,\n"
        "                     environment, charset, input mode\n"
        "  slc                the special line characters (SLC table)\n"
        "  toggle [OPTION]    change an option, or show them all; OPTION is one of\n"
        "                     echo goahead outbinary inbinary binary lflow xon-any linemode\n"
        "  set CHARSET=NAME   offer another character set (CHARSET REQUEST)\n"
        "  quit               leave (so does ^D on an empty line)\n"
        "in character mode: DEL or ^H erases a character, ^W a word, ^U the line,\n"
        "^R reprints it, ^C cancels it.\n";
    (void)sh;
    text_put(out, help, sizeof help - 1);
}

static const char *q_state_name(tn_q_state q, bool queued) {
    switch (q) {
    case TN_Q_STATE_YES:
        return queued ? "ON (->off)" : "ON";
    case TN_Q_STATE_WANT_YES:
        return queued ? "asking on (->off)" : "asking on";
    case TN_Q_STATE_WANT_NO:
        return queued ? "asking off (->on)" : "asking off";
    default:
        return queued ? "off (->on)" : "off";
    }
}

static void status_options(shell *sh, text *out) {
    static const uint8_t opts[] = {
        TN_OPT_BINARY, TN_OPT_ECHO,   TN_OPT_SGA,      TN_OPT_STATUS,   TN_OPT_TM,
        TN_OPT_TTYPE,  TN_OPT_EOR,    TN_OPT_NAWS,     TN_OPT_TSPEED,   TN_OPT_LFLOW,
        TN_OPT_LINEMODE, TN_OPT_XDISPLOC, TN_OPT_OLD_ENVIRON, TN_OPT_NEW_ENVIRON, TN_OPT_CHARSET,
    };
    text_printf(out, "%-13s %-18s %s\n", "option", "server", "client");
    for (size_t i = 0; i < sizeof opts; i++) {
        tn_option_state local, remote;
        tn_str name = tn_option_name(opts[i]);
        tn_session_option_state(sh->s, opts[i], TN_SIDE_LOCAL, &local);
        tn_session_option_state(sh->s, opts[i], TN_SIDE_REMOTE, &remote);
        text_printf(out, "%-13.*s %-18s %s\n", (int)name.len, name.ptr,
                    q_state_name(local.state, local.opposite_queued),
                    q_state_name(remote.state, remote.opposite_queued));
    }
}

static void status_terminal(shell *sh, text *out) {
    char term[64];
    tn_bytes b;
    uint16_t w, h;
    uint32_t tx, rx, mtts;

    text_put(out, "TERM          ", 14);
    if (tn_session_term(sh->s, term, sizeof term) == TN_RESULT_OK)
        text_printf(out, "%s", term);
    else
        text_put(out, "(unknown)", 9);
    size_t n = tn_session_terminal_type_count(sh->s);
    if (n > 0) {
        text_put(out, "  (sent:", 8);
        for (size_t i = 0; i < n; i++) {
            if (tn_session_terminal_type_at(sh->s, i, &b) != TN_RESULT_OK)
                continue;
            text_put(out, " \"", 2);
            text_escaped(out, b.ptr, b.len);
            text_put(out, "\"", 1);
        }
        text_put(out, ")", 1);
    }
    if (tn_session_mtts(sh->s, &mtts) == TN_RESULT_OK)
        text_printf(out, "  MTTS %u", (unsigned)mtts);
    text_put(out, "\n", 1);

    if (tn_session_window_size(sh->s, &w, &h) == TN_RESULT_OK)
        text_printf(out, "window        %ux%u\n", (unsigned)w, (unsigned)h);
    else
        text_printf(out, "window        (unknown)\n");
    if (tn_session_terminal_speed(sh->s, &tx, &rx) == TN_RESULT_OK)
        text_printf(out, "speeds        %u bit/s out, %u bit/s in\n", (unsigned)tx, (unsigned)rx);
    else
        text_printf(out, "speeds        (unknown)\n");
    text_put(out, "X display     ", 14);
    if (tn_session_x_display(sh->s, &b) == TN_RESULT_OK) {
        text_put(out, "\"", 1);
        text_escaped(out, b.ptr, b.len);
        text_put(out, "\"\n", 2);
    } else {
        text_put(out, "(none)\n", 7);
    }
}

static void status_environ(shell *sh, text *out) {
    size_t n = tn_session_environ_count(sh->s);
    text_printf(out, "environment   %zu variable%s%s\n", n, n == 1 ? "" : "s", n ? ":" : "");
    for (size_t i = 0; i < n; i++) {
        tn_env_var v;
        if (tn_session_environ_at(sh->s, i, &v) != TN_RESULT_OK)
            continue;
        text_printf(out, "  %s%s ", v.kind == TN_VAR_KIND_USERVAR ? "USERVAR" : "VAR",
                    v.old ? " (old ENVIRON)" : "");
        text_escaped(out, v.name.ptr, v.name.len);
        if (v.has_value) {
            text_put(out, "=\"", 2);
            text_escaped(out, v.value.ptr, v.value.len);
            text_put(out, "\"", 1);
        } else {
            text_put(out, " (no value)", 11);
        }
        text_put(out, "\n", 1);
    }
}

static void status_charset_and_mode(shell *sh, text *out) {
    static const char *kludge[] = {"not probed", "probing", "capable", "incapable"};
    static const char *eols[] = {"CR LF", "CR NUL", "bare CR", "bare LF"};
    tn_bytes cs;
    tn_str enc_out, enc_in;
    text_put(out, "charset       ", 14);
    if (tn_session_charset(sh->s, &cs) == TN_RESULT_OK) {
        text_escaped(out, cs.ptr, cs.len);
        text_put(out, "\n", 1);
    } else {
        text_put(out, "(none agreed)\n", 14);
    }
    tn_session_encoding(sh->s, TN_SIDE_LOCAL, &enc_out);
    tn_session_encoding(sh->s, TN_SIDE_REMOTE, &enc_in);
    text_printf(out, "encoding      %.*s to you, %.*s from you\n", (int)enc_out.len, enc_out.ptr,
                (int)enc_in.len, enc_in.ptr);
    text_printf(out, "input mode    %s\n", input_mode_name(sh));
    uint8_t mode = tn_session_linemode(sh->s);
    if (tn_session_input_mode(sh->s) == TN_INPUT_MODE_LINEMODE)
        text_printf(out, "linemode MODE 0x%02x:%s%s%s%s\n", mode,
                    mode & TN_MODE_EDIT ? " EDIT" : "", mode & TN_MODE_TRAPSIG ? " TRAPSIG" : "",
                    mode & TN_MODE_SOFT_TAB ? " SOFT_TAB" : "",
                    mode & TN_MODE_LIT_ECHO ? " LIT_ECHO" : "");
    else
        text_printf(out, "linemode      not active\n");
    tn_kludge k = tn_session_kludge(sh->s);
    text_printf(out, "kludge        %s\n", k < 4 ? kludge[k] : "?");
    if (tn_session_is_enabled(sh->s, TN_OPT_LFLOW, TN_SIDE_REMOTE))
        text_printf(out, "flow control  %s, restart on %s\n", sh->lflow_on ? "on" : "off",
                    sh->xon_any ? "any character" : "XON only");
    else
        text_printf(out, "flow control  (not negotiated)\n");
    text_printf(out, "last line end %s\n",
                sh->have_eol && sh->last_eol < 4 ? eols[sh->last_eol] : "(none)");
    text_printf(out, "peer          %s\n", sh->peer);
}

static void cmd_status(shell *sh, text *out) {
    status_options(sh, out);
    status_terminal(sh, out);
    status_environ(sh, out);
    status_charset_and_mode(sh, out);
}

/* An SLC character as a user reads it: ^C, ^?, a printable character, or a hex code. */
static void slc_char(char *buf, size_t cap, uint8_t v) {
    if (v < 0x20)
        snprintf(buf, cap, "^%c", v + '@');
    else if (v == 0x7f)
        snprintf(buf, cap, "^?");
    else if (v < 0x7f)
        snprintf(buf, cap, "%c", v);
    else
        snprintf(buf, cap, "0x%02x", v);
}

static const char *slc_flags_name(uint8_t flags) {
    if ((flags & TN_SLC_FLUSHIN) && (flags & TN_SLC_FLUSHOUT))
        return "flushin flushout";
    if (flags & TN_SLC_FLUSHIN)
        return "flushin";
    return flags & TN_SLC_FLUSHOUT ? "flushout" : "-";
}

static const char *slc_action(uint8_t function) {
    for (size_t i = 0; i < sizeof SHELL_SLC / sizeof *SHELL_SLC; i++)
        if (SHELL_SLC[i].function == function)
            return SHELL_SLC[i].action;
    return "";
}

static void slc_row(text *out, uint8_t function, uint8_t flags, uint8_t value) {
    static const char *levels[] = {"nosupport", "cantchange", "value", "default"};
    char ch[8];
    tn_str name = tn_slc_name(function);
    const char *action = slc_action(function);
    slc_char(ch, sizeof ch, value);
    text_printf(out, "%-6.*s %-10s %-16s %-5s %s", (int)name.len, name.ptr,
                levels[flags & TN_SLC_LEVEL_MASK], slc_flags_name(flags), ch, action);
    while (out->len > 0 && out->p[out->len - 1] == ' ') /* no trailing blanks when no action */
        out->p[--out->len] = '\0';
    text_put(out, "\n", 1);
}

/* In LINEMODE the table is what client and server negotiated (RFC 1184 section 5). Outside it
 * nothing is negotiated and the session reports every entry as NOSUPPORT; what counts then is
 * our own table, which SLC simulation maps received characters with, so that one is shown. */
static void cmd_slc(shell *sh, text *out) {
    text_printf(out, "%-6s %-10s %-16s %-5s %s\n", "func", "level", "flags", "value", "in tel:sh");
    if (tn_session_input_mode(sh->s) != TN_INPUT_MODE_LINEMODE) {
        for (size_t i = 0; i < sizeof SHELL_SLC / sizeof *SHELL_SLC; i++)
            slc_row(out, SHELL_SLC[i].function, SHELL_SLC[i].flags, SHELL_SLC[i].value);
        text_printf(out, "(LINEMODE is off: these are the server's characters, not negotiated)\n");
        return;
    }
    text unsupported = {NULL, 0, 0};
    for (unsigned f = 1; f <= 30; f++) {
        uint8_t flags, value;
        if (tn_session_slc(sh->s, (uint8_t)f, &flags, &value) != TN_RESULT_OK)
            continue;
        if ((flags & TN_SLC_LEVEL_MASK) != TN_SLC_LEVEL_NOSUPPORT) {
            slc_row(out, (uint8_t)f, flags, value);
            continue;
        }
        tn_str name = tn_slc_name((uint8_t)f);
        text_printf(&unsupported, " %.*s", (int)name.len, name.ptr);
    }
    if (unsupported.len)
        text_printf(out, "not supported:%s\n", unsupported.p);
    text_free(&unsupported);
}

/* Whether we want `option` on `side`: in effect or asked for (RFC 1143 YES or WANTYES). */
static bool wanted(shell *sh, uint8_t option, uint32_t side) {
    tn_option_state st;
    if (tn_session_option_state(sh->s, option, side, &st) != TN_RESULT_OK)
        return false;
    return st.state == TN_Q_STATE_YES || st.state == TN_Q_STATE_WANT_YES;
}

/* Asks for the opposite of what we want now and says which verb went out ("will echo."). */
static void flip(shell *sh, text *out, uint8_t option, uint32_t side, const char *what) {
    bool on = !wanted(sh, option, side);
    const char *verb = side == TN_SIDE_LOCAL ? (on ? "will" : "wont") : (on ? "do" : "dont");
    tn_result r = tn_session_negotiate(sh->s, option, side, on);
    if (r == TN_RESULT_OK)
        text_printf(out, "%s %s.\n", verb, what);
    else
        text_printf(out, "%s %s: %s.\n", verb, what, tn_result_cstr(r));
}

static void toggle_lflow(shell *sh, text *out, bool xon_any) {
    if (!tn_session_is_enabled(sh->s, TN_OPT_LFLOW, TN_SIDE_REMOTE)) {
        text_printf(out, "%s: the client did not agree to REMOTE-FLOW-CONTROL.\n",
                    xon_any ? "xon-any" : "lflow");
        return;
    }
    tn_result r;
    if (xon_any) {
        sh->xon_any = !sh->xon_any;
        r = tn_session_send_lflow(sh->s, sh->xon_any ? TN_LFLOW_RESTART_ANY : TN_LFLOW_RESTART_XON);
        text_printf(out, "xon-any %s.\n", sh->xon_any ? "enabled" : "disabled");
    } else {
        sh->lflow_on = !sh->lflow_on;
        r = tn_session_send_lflow(sh->s, sh->lflow_on ? TN_LFLOW_ON : TN_LFLOW_OFF);
        text_printf(out, "lineflow %s.\n", sh->lflow_on ? "enabled" : "disabled");
    }
    if (r != TN_RESULT_OK)
        text_printf(out, "(not sent: %s)\n", tn_result_cstr(r));
}

static void toggle_list(shell *sh, text *out) {
    bool in = wanted(sh, TN_OPT_BINARY, TN_SIDE_REMOTE);
    bool o = wanted(sh, TN_OPT_BINARY, TN_SIDE_LOCAL);
    text_printf(out, "binary %s\n", in && o ? "ON" : "off");
    text_printf(out, "echo %s\n", wanted(sh, TN_OPT_ECHO, TN_SIDE_LOCAL) ? "ON" : "off");
    /* Go-ahead is on while it is NOT suppressed. */
    text_printf(out, "goahead %s\n", wanted(sh, TN_OPT_SGA, TN_SIDE_LOCAL) ? "off" : "ON");
    text_printf(out, "inbinary %s\n", in ? "ON" : "off");
    text_printf(out, "lflow %s\n", sh->lflow_on ? "ON" : "off");
    text_printf(out, "linemode %s\n", wanted(sh, TN_OPT_LINEMODE, TN_SIDE_REMOTE) ? "ON" : "off");
    text_printf(out, "outbinary %s\n", o ? "ON" : "off");
    text_printf(out, "xon-any %s\n", sh->xon_any ? "ON" : "off");
}

static void cmd_toggle(shell *sh, text *out, const char *arg) {
    if (!*arg) {
        toggle_list(sh, out);
    } else if (!strcasecmp(arg, "echo")) {
        sh->echo_auto_off = false; /* the user decides now */
        flip(sh, out, TN_OPT_ECHO, TN_SIDE_LOCAL, "echo");
    } else if (!strcasecmp(arg, "goahead")) {
        flip(sh, out, TN_OPT_SGA, TN_SIDE_LOCAL, "suppress go-ahead");
    } else if (!strcasecmp(arg, "outbinary")) {
        flip(sh, out, TN_OPT_BINARY, TN_SIDE_LOCAL, "outbinary");
    } else if (!strcasecmp(arg, "inbinary")) {
        flip(sh, out, TN_OPT_BINARY, TN_SIDE_REMOTE, "inbinary");
    } else if (!strcasecmp(arg, "binary")) {
        /* Both directions go the same way: on unless both already are. */
        bool on = !(wanted(sh, TN_OPT_BINARY, TN_SIDE_LOCAL) &&
                    wanted(sh, TN_OPT_BINARY, TN_SIDE_REMOTE));
        if (wanted(sh, TN_OPT_BINARY, TN_SIDE_LOCAL) != on)
            flip(sh, out, TN_OPT_BINARY, TN_SIDE_LOCAL, "outbinary");
        if (wanted(sh, TN_OPT_BINARY, TN_SIDE_REMOTE) != on)
            flip(sh, out, TN_OPT_BINARY, TN_SIDE_REMOTE, "inbinary");
    } else if (!strcasecmp(arg, "lflow")) {
        toggle_lflow(sh, out, false);
    } else if (!strcasecmp(arg, "xon-any")) {
        toggle_lflow(sh, out, true);
    } else if (!strcasecmp(arg, "linemode")) {
        flip(sh, out, TN_OPT_LINEMODE, TN_SIDE_REMOTE, "linemode");
    } else {
        text_printf(out, "toggle: not an option.\n");
    }
}

/* A character set name as RFC 2066 allows it in practice (IANA names and aliases). */
static bool valid_charset(const char *name) {
    size_t n = strlen(name);
    if (n == 0 || n > 40)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              strchr("-_.:+()", c)))
            return false;
    }
    return true;
}

static void cmd_set(shell *sh, text *out, const char *arg) {
    static const char key[] = "CHARSET=";
    if (strncasecmp(arg, key, sizeof key - 1) != 0) {
        text_printf(out, "set: usage: set CHARSET=<name>\n");
        return;
    }
    const char *name = arg + sizeof key - 1;
    if (!valid_charset(name)) {
        text_printf(out, "set: not a character set name.\n");
        return;
    }
    const char *names[1] = {name};
    tn_result r = tn_session_request_charset(sh->s, names, 1);
    if (r == TN_RESULT_OK)
        text_printf(out, "requested charset %s.\n", name);
    else if (r == TN_RESULT_NOT_ENABLED)
        text_printf(out, "set: the client did not agree to CHARSET.\n");
    else
        text_printf(out, "set: %s.\n", tn_result_cstr(r));
}

static void quit(shell *sh) {
    say(sh, "Goodbye.\n");
    sh->closing = true;
    tn_conn_close(sh->conn);
}

/* Runs one command line; `out` collects its output so that it leaves in one piece. */
static void run_command(shell *sh, char *cmd) {
    text out = {NULL, 0, 0};
    while (*cmd == ' ')
        cmd++;
    size_t n = strlen(cmd);
    while (n > 0 && cmd[n - 1] == ' ')
        cmd[--n] = '\0';
    char *arg = strchr(cmd, ' ');
    if (arg) {
        *arg++ = '\0';
        while (*arg == ' ')
            arg++;
    } else {
        arg = cmd + n;
    }

    if (!*cmd) {
        /* an empty line only gets a new prompt */
    } else if (!strcasecmp(cmd, "quit") || !strcasecmp(cmd, "exit") || !strcasecmp(cmd, "logout")) {
        quit(sh);
        return; /* no prompt after goodbye */
    } else if (!strcasecmp(cmd, "help") || !strcmp(cmd, "?")) {
        cmd_help(sh, &out);
    } else if (!strcasecmp(cmd, "status")) {
        cmd_status(sh, &out);
    } else if (!strcasecmp(cmd, "slc")) {
        cmd_slc(sh, &out);
    } else if (!strcasecmp(cmd, "toggle")) {
        cmd_toggle(sh, &out, arg);
    } else if (!strcasecmp(cmd, "set")) {
        cmd_set(sh, &out, arg);
    } else {
        text_printf(&out, "no such command.\n");
    }
    if (out.len)
        send_text(sh, out.p, out.len);
    text_free(&out);
    prompt(sh);
}

/* ------------------------------------------------------------------------------------------ */
/* Line editing.                                                                                */

/* Drops ANSI escape sequences (arrow and function keys) from character-mode input: a shell
 * without history has no use for them, and stored in the line they would be echoed later.
 * Returns true when `b` belongs to such a sequence. */
static bool filter_escape(shell *sh, uint8_t b) {
    enum { NONE, ESC, CSI, SS3, OSC };
    switch (sh->esc) {
    case ESC:
        sh->esc = b == '[' ? CSI : b == 'O' ? SS3 : b == ']' ? OSC : NONE;
        return true;
    case OSC: /* a title or palette string: up to BEL, or to the ESC of an ESC-backslash */
        if (b == 0x07 || b == 0x1b)
            sh->esc = b == 0x1b ? ESC : NONE;
        return true;
    case CSI:
        if (b < 0x20 || b > 0x3f) /* final byte (or garbage) ends the sequence */
            sh->esc = NONE;
        return true;
    case SS3:
        sh->esc = NONE;
        return true;
    default:
        if (b == 0x1b) {
            sh->esc = ESC;
            return true;
        }
        return false;
    }
}

static void edit_insert(shell *sh, uint8_t b) {
    if (b == '\t')
        b = ' ';
    /* Other control bytes are never stored or echoed. */
    if (b < 0x20 || b == 0x7f)
        return;
    if (sh->len + 1 >= LINE_CAP) {
        if (visual(sh))
            send_bytes(sh, "\a", 1);
        return;
    }
    sh->line[sh->len++] = (char)b;
    if (visual(sh))
        send_bytes(sh, (const char *)&b, 1);
}

/* Removes one character (a whole UTF-8 sequence) and rubs it out on the screen. */
static void erase_char(shell *sh) {
    if (sh->len == 0)
        return;
    do
        sh->len--;
    while (sh->len > 0 && ((uint8_t)sh->line[sh->len] & 0xc0) == 0x80);
    if (visual(sh))
        send_bytes(sh, "\b \b", 3);
}

static void erase_word(shell *sh) {
    while (sh->len > 0 && sh->line[sh->len - 1] == ' ')
        erase_char(sh);
    while (sh->len > 0 && sh->line[sh->len - 1] != ' ')
        erase_char(sh);
}

static void erase_line(shell *sh) {
    while (sh->len > 0)
        erase_char(sh);
}

/* ^C: forget the line and start over on a fresh prompt. */
static void cancel_line(shell *sh) {
    sh->len = 0;
    if (!sh->greeted)
        return;
    send_text(sh, "^C\n", 3);
    prompt(sh);
}

/* The fresh prompt after an IAC IP, BRK, ABORT or SUSP, once the flush is over (see
 * on_interrupt). A client that edits has shown the ^C itself. */
static void finish_interrupt(shell *sh) {
    if (!sh->interrupted)
        return;
    sh->interrupted = false;
    send_text(sh, client_edits(sh) ? "\n" : "^C\n", client_edits(sh) ? 1 : 3);
    prompt(sh);
}

/* IAC IP and friends, which a LINEMODE client with TRAPSIG sends for ^C. BSD telnet follows
 * them with IAC DO TIMING-MARK and throws away everything it receives until the answer (RFC 860
 * flush), so a prompt sent now would vanish. The session answers the DO TIMING-MARK by itself
 * and tells nobody, so the prompt is sent from a short timer, after the answer. */
static void on_interrupt(shell *sh) {
    sh->len = 0;
    if (!sh->greeted || sh->interrupted)
        return;
    sh->interrupted = true;
    tn_conn_set_timer(sh->conn, INTERRUPT_DELAY_MS, TIMER_INTERRUPT);
}

/* ^D or IAC EOF: quits on an empty line, like a Unix shell. */
static void end_of_file(shell *sh) {
    if (sh->len > 0 || !sh->greeted)
        return;
    if (visual(sh))
        send_text(sh, "\n", 1);
    quit(sh);
}

static void line_done(shell *sh) {
    finish_interrupt(sh); /* its prompt comes before this line's output */
    if (echoing(sh))
        send_text(sh, "\n", 1);
    sh->line[sh->len] = '\0';
    sh->len = 0;
    run_command(sh, sh->line);
}

static void on_slc_function(shell *sh, uint8_t function) {
    switch (function) {
    case TN_SLC_EC:
        erase_char(sh);
        break;
    case TN_SLC_EW:
        erase_word(sh);
        break;
    case TN_SLC_EL:
        erase_line(sh);
        break;
    case TN_SLC_IP:
    case TN_SLC_ABORT:
    case TN_SLC_SUSP:
        cancel_line(sh);
        break;
    case TN_SLC_EOF:
        end_of_file(sh);
        break;
    case TN_SLC_RP:
        if (visual(sh)) {
            send_text(sh, "^R\n", 3);
            reprompt(sh);
        }
        break;
    case TN_SLC_AYT:
        notice(sh, "telnet-server: yes");
        break;
    case TN_SLC_AO:
        tn_session_clear_output(sh->s, NULL);
        break;
    default: /* LNEXT and the rest: nothing to do in a shell without literal input */
        break;
    }
}

/* Two-byte commands: what a LINEMODE client with TRAPSIG (or a user's "send ip") sends. */
static void on_command(shell *sh, uint8_t command) {
    switch (command) {
    case TN_CMD_IP:
    case TN_CMD_BRK:
    case TN_CMD_ABORT:
    case TN_CMD_SUSP:
        on_interrupt(sh);
        break;
    case TN_CMD_EOF:
        on_slc_function(sh, TN_SLC_EOF);
        break;
    case TN_CMD_EC:
        on_slc_function(sh, TN_SLC_EC);
        break;
    case TN_CMD_EL:
        on_slc_function(sh, TN_SLC_EL);
        break;
    case TN_CMD_AYT:
        on_slc_function(sh, TN_SLC_AYT);
        break;
    case TN_CMD_AO:
        on_slc_function(sh, TN_SLC_AO);
        break;
    default:
        break;
    }
}

/* In BINARY input the session passes CR and LF as data (NVT line ends do not apply, RFC 856),
 * so line ends are found here the way the reference's line editor finds them: CR or LF ends the
 * line, and a LF or NUL right after a CR belongs to that CR. */
static void keep_ahead(shell *sh, const uint8_t *p, size_t n) {
    size_t room = sizeof sh->ahead - sh->ahead_len;
    if (n > room)
        n = room; /* more than a few lines before the shell even started: the rest is noise */
    memcpy(sh->ahead + sh->ahead_len, p, n);
    sh->ahead_len += n;
}

static void on_data(shell *sh, const uint8_t *p, size_t n) {
    if (!sh->greeted) {
        keep_ahead(sh, p, n);
        return;
    }
    for (size_t i = 0; i < n && !sh->closing; i++) {
        uint8_t b = p[i];
        bool after_cr = sh->after_cr;
        sh->after_cr = b == '\r';
        if (after_cr && (b == '\n' || b == '\0'))
            continue;
        if (b == '\r' || b == '\n') {
            sh->esc = 0;
            line_done(sh);
        } else if (!filter_escape(sh, b)) {
            edit_insert(sh, b);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Session events.                                                                              */

static void greet(shell *sh) {
    char term[64];
    uint16_t w = 0, h = 0;
    if (tn_session_term(sh->s, term, sizeof term) != TN_RESULT_OK)
        snprintf(term, sizeof term, "unknown");
    apply_echo_policy(sh);
    sh->greeted = true;
    say(sh, "Welcome to tel:sh, the telnet-rs %s demo shell.\n", tn_version_cstr());
    if (tn_session_window_size(sh->s, &w, &h) == TN_RESULT_OK)
        say(sh, "Terminal %s, window %ux%u, %s.\n", term, (unsigned)w, (unsigned)h,
            input_mode_name(sh));
    else
        say(sh, "Terminal %s, %s.\n", term, input_mode_name(sh));
    say(sh, "Type \"help\" for the commands.\n");
    prompt(sh);
    if (sh->ahead_len) {
        char ahead[TYPEAHEAD_CAP];
        size_t n = sh->ahead_len;
        memcpy(ahead, sh->ahead, n);
        sh->ahead_len = 0;
        on_data(sh, (const uint8_t *)ahead, n);
    }
}

/* After each callback: a client whose output no longer fits is not reading (see send_bytes). */
static void check_output(shell *sh) {
    if (sh->output_lost && !sh->closing) {
        fprintf(stderr, PROG ": %s is not reading its output; closing\n", sh->peer);
        sh->closing = true;
        tn_conn_abort(sh->conn);
    }
}

static void on_option(shell *sh, const tn_option_event *o, bool refused) {
    tn_str name = tn_option_name(o->option);
    if (refused) {
        notice(sh, "the client refused %s %.*s", o->side == TN_SIDE_LOCAL ? "WILL" : "DO",
               (int)name.len, name.ptr);
        return;
    }
    /* RFC 727: the client asked us to log it out, and we agreed. */
    if (o->option == TN_OPT_LOGOUT && o->side == TN_SIDE_LOCAL && o->enabled && !sh->closing) {
        quit(sh);
        return;
    }
    /* A new LFLOW agreement starts as the library sets it up: on, restart on XON. */
    if (o->option == TN_OPT_LFLOW && o->side == TN_SIDE_REMOTE && o->enabled) {
        sh->lflow_on = true;
        sh->xon_any = false;
    }
}

static void on_event(void *ud, tn_conn *conn, tn_session *s, const tn_event *ev) {
    shell *sh = tn_conn_userdata(conn);
    (void)ud;
    (void)s;
    if (!sh || sh->closing)
        return;
    switch (ev->kind) {
    case TN_EVENT_KIND_SETTLED:
        greet(sh);
        break;
    case TN_EVENT_KIND_DATA:
        on_data(sh, ev->u.data.ptr, ev->u.data.len);
        break;
    case TN_EVENT_KIND_EOL:
        if (!sh->greeted) {
            keep_ahead(sh, (const uint8_t *)"\n", 1);
            break;
        }
        sh->after_cr = false;
        sh->have_eol = true;
        sh->last_eol = ev->u.eol;
        sh->esc = 0;
        line_done(sh);
        break;
    case TN_EVENT_KIND_SLC_FUNCTION:
        on_slc_function(sh, ev->u.slc_function.function);
        break;
    case TN_EVENT_KIND_COMMAND:
        on_command(sh, ev->u.command);
        break;
    case TN_EVENT_KIND_INPUT_MODE:
    case TN_EVENT_KIND_LINEMODE_MODE:
        if (sh->greeted) {
            int before = sh->input_key;
            apply_echo_policy(sh);
            if (before != sh->input_key)
                notice(sh, "input mode: %s", input_mode_name(sh));
        }
        break;
    case TN_EVENT_KIND_OPTION_CHANGED:
    case TN_EVENT_KIND_OPTION_REFUSED:
        on_option(sh, &ev->u.option, ev->kind == TN_EVENT_KIND_OPTION_REFUSED);
        break;
    case TN_EVENT_KIND_CHARSET: {
        text name = {NULL, 0, 0};
        text_escaped(&name, ev->u.text.ptr, ev->u.text.len); /* the client's bytes */
        notice(sh, "charset: the client accepted %s", name.p ? name.p : "");
        text_free(&name);
        break;
    }
    case TN_EVENT_KIND_CHARSET_REJECTED:
        notice(sh, "charset: the client rejected the offer");
        break;
    default:
        break;
    }
    check_output(sh);
}

/* ------------------------------------------------------------------------------------------ */
/* Engine callbacks.                                                                            */

static void on_timer(void *ud, tn_conn *conn, uint64_t id) {
    shell *sh = tn_conn_userdata(conn);
    (void)ud;
    if (!sh || sh->closing || id != TIMER_INTERRUPT)
        return;
    finish_interrupt(sh);
    check_output(sh);
}

static void on_opened(void *ud, tn_conn *conn) {
    server *srv = ud;
    char host[64];
    uint16_t port = 0;
    shell *sh = calloc(1, sizeof *sh);
    if (!sh) {
        tn_conn_abort(conn);
        return;
    }
    sh->conn = conn;
    sh->s = tn_conn_session(conn);
    sh->input_key = -1;
    sh->lflow_on = true;
    if (tn_conn_peer(conn, host, sizeof host, &port) == TN_RESULT_OK)
        snprintf(sh->peer, sizeof sh->peer, strchr(host, ':') ? "[%s]:%u" : "%s:%u", host,
                 (unsigned)port);
    else
        snprintf(sh->peer, sizeof sh->peer, "?");
    sh->next = srv->shells;
    if (srv->shells)
        srv->shells->prev = sh;
    srv->shells = sh;
    tn_conn_set_userdata(conn, sh);
    fprintf(stderr, PROG ": %s connected\n", sh->peer);
}

static void on_closed(void *ud, tn_conn *conn, tn_close_reason reason, int error) {
    server *srv = ud;
    shell *sh = tn_conn_userdata(conn);
    (void)reason;
    (void)error;
    if (!sh)
        return;
    fprintf(stderr, PROG ": %s disconnected\n", sh->peer);
    if (sh->prev)
        sh->prev->next = sh->next;
    else
        srv->shells = sh->next;
    if (sh->next)
        sh->next->prev = sh->prev;
    tn_conn_set_userdata(conn, NULL);
    free(sh);
}

/* SIGINT or SIGTERM: tell everyone, then let the engine flush and close every connection. */
static void on_signal(void *ud, int signo) {
    server *srv = ud;
    (void)signo;
    if (srv->stopping)
        return;
    srv->stopping = true;
    fprintf(stderr, PROG ": shutting down\n");
    for (shell *sh = srv->shells; sh; sh = sh->next) {
        if (sh->closing)
            continue;
        say(sh, "\n[the server is shutting down]\n");
        sh->closing = true;
    }
    tn_engine_stop(srv->engine);
}

/* ------------------------------------------------------------------------------------------ */
/* Setup.                                                                                       */

static void usage(FILE *f) {
    fprintf(f,
            "usage: " PROG " [--host HOST] [--port PORT]\n"
            "The telnet-rs demo shell: connect with `telnet HOST PORT` and type `help`.\n"
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

static tn_config *make_config(void) {
    static const char *const charsets[] = {"UTF-8", "CP437"};
    tn_config *cfg;
    if (tn_config_new_server(&cfg) != TN_RESULT_OK)
        return NULL;
    for (size_t i = 0; i < sizeof charsets / sizeof *charsets; i++)
        tn_config_add_charset_offer(cfg, charsets[i]); /* implies DO CHARSET at start */
    tn_config_allow(cfg, TN_OPT_BINARY, TN_SIDE_LOCAL);
    tn_config_allow(cfg, TN_OPT_BINARY, TN_SIDE_REMOTE);
    /* Report ^C, ^U, ^W, DEL, ... as SLC functions: the shell edits in character mode. */
    tn_config_set_slc_simulation(cfg, true);
    for (size_t i = 0; i < sizeof SHELL_SLC / sizeof *SHELL_SLC; i++)
        tn_config_set_slc(cfg, SHELL_SLC[i].function, SHELL_SLC[i].value, true, 0);
    /* No kludge line mode: it would turn SGA off and leave a client that refused LINEMODE
     * editing locally while we echo. Character mode with remote editing is what this shell
     * demonstrates for such clients. */
    tn_config_set_kludge_probe(cfg, false);
    return cfg;
}

/* The engine accepts up to its session limit; without enough descriptors accept() would fail
 * with EMFILE instead, so raise the limit and keep the session count below it. */
static void fit_sessions_to_fd_limit(tn_engine *engine, size_t wanted) {
    uint64_t got = 0;
    if (tn_raise_fd_limit(wanted + FD_HEADROOM, &got) != TN_RESULT_OK)
        return;
    if (got < wanted + FD_HEADROOM) {
        size_t max = got > 2 * FD_HEADROOM ? (size_t)got - FD_HEADROOM : FD_HEADROOM;
        fprintf(stderr, PROG ": open-file limit is %llu: serving at most %zu sessions\n",
                (unsigned long long)got, max);
        tn_engine_set_max_sessions(engine, max);
    } else {
        tn_engine_set_max_sessions(engine, wanted);
    }
}

int main(int argc, char **argv) {
    const char *host = DEFAULT_HOST;
    uint16_t port = DEFAULT_PORT;
    int rc = parse_args(argc, argv, &host, &port);
    if (rc)
        return rc == 1 ? 0 : 2;


    server srv = {NULL, NULL, false};
    tn_engine_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.opened = on_opened;
    cb.event = on_event;
    cb.timer = on_timer;
    cb.closed = on_closed;
    cb.signal = on_signal;
    if (tn_engine_new(&cb, &srv, &srv.engine) != TN_RESULT_OK) {
        fprintf(stderr, PROG ": cannot start the engine: %s\n", strerror(errno));
        return 1;
    }
    static const int sigs[] = {SIGINT, SIGTERM};
    tn_engine_handle_signals(srv.engine, sigs, 2);
    fit_sessions_to_fd_limit(srv.engine, MAX_SESSIONS);

    tn_config *cfg = make_config();
    uint32_t listener = 0;
    tn_result r = cfg ? tn_engine_listen(srv.engine, host, port, cfg, &listener) : TN_RESULT_PANIC;
    int listen_errno = errno;
    tn_config_free(cfg);
    if (r != TN_RESULT_OK) {
        fprintf(stderr, PROG ": cannot listen on %s:%u: %s\n", host, (unsigned)port,
                r == TN_RESULT_IO          ? strerror(listen_errno)
                : r == TN_RESULT_NOT_FOUND ? "no such host"
                                           : tn_result_cstr(r));
        tn_engine_free(srv.engine);
        return 1;
    }
    tn_engine_listener_port(srv.engine, listener, &port);
    fprintf(stderr,
            strchr(host, ':') ? PROG ": listening on [%s]:%u\n" : PROG ": listening on %s:%u\n",
            host, (unsigned)port);
    /* For the human who just started it: what to type in another terminal. */
    fprintf(stderr, PROG ": connect with `telnet %s %u`; stop with ^C\n", host, (unsigned)port);

    r = tn_engine_run(srv.engine);
    tn_engine_free(srv.engine);
    if (r != TN_RESULT_OK) {
        fprintf(stderr, PROG ": %s\n", tn_result_cstr(r));
        return 1;
    }
    return 0;
}
