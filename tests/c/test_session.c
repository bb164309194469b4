/*
 * Two sessions driven against each other through the public header only: negotiation, data
 * (every byte value), subnegotiations with 255 inside, commands, Abort Output with Synch,
 * urgent data on a real TCP socket, re-entrant calls from callbacks, deferred free; a real pty
 * in packet mode read by the program and handed over with tn_session_feed_pty.
 */
#define _GNU_SOURCE
#include <telnet-rs.h>

#include "check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

typedef struct recorder {
    unsigned char data[4096];
    size_t data_len;
    int eols[4];
    int commands[256];
    int enabled[2][256]; /* [side][option]: +1 per enable, -1 per disable */
    int refused[2][256];
    unsigned char sb_payload[512];
    size_t sb_len;
    int sb_option;
    int warnings;
    int reentrant_result;
    int free_in_callback;
} recorder;

static void on_event(void *ud, tn_session *s, const tn_event *ev) {
    recorder *r = (recorder *)ud;
    switch (ev->kind) {
    case TN_EVENT_KIND_DATA:
        if (r->data_len + ev->u.data.len <= sizeof r->data) {
            memcpy(r->data + r->data_len, ev->u.data.ptr, ev->u.data.len);
            r->data_len += ev->u.data.len;
        }
        if (r->free_in_callback) {
            tn_session_free(s); /* deferred until feed returns */
            r->free_in_callback = 0;
        }
        break;
    case TN_EVENT_KIND_EOL:
        r->eols[ev->u.eol]++;
        break;
    case TN_EVENT_KIND_COMMAND: {
        r->commands[ev->u.command]++;
        /* Re-entrancy: feeding from inside the callback is refused, sending works. */
        static const uint8_t x = 'x';
        r->reentrant_result = (int)tn_session_feed(s, &x, 1, NULL);
        if (ev->u.command == TN_CMD_AYT)
            tn_session_send(s, (const uint8_t *)"[yes]", 5, NULL);
        break;
    }
    case TN_EVENT_KIND_OPTION_CHANGED:
        r->enabled[ev->u.option.side][ev->u.option.option] += ev->u.option.enabled ? 1 : -1;
        break;
    case TN_EVENT_KIND_OPTION_REFUSED:
        r->refused[ev->u.option.side][ev->u.option.option]++;
        break;
    case TN_EVENT_KIND_SUBNEGOTIATION:
        r->sb_option = ev->u.subnegotiation.option;
        r->sb_len = ev->u.subnegotiation.payload.len;
        if (r->sb_len <= sizeof r->sb_payload)
            memcpy(r->sb_payload, ev->u.subnegotiation.payload.ptr, r->sb_len);
        break;
    case TN_EVENT_KIND_WARNING:
        r->warnings++;
        break;
    default:
        break;
    }
}

/* Moves all queued output of `from` into `to`. */
static size_t pump(tn_session *from, tn_session *to) {
    size_t moved = 0;
    for (;;) {
        const uint8_t *p;
        size_t n;
        bool urgent;
        CHECK_OK(tn_session_peek_output(from, &p, &n, &urgent));
        if (n == 0)
            return moved;
        uint8_t buf[8192];
        if (n > sizeof buf)
            n = sizeof buf;
        memcpy(buf, p, n);
        CHECK_OK(tn_session_consume_output(from, n));
        size_t used = 0;
        CHECK_OK(tn_session_feed(to, buf, n, &used));
        CHECK(used == n);
        moved += n;
    }
}

static void settle(tn_session *a, tn_session *b) {
    for (int i = 0; i < 100 && pump(a, b) + pump(b, a) > 0; i++) {
    }
}

