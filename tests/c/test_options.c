/*
 * The options through the C API: a server and a client made from the ready-made plans negotiate
 * in memory; typed events arrive; the accessors give what the client sent; only allowlisted,
 * validated values would reach a child; CP437 text converts to UTF-8.
 */
#include <telnet-rs.h>

#include "check.h"

#include <stdlib.h>
#include <string.h>

typedef struct log {
    int settled, settled_timed_out;
    int window_events, ttype_events, environ_events, slc_events, linemode_events, status_items;
    uint16_t width, height;
    int input_mode;
    char last_ttype[64];
} log_t;

static void on_event(void *ud, tn_session *s, const tn_event *ev) {
    log_t *l = (log_t *)ud;
    (void)s;
    switch (ev->kind) {
    case TN_EVENT_KIND_SETTLED:
        l->settled++;
        l->settled_timed_out = ev->u.settled;
        break;
    case TN_EVENT_KIND_WINDOW_SIZE:
        l->window_events++;
        l->width = ev->u.window_size.width;
        l->height = ev->u.window_size.height;
        break;
    case TN_EVENT_KIND_TERMINAL_TYPE:
        l->ttype_events++;
        if (ev->u.text.len < sizeof l->last_ttype) {
            memcpy(l->last_ttype, ev->u.text.ptr, ev->u.text.len);
            l->last_ttype[ev->u.text.len] = 0;
        }
        break;
    case TN_EVENT_KIND_ENVIRON:
        l->environ_events++;
        break;
    case TN_EVENT_KIND_SLC:
        l->slc_events++;
        break;
    case TN_EVENT_KIND_LINEMODE_MODE:
        l->linemode_events++;
        break;
    case TN_EVENT_KIND_INPUT_MODE:
        l->input_mode = (int)ev->u.input_mode;
        break;
    case TN_EVENT_KIND_STATUS:
        l->status_items = (int)ev->u.status.count;
        break;
    default:
        break;
    }
}

static size_t pump(tn_session *from, tn_session *to) {
    size_t moved = 0;
    for (;;) {
        const uint8_t *p;
        size_t n;
        CHECK_OK(tn_session_peek_output(from, &p, &n, NULL));
        if (n == 0)
            return moved;
        uint8_t *copy = (uint8_t *)malloc(n);
        memcpy(copy, p, n);
        CHECK_OK(tn_session_consume_output(from, n));
        CHECK_OK(tn_session_feed(to, copy, n, NULL));
        free(copy);
        moved += n;
    }
}

static int run(tn_session *a, tn_session *b) {
    int rounds = 0;
    while (pump(a, b) + pump(b, a) > 0 && rounds < 100)
        rounds++;
    return rounds;
}

typedef struct envs {
    int count;
    char names[16][32];
} envs_t;

static void visit(void *ud, tn_str name, tn_str value) {
    envs_t *e = (envs_t *)ud;
    (void)value;
    if (e->count < 16 && name.len < 32) {
        memcpy(e->names[e->count], name.ptr, name.len);
        e->names[e->count][name.len] = 0;
        e->count++;
    }
}

