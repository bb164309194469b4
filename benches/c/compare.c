/*
 * compare: libtelnet and telnet-rs on the same buffers, in the same process, in turns.
 *
 *   compare [--quick] [--check] [text|binary|mud|negotiation ...]
 *
 * The streams are byte-identical to the anchor benchmark (libtelnet_bench.c):
 *   text    64 MiB of "The quick brown fox jumps over the lazy dog. 0123456789\r\n" repeated
 *   binary  64 MiB of srand(1); rand() & 0xff, every 0xff doubled, a trailing lone 0xff dropped
 *   mud     blocks of 200 bytes of "You see a dark room. Exits: north, south.\r\n" (repeated, cut at
 *           200 bytes) each followed by IAC SB NAWS 0 80 0 24 IAC SE IAC GA
 * plus
 *   negotiation  IAC WILL/WONT/DO/DONT for rotating options with a little data between (feed only)
 *
 * Each stream is fed in 4096-byte chunks and then sent (escaped) in 4096-byte chunks; memcpy of
 * the same buffer in the same chunks is the physical reference. Implementations run in turns,
 * best of N rounds each, so machine noise hits both alike; ratios are what to compare.
 *
 * --quick uses 8 MiB streams and 3 rounds. --check exits 1 when a feed or send ratio falls below
 * half of its target (feed: text 8x, binary 3x, mud 3x; send: text 2x, binary 2x).
 */
#define _POSIX_C_SOURCE 199309L
#include <stddef.h> /* libtelnet.h uses size_t without including it */
#include <libtelnet.h>
#include <telnet-rs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 4096

static size_t lt_data, lt_sent, rs_data;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static size_t make_stream(const char *kind, unsigned char *buf, size_t n) {
    if (!strcmp(kind, "text")) {
        const char *s = "The quick brown fox jumps over the lazy dog. 0123456789\r\n";
        size_t l = strlen(s);
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)s[i % l];
        return n;
    }
    if (!strcmp(kind, "binary")) {
        srand(1);
        size_t i = 0;
        while (i < n) {
            unsigned char b = (unsigned char)(rand() & 0xff);
            if (b == 0xff) {
                if (i + 2 > n)
                    break;
                buf[i++] = 0xff;
            }
            buf[i++] = b;
        }
        return i;
    }
    if (!strcmp(kind, "mud")) {
        const char *s = "You see a dark room. Exits: north, south.\r\n";
        const unsigned char tail[] = {255, 250, 31, 0, 80, 0, 24, 255, 240, 255, 249};
        size_t l = strlen(s), i = 0;
        while (i + 200 + sizeof tail <= n) {
            for (size_t k = 0; k < 200; k++)
                buf[i++] = (unsigned char)s[k % l];
            memcpy(buf + i, tail, sizeof tail);
            i += sizeof tail;
        }
        return i;
    }
    if (!strcmp(kind, "negotiation")) {
        static const unsigned char verbs[] = {251, 252, 253, 254};
        size_t i = 0;
        unsigned k = 0;
        while (i + 16 <= n) {
            buf[i++] = 255;
            buf[i++] = verbs[k % 4];
            buf[i++] = (unsigned char)((k / 4) % 50);
            memcpy(buf + i, "ok\r\n", 4);
            i += 4;
            k++;
        }
        return i;
    }
    fprintf(stderr, "compare: unknown stream '%s' (text, binary, mud, negotiation)\n", kind);
    exit(2);
}

static void lt_handler(telnet_t *t, telnet_event_t *ev, void *ud) {
    (void)t;
    (void)ud;
    if (ev->type == TELNET_EV_DATA)
        lt_data += ev->data.size;
    else if (ev->type == TELNET_EV_SEND)
        lt_sent += ev->data.size;
}

static void rs_handler(void *ud, tn_session *s, const tn_event *ev) {
    (void)ud;
    (void)s;
    if (ev->kind == TN_EVENT_KIND_DATA)
        rs_data += ev->u.data.len;
}

static const telnet_telopt_t lt_opts[] = {{1, TELNET_WILL, TELNET_DONT},
                                          {3, TELNET_WILL, TELNET_DO},
                                          {24, TELNET_WONT, TELNET_DO},
                                          {31, TELNET_WONT, TELNET_DO},
                                          {-1, 0, 0}};

static tn_session *rs_new(void) {
    tn_config *c;
    tn_session *s;
    if (tn_config_new(TN_ROLE_SERVER, &c) != TN_RESULT_OK)
        exit(1);
    /* The same policy as libtelnet's table above. */
    tn_config_allow(c, 1, TN_SIDE_LOCAL);
    tn_config_allow(c, 3, TN_SIDE_LOCAL);
    tn_config_allow(c, 3, TN_SIDE_REMOTE);
    tn_config_allow(c, 24, TN_SIDE_REMOTE);
    tn_config_allow(c, 31, TN_SIDE_REMOTE);
    tn_config_set_output_limit(c, (size_t)1 << 30);
    if (tn_session_new(c, rs_handler, NULL, &s) != TN_RESULT_OK)
        exit(1);
    tn_config_free(c);
    /* Both sides see WILL NAWS first, so NAWS subnegotiations count as such. */
    static const uint8_t will_naws[] = {255, 251, 31};
    tn_session_feed(s, will_naws, sizeof will_naws, NULL);
    tn_session_consume_output(s, tn_session_output_len(s));
    return s;
}

typedef struct result {
    double lt_feed, rs_feed, lt_send, rs_send, memcpy_;
} result;

static double best(double a, double b) { return a < b ? a : b; }