static void make_pair(tn_session **server, recorder *rs, tn_session **client, recorder *rc) {
    tn_config *sc, *cc;
    CHECK_OK(tn_config_new(TN_ROLE_SERVER, &sc));
    CHECK_OK(tn_config_new(TN_ROLE_CLIENT, &cc));
    CHECK_OK(tn_config_request(sc, TN_OPT_ECHO, TN_SIDE_LOCAL));
    CHECK_OK(tn_config_request(sc, TN_OPT_SGA, TN_SIDE_LOCAL));
    CHECK_OK(tn_config_request(sc, TN_OPT_TTYPE, TN_SIDE_REMOTE));
    CHECK_OK(tn_config_request(sc, TN_OPT_NAWS, TN_SIDE_REMOTE));
    CHECK_OK(tn_config_allow(cc, TN_OPT_ECHO, TN_SIDE_REMOTE));
    CHECK_OK(tn_config_allow(cc, TN_OPT_SGA, TN_SIDE_REMOTE));
    CHECK_OK(tn_config_allow(cc, TN_OPT_TTYPE, TN_SIDE_LOCAL));
    /* GMCP carries raw subnegotiations (the library has no typed meaning for it). */
    CHECK_OK(tn_config_allow(sc, TN_OPT_GMCP, TN_SIDE_REMOTE));
    CHECK_OK(tn_config_request(cc, TN_OPT_GMCP, TN_SIDE_LOCAL));
    /* NAWS deliberately not allowed by the client: it must be refused. */
    memset(rs, 0, sizeof *rs);
    memset(rc, 0, sizeof *rc);
    CHECK_OK(tn_session_new(sc, on_event, rs, server));
    CHECK_OK(tn_session_new(cc, on_event, rc, client));
    tn_config_free(sc);
    tn_config_free(cc);
}

static void test_negotiation(void) {
    tn_session *s, *c;
    recorder rs, rc;
    make_pair(&s, &rs, &c, &rc);
    CHECK_OK(tn_session_start(s));
    CHECK_OK(tn_session_start(c));
    settle(s, c);
    CHECK(tn_session_is_enabled(s, TN_OPT_ECHO, TN_SIDE_LOCAL));
    CHECK(tn_session_is_enabled(c, TN_OPT_ECHO, TN_SIDE_REMOTE));
    CHECK(tn_session_is_enabled(s, TN_OPT_TTYPE, TN_SIDE_REMOTE));
    CHECK(!tn_session_is_enabled(s, TN_OPT_NAWS, TN_SIDE_REMOTE));
    CHECK(rs.enabled[TN_SIDE_LOCAL][TN_OPT_ECHO] == 1);
    CHECK(rs.enabled[TN_SIDE_REMOTE][TN_OPT_TTYPE] == 1);
    CHECK(rc.enabled[TN_SIDE_LOCAL][TN_OPT_TTYPE] == 1);
    CHECK(rs.refused[TN_SIDE_REMOTE][TN_OPT_NAWS] == 1);
    tn_option_state st;
    CHECK_OK(tn_session_option_state(s, TN_OPT_NAWS, TN_SIDE_REMOTE, &st));
    CHECK(st.state == TN_Q_STATE_NO && !st.enabled);
    /* Asking again for what is on sends nothing. */
    CHECK_OK(tn_session_negotiate(s, TN_OPT_ECHO, TN_SIDE_LOCAL, true));
    CHECK(tn_session_output_len(s) == 0);
    /* Turning echo off: WANTNO until the client confirms, then one disable event each side. */
    CHECK_OK(tn_session_negotiate(s, TN_OPT_ECHO, TN_SIDE_LOCAL, false));
    CHECK_OK(tn_session_option_state(s, TN_OPT_ECHO, TN_SIDE_LOCAL, &st));
    CHECK(st.state == TN_Q_STATE_WANT_NO && st.enabled);
    settle(s, c);
    CHECK(!tn_session_is_enabled(s, TN_OPT_ECHO, TN_SIDE_LOCAL));
    CHECK(rs.enabled[TN_SIDE_LOCAL][TN_OPT_ECHO] == 0);
    CHECK(rc.enabled[TN_SIDE_REMOTE][TN_OPT_ECHO] == 0);
    CHECK(rs.warnings == 0 && rc.warnings == 0);
    tn_session_free(s);
    tn_session_free(c);
}