int main(void) {
    tn_config *sc, *cc;
    CHECK_OK(tn_config_new_server(&sc));
    CHECK_OK(tn_config_new_client(&cc));
    CHECK_OK(tn_config_add_charset_offer(sc, "UTF-8"));
    CHECK_OK(tn_config_add_terminal_type(cc, "XTERM-256COLOR"));
    CHECK_OK(tn_config_add_terminal_type(cc, "XTERM"));
    CHECK(tn_config_add_terminal_type(cc, "bad\x01name") == TN_RESULT_INVALID_ARGUMENT);
    CHECK_OK(tn_config_set_window_size(cc, 120, 40));
    CHECK_OK(tn_config_set_terminal_speed(cc, 9600, 19200));
    CHECK_OK(tn_config_add_environ_export(cc, TN_VAR_KIND_VAR, "USER", "bob"));
    CHECK_OK(tn_config_add_environ_export(cc, TN_VAR_KIND_VAR, "LANG", "C.UTF-8"));
    CHECK_OK(tn_config_add_environ_export(cc, TN_VAR_KIND_USERVAR, "LD_PRELOAD", "/tmp/x.so"));
    CHECK(tn_config_add_environ_export(cc, 7, "A", "B") == TN_RESULT_INVALID_ARGUMENT);
    CHECK(tn_config_add_environ_export(cc, TN_VAR_KIND_VAR, NULL, "B") == TN_RESULT_NULL_PARAMETER);
    CHECK_OK(tn_config_set_settle_timeout_ms(sc, 60000));

    log_t ls, lc;
    memset(&ls, 0, sizeof ls);
    memset(&lc, 0, sizeof lc);
    tn_session *s, *c;
    CHECK_OK(tn_session_new(sc, on_event, &ls, &s));
    CHECK_OK(tn_session_new(cc, on_event, &lc, &c));
    tn_config_free(sc);
    tn_config_free(cc);
    CHECK(!tn_session_is_settled(s));
    CHECK_OK(tn_session_start(s));
    CHECK_OK(tn_session_start(c));
    int64_t ms = tn_session_timeout_ms(s);
    CHECK(ms > 50000 && ms <= 60000);
    CHECK(run(s, c) < 10);

    /* Settled by the client's answers, not by the timeout. */
    CHECK(ls.settled == 1 && ls.settled_timed_out == 0);
    CHECK(tn_session_is_settled(s));
    CHECK(tn_session_timeout_ms(s) == -1);
    CHECK_OK(tn_session_on_timeout(s));
    CHECK(ls.settled == 1);

    /* Typed events and accessors. */
    CHECK(ls.window_events == 1 && ls.width == 120 && ls.height == 40);
    uint16_t w = 0, h = 0;
    CHECK_OK(tn_session_window_size(s, &w, &h));
    CHECK(w == 120 && h == 40);
    /* The cycle: XTERM-256COLOR, XTERM, then XTERM again (a repeat ends it). */
    CHECK(ls.ttype_events == 3 && strcmp(ls.last_ttype, "XTERM") == 0);
    tn_bytes tt;
    CHECK_OK(tn_session_terminal_type(s, &tt));
    CHECK(tt.len == 14 && memcmp(tt.ptr, "XTERM-256COLOR", 14) == 0);
    CHECK(tn_session_terminal_type_count(s) == 2);
    CHECK_OK(tn_session_terminal_type_at(s, 1, &tt));
    CHECK(tt.len == 5);
    CHECK(tn_session_terminal_type_at(s, 2, &tt) == TN_RESULT_NOT_FOUND);
    char term[41];
    CHECK_OK(tn_session_term(s, term, sizeof term));
    CHECK(strcmp(term, "xterm-256color") == 0);
    CHECK(tn_session_term(s, term, 4) == TN_RESULT_TOO_LONG);
    uint32_t tx = 0, rx = 0;
    CHECK_OK(tn_session_terminal_speed(s, &tx, &rx));
    CHECK(tx == 9600 && rx == 19200);
    CHECK(tn_session_x_display(s, &tt) == TN_RESULT_NOT_FOUND);
    uint32_t mtts;
    CHECK(tn_session_mtts(s, &mtts) == TN_RESULT_NOT_FOUND);

    /* Environment: three variables arrived raw; USER is valid; only two may reach a child. */
    CHECK(ls.environ_events == 3);
    CHECK(tn_session_environ_count(s) == 3);
    tn_env_var v;
    CHECK_OK(tn_session_environ_at(s, 2, &v));
    CHECK(v.kind == TN_VAR_KIND_USERVAR && v.has_value && v.name.len == 10);
    tn_str user;
    CHECK_OK(tn_session_user(s, &user));
    CHECK(user.len == 3 && memcmp(user.ptr, "bob", 3) == 0);
    envs_t e;
    memset(&e, 0, sizeof e);
    size_t visited = 0;
    CHECK_OK(tn_session_visit_child_environment(s, NULL, 0, visit, &e, &visited));
    CHECK(visited == 2 && e.count == 2);
    CHECK(strcmp(e.names[0], "USER") == 0 && strcmp(e.names[1], "LANG") == 0);
    const char *only_lang[] = {"LANG"};
    memset(&e, 0, sizeof e);
    CHECK_OK(tn_session_visit_child_environment(s, only_lang, 1, visit, &e, &visited));
    CHECK(visited == 1 && strcmp(e.names[0], "LANG") == 0);
    CHECK(tn_session_visit_child_environment(s, NULL, 0, NULL, NULL, NULL) == TN_RESULT_NULL_PARAMETER);

    /* LINEMODE on both ends with the server's MODE, CHARSET agreed. */
    CHECK(tn_session_input_mode(s) == TN_INPUT_MODE_LINEMODE);
    CHECK(tn_session_input_mode(c) == TN_INPUT_MODE_LINEMODE);
    CHECK(tn_session_linemode(c) == (TN_MODE_EDIT | TN_MODE_TRAPSIG));
    CHECK(lc.linemode_events == 1);
    uint8_t flags = 0, value = 0;
    CHECK_OK(tn_session_slc(c, TN_SLC_IP, &flags, &value));
    CHECK(value == 3 && (flags & TN_SLC_LEVEL_MASK) != TN_SLC_LEVEL_NOSUPPORT);
    CHECK(tn_session_slc(c, 200, &flags, &value) == TN_RESULT_NOT_FOUND);
    tn_bytes cs;
    CHECK_OK(tn_session_charset(s, &cs));
    CHECK(cs.len == 5 && memcmp(cs.ptr, "UTF-8", 5) == 0);
    tn_str enc;
    CHECK_OK(tn_session_encoding(s, TN_SIDE_LOCAL, &enc));
    CHECK(enc.len == 8 && memcmp(enc.ptr, "US-ASCII", 8) == 0); /* not BINARY */

    /* Senders. */
    CHECK_OK(tn_session_set_window_size(c, 90, 30));
    run(s, c);
    CHECK(ls.window_events == 2 && ls.width == 90);
    CHECK_OK(tn_session_request_status(c));
    run(s, c);
    CHECK(lc.status_items > 4);
    CHECK_OK(tn_session_send_lflow(s, TN_LFLOW_RESTART_ANY));
    CHECK(tn_session_send_lflow(s, 9) == TN_RESULT_INVALID_ARGUMENT);
    CHECK(tn_session_send_lflow(c, TN_LFLOW_ON) == TN_RESULT_NOT_ENABLED);
    run(s, c);
    bool on = false, any = false;
    CHECK_OK(tn_session_flow_control(c, &on, &any));
    CHECK(on && any);
    const char *names[] = {"ISO-8859-1", "UTF-8"};
    CHECK_OK(tn_session_request_charset(s, names, 2));
    CHECK(tn_session_request_charset(s, names, 0) == TN_RESULT_INVALID_ARGUMENT);
    run(s, c);
    CHECK_OK(tn_session_set_linemode(s, TN_MODE_EDIT));
    run(s, c);
    CHECK(tn_session_linemode(c) == TN_MODE_EDIT);
    CHECK_OK(tn_session_set_slc(s, TN_SLC_IP, 0x18));
    run(s, c);
    CHECK_OK(tn_session_slc(c, TN_SLC_IP, &flags, &value));
    CHECK(value == 0x18);
    bool sent = true;
    CHECK_OK(tn_session_mark_prompt(s, &sent));
    CHECK(!sent); /* the client asked to suppress go-ahead */
    CHECK_OK(tn_session_send_timing_mark(s));
    run(s, c);

    /* Names. */
    tn_str nm = tn_slc_name(TN_SLC_EC);
    CHECK(nm.len == 2 && memcmp(nm.ptr, "EC", 2) == 0);

    /* CP437 and Latin-1 to UTF-8. */
    static const uint8_t art[] = {0xC9, 0xCD, 0xBB, 0x1B, '[', 'm', 0xDB, '\r', '\n'};
    uint8_t out[64];
    size_t used = 0, wrote = 0;
    CHECK_OK(tn_cp437_to_utf8(art, sizeof art, out, sizeof out, &used, &wrote));
    static const char want[] = "\xE2\x95\x94\xE2\x95\x90\xE2\x95\x97\x1B[m\xE2\x96\x88\r\n";
    CHECK(used == sizeof art && wrote == strlen(want) && memcmp(out, want, wrote) == 0);
    CHECK(tn_cp437_to_utf8(art, sizeof art, out, 4, &used, &wrote) == TN_RESULT_TOO_LONG);
    CHECK(used == 1 && wrote == 3);
    static const uint8_t latin[] = {'c', 0xE9};
    CHECK_OK(tn_latin1_to_utf8(latin, 2, out, sizeof out, &used, &wrote));
    CHECK(wrote == 3 && out[1] == 0xC3 && out[2] == 0xA9);

    tn_session_free(s);
    tn_session_free(c);
    CHECK_DONE();
}