static result run(const unsigned char *buf, size_t n, unsigned char *dst, int rounds, int do_send) {
    result r = {1e9, 1e9, 1e9, 1e9, 1e9};
    telnet_t *t = telnet_init(lt_opts, lt_handler, 0, NULL);
    static const char will_naws[] = {(char)255, (char)251, 31};
    telnet_recv(t, will_naws, sizeof will_naws);
    tn_session *s = rs_new();
    for (int round = 0; round < rounds; round++) {
        double t0 = now();
        lt_data = 0;
        for (size_t off = 0; off < n; off += CHUNK)
            telnet_recv(t, (const char *)buf + off, n - off < CHUNK ? n - off : CHUNK);
        r.lt_feed = best(r.lt_feed, now() - t0);

        t0 = now();
        rs_data = 0;
        for (size_t off = 0; off < n; off += CHUNK) {
            size_t len = n - off < CHUNK ? n - off : CHUNK;
            tn_session_feed(s, buf + off, len, NULL);
            /* Replies to negotiation are what a real program writes next; count them as
             * written, as libtelnet's handler does with its SEND events. */
            tn_session_consume_output(s, tn_session_output_len(s));
        }
        r.rs_feed = best(r.rs_feed, now() - t0);

        if (do_send) {
            t0 = now();
            for (size_t off = 0; off < n; off += CHUNK)
                telnet_send(t, (const char *)buf + off, n - off < CHUNK ? n - off : CHUNK);
            r.lt_send = best(r.lt_send, now() - t0);

            t0 = now();
            size_t sent = 0;
            for (size_t off = 0; off < n; off += CHUNK) {
                tn_session_send(s, buf + off, n - off < CHUNK ? n - off : CHUNK, NULL);
                const uint8_t *p;
                size_t len;
                while (tn_session_peek_output(s, &p, &len, NULL) == TN_RESULT_OK && len) {
                    sent += len;
                    tn_session_consume_output(s, len);
                }
            }
            r.rs_send = best(r.rs_send, now() - t0);
            if (sent < n)
                fprintf(stderr, "compare: telnet-rs sent only %zu of %zu bytes\n", sent, n);
        }

        t0 = now();
        for (size_t off = 0; off < n; off += CHUNK)
            memcpy(dst + off, buf + off, n - off < CHUNK ? n - off : CHUNK);
        r.memcpy_ = best(r.memcpy_, now() - t0);
    }
    if (lt_data != rs_data)
        fprintf(stderr, "compare: data bytes differ: libtelnet %zu, telnet-rs %zu\n", lt_data, rs_data);
    telnet_free(t);
    tn_session_free(s);
    return r;
}

int main(int argc, char **argv) {
    int quick = 0, check = 0, nkinds = 0;
    const char *kinds[8];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--check"))
            check = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: compare [--quick] [--check] [text|binary|mud|negotiation ...]\n"
                   "Feed and send throughput of libtelnet and telnet-rs on identical buffers,\n"
                   "with memcpy as the physical reference. --check fails below half a target.\n");
            return 0;
        } else if (nkinds < 8)
            kinds[nkinds++] = argv[i];
    }
    if (!nkinds) {
        kinds[0] = "text";
        kinds[1] = "binary";
        kinds[2] = "mud";
        kinds[3] = "negotiation";
        nkinds = 4;
    }
    size_t cap = (size_t)(quick ? 8 : 64) << 20;
    int rounds = quick ? 3 : 5;
    unsigned char *buf = malloc(cap), *dst = malloc(cap);
    if (!buf || !dst)
        return 1;
    int failed = 0;
    printf("%-12s %-5s %12s %12s %8s %12s %10s\n", "stream", "op", "libtelnet", "telnet-rs", "ratio",
           "memcpy", "rs/memcpy");
    for (int k = 0; k < nkinds; k++) {
        size_t n = make_stream(kinds[k], buf, cap);
        int do_send = strcmp(kinds[k], "negotiation") != 0;
        result r = run(buf, n, dst, rounds, do_send);
        double mb = n / 1e6;
        double feed_ratio = r.lt_feed / r.rs_feed;
        printf("%-12s %-5s %9.0f MB/s %9.0f MB/s %7.2fx %9.0f MB/s %9.0f%%\n", kinds[k], "feed",
               mb / r.lt_feed, mb / r.rs_feed, feed_ratio, mb / r.memcpy_, 100.0 * r.memcpy_ / r.rs_feed);
        double feed_target = !strcmp(kinds[k], "text") ? 8 : (!strcmp(kinds[k], "negotiation") ? 0 : 3);
        if (check && feed_ratio < feed_target / 2) {
            printf("  FAIL: feed %s ratio %.2f below half of the %gx target\n", kinds[k], feed_ratio, feed_target);
            failed = 1;
        }
        if (do_send) {
            double send_ratio = r.lt_send / r.rs_send;
            printf("%-12s %-5s %9.0f MB/s %9.0f MB/s %7.2fx %9.0f MB/s %9.0f%%\n", kinds[k], "send",
                   mb / r.lt_send, mb / r.rs_send, send_ratio, mb / r.memcpy_, 100.0 * r.memcpy_ / r.rs_send);
            double send_target = strcmp(kinds[k], "mud") ? 2 : 0;
            if (check && send_ratio < send_target / 2) {
                printf("  FAIL: send %s ratio %.2f below half of the %gx target\n", kinds[k], send_ratio,
                       send_target);
                failed = 1;
            }
        }
    }
    free(buf);
    free(dst);
    return failed;
}