static void test_data_and_subnegotiation(void) {
    tn_session *s, *c;
    recorder rs, rc;
    make_pair(&s, &rs, &c, &rc);
    tn_session_start(s);
    tn_session_start(c);
    settle(s, c);
    uint8_t all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    size_t took = 0;
    CHECK_OK(tn_session_send(c, all, sizeof all, &took));
    CHECK(took == 256);
    settle(s, c);
    CHECK(rs.data_len == 256 && memcmp(rs.data, all, 256) == 0);

    static const uint8_t payload[] = {0, 255, 1, 255, 255, 240};
    CHECK_OK(tn_session_send_subnegotiation(c, TN_OPT_GMCP, payload, sizeof payload));
    settle(s, c);
    CHECK(rs.sb_option == TN_OPT_GMCP);
    CHECK(rs.sb_len == sizeof payload && memcmp(rs.sb_payload, payload, sizeof payload) == 0);

    /* Commands arrive as commands; a callback answers AYT and cannot re-enter feed. */
    CHECK_OK(tn_session_send_command(c, TN_CMD_AYT));
    CHECK_OK(tn_session_send_command(c, TN_CMD_IP));
    CHECK(tn_session_send_command(c, TN_CMD_SB) == TN_RESULT_INVALID_COMMAND);
    CHECK(tn_session_send_command(c, TN_CMD_WILL) == TN_RESULT_INVALID_COMMAND);
    rc.data_len = 0;
    settle(s, c);
    CHECK(rs.commands[TN_CMD_AYT] == 1 && rs.commands[TN_CMD_IP] == 1);
    CHECK(rs.reentrant_result == TN_RESULT_REENTRANT);
    CHECK(rc.data_len == 5 && memcmp(rc.data, "[yes]", 5) == 0);
    tn_session_free(s);
    tn_session_free(c);
}

static void test_nvt_lines(void) {
    tn_session *s, *c;
    recorder rs, rc;
    make_pair(&s, &rs, &c, &rc);
    CHECK_OK(tn_session_set_eol(s, TN_EOL_MODE_NVT, TN_EOL_MODE_NVT));
    CHECK_OK(tn_session_set_eol(c, TN_EOL_MODE_NVT, TN_EOL_MODE_NVT));
    CHECK(tn_session_set_eol(c, 7, 0) == TN_RESULT_INVALID_ARGUMENT);
    /* Output translation: "\n" -> CR LF, "\r" -> CR NUL; input reports each line end. */
    static const char text[] = "one\ntwo\r\nthree\rfour";
    CHECK_OK(tn_session_send(c, (const uint8_t *)text, strlen(text), NULL));
    settle(s, c);
    CHECK(rs.data_len == strlen("onetwothreefour"));
    CHECK(memcmp(rs.data, "onetwothreefour", rs.data_len) == 0);
    CHECK(rs.eols[TN_EOL_CR_LF] == 2 && rs.eols[TN_EOL_CR_NUL] == 1);
    /* Raw input from a sloppy peer: bare CR and bare LF are told apart. */
    static const uint8_t sloppy[] = {'a', '\r', 'b', '\n'};
    CHECK_OK(tn_session_feed(s, sloppy, sizeof sloppy, NULL));
    CHECK(rs.eols[TN_EOL_CR] == 1 && rs.eols[TN_EOL_LF] == 1);
    tn_session_free(s);
    tn_session_free(c);
}

static void test_abort_output(void) {
    tn_session *s, *c;
    recorder rs, rc;
    make_pair(&s, &rs, &c, &rc);
    CHECK_OK(tn_session_send(s, (const uint8_t *)"doomed", 6, NULL));
    CHECK_OK(tn_session_negotiate(s, TN_OPT_BINARY, TN_SIDE_LOCAL, true));
    static const uint8_t sb[] = {1};
    CHECK_OK(tn_session_send_subnegotiation(s, TN_OPT_TTYPE, sb, 1));
    CHECK_OK(tn_session_send(s, (const uint8_t *)"also doomed", 11, NULL));
    size_t dropped = 0;
    CHECK_OK(tn_session_clear_output(s, &dropped));
    CHECK(dropped == 17);
    const uint8_t *p;
    size_t n;
    bool urgent = true;
    CHECK_OK(tn_session_peek_output(s, &p, &n, &urgent));
    static const uint8_t kept[] = {255, 251, 0, 255, 250, 24, 1, 255, 240, 255};
    CHECK(!urgent && n == sizeof kept && memcmp(p, kept, n) == 0);
    CHECK_OK(tn_session_consume_output(s, n));
    CHECK_OK(tn_session_peek_output(s, &p, &n, &urgent));
    CHECK(urgent && n == 1 && p[0] == TN_CMD_DM);
    CHECK(tn_session_consume_output(s, 2) == TN_RESULT_INVALID_ARGUMENT);
    CHECK_OK(tn_session_consume_output(s, 1));
    CHECK(tn_session_output_len(s) == 0);

    /* Input side of a Synch: after the urgent notice, data is discarded until DM. */
    rs.data_len = 0;
    CHECK_OK(tn_session_input_urgent(s));
    static const uint8_t in[] = {'j', 'u', 'n', 'k', 255, 244, 255, 242, 'o', 'k'};
    CHECK_OK(tn_session_feed(s, in, sizeof in, NULL));
    CHECK(rs.commands[TN_CMD_IP] == 1 && rs.commands[TN_CMD_DM] == 1);
    CHECK(rs.data_len == 2 && memcmp(rs.data, "ok", 2) == 0);
    tn_session_free(s);
    tn_session_free(c);
}

/* The DM of a Synch leaves a real TCP socket as urgent data. */
static void test_urgent_over_tcp(void) {
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    CHECK(bind(lfd, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(listen(lfd, 1) == 0);
    CHECK(getsockname(lfd, (struct sockaddr *)&a, &alen) == 0);
    int cfd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(cfd, (struct sockaddr *)&a, sizeof a) == 0);
    int sfd = accept(lfd, NULL, NULL);
    CHECK(sfd >= 0);
    fcntl(sfd, F_SETFL, fcntl(sfd, F_GETFL) | O_NONBLOCK);

    tn_config *cfg;
    tn_session *s;
    CHECK_OK(tn_config_new(TN_ROLE_SERVER, &cfg));
    CHECK_OK(tn_session_new(cfg, NULL, NULL, &s));
    tn_config_free(cfg);
    CHECK_OK(tn_session_send(s, (const uint8_t *)"hi", 2, NULL));
    CHECK_OK(tn_session_send_synch(s));
    size_t written = 0;
    CHECK_OK(tn_session_flush_fd(s, sfd, &written));
    CHECK(written == 4);
    usleep(50000);
    char buf[16];
    ssize_t n = recv(cfd, buf, sizeof buf, MSG_OOB);
    CHECK(n == 1 && (unsigned char)buf[0] == TN_CMD_DM);
    n = recv(cfd, buf, sizeof buf, 0);
    CHECK(n == 3 && memcmp(buf, "hi\xff", 3) == 0);
    /* A closed peer gives TN_RESULT_IO with errno EPIPE (never SIGPIPE). */
    close(cfd);
    usleep(50000);
    tn_result r = TN_RESULT_OK;
    for (int i = 0; i < 20 && r != TN_RESULT_IO; i++) {
        CHECK_OK(tn_session_send(s, (const uint8_t *)"x", 1, NULL));
        r = tn_session_flush_fd(s, sfd, NULL);
    }
    CHECK(r == TN_RESULT_IO && (errno == EPIPE || errno == ECONNRESET));
    tn_session_free(s);
    close(sfd);
    close(lfd);
}

static void test_free_in_callback(void) {
    tn_session *s, *c;
    recorder rs, rc;
    make_pair(&s, &rs, &c, &rc);
    rs.free_in_callback = 1;
    static const uint8_t in[] = {'a', 255, 241, 'b'};
    size_t used = 0;
    CHECK_OK(tn_session_feed(s, in, sizeof in, &used));
    CHECK(used == sizeof in);
    /* The session is gone: no event after the free request. */
    CHECK(rs.commands[TN_CMD_NOP] == 0);
    tn_session_free(c);
}

/* Reads one packet from a packet-mode master (waits up to a second); returns its length. */
static ssize_t read_packet(int master, uint8_t *buf, size_t size) {
    struct pollfd pfd = {.fd = master, .events = POLLIN};
    if (poll(&pfd, 1, 1000) != 1)
        return -1;
    return read(master, buf, size);
}

/* What a BSD telnetd port does with its pty: read packets, hand them over, act on the notices. */
static void test_pty_packets(void) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(master >= 0);
    if (master < 0)
        return;
    CHECK(grantpt(master) == 0 && unlockpt(master) == 0);
    int one = 1;
    CHECK(ioctl(master, TIOCPKT, &one) == 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    struct termios t;
    CHECK(tcgetattr(slave, &t) == 0);
    cfmakeraw(&t);
    CHECK(tcsetattr(slave, TCSANOW, &t) == 0);
    /* The raw mode change itself may be announced; take whatever is pending first. */
    uint8_t buf[256];
    struct pollfd pfd = {.fd = master, .events = POLLIN};
    while (poll(&pfd, 1, 50) == 1 && read(master, buf, sizeof buf) > 0) {
    }

    tn_session *s, *c;
    recorder rs, rc;
    make_pair(&s, &rs, &c, &rc);
    settle(s, c);
    rc.data_len = 0;

    /* Data: queued for the client, 255 doubled on the wire and undoubled at the client. */
    CHECK(write(slave, "hello\xff", 6) == 6);
    ssize_t n = read_packet(master, buf, sizeof buf);
    CHECK(n == 7 && buf[0] == TIOCPKT_DATA);
    size_t accepted = 99;
    uint32_t notices = 99;
    CHECK_OK(tn_session_feed_pty(s, buf, (size_t)n, &accepted, &notices));
    CHECK(accepted == 6 && notices == 0);
    pump(s, c);
    CHECK(rc.data_len == 6 && memcmp(rc.data, "hello\xff", 6) == 0);

    /* The program discards its input: the notice tells the caller to drop unwritten input. */
    CHECK(tcflush(slave, TCIFLUSH) == 0);
    n = read_packet(master, buf, sizeof buf);
    CHECK(n == 1 && (buf[0] & TIOCPKT_FLUSHREAD));
    CHECK_OK(tn_session_feed_pty(s, buf, (size_t)n, &accepted, &notices));
    CHECK(accepted == 0 && notices == TN_PTY_FLUSH_INPUT);

    /* The program discards its output: queued data goes, a Synch (urgent DM) follows. */
    static const uint8_t queued[] = {TIOCPKT_DATA, 'd', 'o', 'o', 'm', 'e', 'd'};
    CHECK_OK(tn_session_feed_pty(s, queued, sizeof queued, &accepted, NULL));
    CHECK(accepted == 6 && tn_session_output_len(s) == 6);
    CHECK(tcflush(slave, TCOFLUSH) == 0);
    n = read_packet(master, buf, sizeof buf);
    CHECK(n == 1 && (buf[0] & TIOCPKT_FLUSHWRITE));
    CHECK_OK(tn_session_feed_pty(s, buf, (size_t)n, NULL, &notices));
    const uint8_t *p;
    size_t len;
    bool urgent;
    CHECK_OK(tn_session_peek_output(s, &p, &len, &urgent));
    CHECK(len == 1 && p[0] == TN_CMD_IAC && !urgent);
    CHECK_OK(tn_session_consume_output(s, 1));
    CHECK_OK(tn_session_peek_output(s, &p, &len, &urgent));
    CHECK(len == 1 && p[0] == TN_CMD_DM && urgent);
    CHECK_OK(tn_session_consume_output(s, 1));

    /* Misuse: NULL packet with a length, NULL session. */
    CHECK(tn_session_feed_pty(s, NULL, 1, NULL, NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_feed_pty(NULL, buf, 1, NULL, NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK_OK(tn_session_feed_pty(s, NULL, 0, &accepted, &notices));
    CHECK(accepted == 0 && notices == 0);

    tn_session_free(s);
    tn_session_free(c);
    close(slave);
    close(master);
}

int main(void) {
    test_negotiation();
    test_data_and_subnegotiation();
    test_nvt_lines();
    test_abort_output();
    test_urgent_over_tcp();
    test_free_in_callback();
    test_pty_packets();
    CHECK(strcmp(tn_version_cstr(), TN_VERSION_STRING) == 0);
    CHECK_DONE();
}
