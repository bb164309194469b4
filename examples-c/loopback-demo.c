/*
 * loopback-demo: a Telnet server session and a client session talking to each other in memory.
 *
 * Shows the whole C API without any socket: configuration, the opening plan, RFC 1143
 * negotiation, subnegotiations answered from inside the event callback, NVT end-of-line delivery,
 * and the output queue drained with peek/consume. Every byte that crosses the "wire" is printed
 * decoded, followed by the events each side reports.
 */
#include <telnet-rs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct peer {
    const char *name;
    tn_session *session;
    int naws_sent;
} peer;

static void die(const char *what, tn_result r) {
    fprintf(stderr, "loopback-demo: %s: %s\n", what, tn_result_cstr(r));
    exit(1);
}

static void print_name(tn_str s, unsigned code) {
    if (s.len)
        printf("%.*s", (int)s.len, s.ptr);
    else
        printf("%u", code);
}

/* Prints wire bytes the way a protocol trace reads: commands by name, data as text. */
static void print_wire(const char *from, const uint8_t *p, size_t n) {
    size_t i = 0;
    printf("  %s ->", from);
    while (i < n) {
        if (p[i] == TN_CMD_IAC && i + 1 < n) {
            uint8_t c = p[i + 1];
            printf(" IAC ");
            print_name(tn_command_name(c), c);
            i += 2;
            if ((c >= TN_CMD_WILL && c <= TN_CMD_DONT) || c == TN_CMD_SB) {
                if (i < n) {
                    printf(" ");
                    print_name(tn_option_name(p[i]), p[i]);
                    i++;
                }
            }
        } else {
            /* A run of data, shown as one C-style string. */
            printf(" \"");
            while (i < n && p[i] != TN_CMD_IAC) {
                if (p[i] == '\r')
                    printf("\\r");
                else if (p[i] == '\n')
                    printf("\\n");
                else if (p[i] >= 32 && p[i] < 127)
                    printf("%c", p[i]);
                else
                    printf("\\x%02x", p[i]);
                i++;
            }
            printf("\"");
        }
    }
    printf("\n");
}

static void on_event(void *userdata, tn_session *s, const tn_event *ev) {
    peer *me = (peer *)userdata;
    printf("    %s: ", me->name);
    switch (ev->kind) {
    case TN_EVENT_KIND_DATA:
        printf("data \"%.*s\"\n", (int)ev->u.data.len, (const char *)ev->u.data.ptr);
        break;
    case TN_EVENT_KIND_EOL: {
        static const char *names[] = {"CR LF", "CR NUL", "CR", "LF"};
        printf("end of line (%s)\n", names[ev->u.eol]);
        break;
    }
    case TN_EVENT_KIND_COMMAND:
        printf("command ");
        print_name(tn_command_name(ev->u.command), ev->u.command);
        printf("\n");
        break;
    case TN_EVENT_KIND_OPTION_CHANGED:
    case TN_EVENT_KIND_OPTION_REFUSED: {
        const tn_option_event *o = &ev->u.option;
        printf("%s ", o->side == TN_SIDE_LOCAL ? "local" : "remote");
        print_name(tn_option_name(o->option), o->option);
        if (ev->kind == TN_EVENT_KIND_OPTION_REFUSED)
            printf(" refused\n");
        else
            printf(" %s\n", o->enabled ? "enabled" : "disabled");
        /* Answer from inside the callback: the server asks for the terminal type once the
         * client agreed to send it; the client reports its window once NAWS is on. */
        if (o->option == TN_OPT_TTYPE && o->side == TN_SIDE_REMOTE && o->enabled) {
            static const uint8_t send[] = {1}; /* SEND */
            tn_session_send_subnegotiation(s, TN_OPT_TTYPE, send, sizeof send);
        }
        if (o->option == TN_OPT_NAWS && o->side == TN_SIDE_LOCAL && o->enabled && !me->naws_sent) {
            static const uint8_t size[] = {0, 80, 0, 24};
            tn_session_send_subnegotiation(s, TN_OPT_NAWS, size, sizeof size);
            me->naws_sent = 1;
        }
        break;
    }
    case TN_EVENT_KIND_SUBNEGOTIATION: {
        const tn_subnegotiation_event *sb = &ev->u.subnegotiation;
        printf("subnegotiation ");
        print_name(tn_option_name(sb->option), sb->option);
        printf(" [");
        for (size_t i = 0; i < sb->payload.len; i++)
            printf(i ? " %u" : "%u", sb->payload.ptr[i]);
        printf("]\n");
        if (sb->option == TN_OPT_TTYPE && sb->payload.len == 1 && sb->payload.ptr[0] == 1) {
            static const uint8_t is[] = {0, 'X', 'T', 'E', 'R', 'M'}; /* IS "XTERM" */
            tn_session_send_subnegotiation(s, TN_OPT_TTYPE, is, sizeof is);
        }
        break;
    }
    case TN_EVENT_KIND_WARNING:
        printf("warning: %.*s\n", (int)ev->u.warning.message.len, ev->u.warning.message.ptr);
        break;
    default:
        printf("event kind %u\n", (unsigned)ev->kind);
    }
}

/* Moves everything one session queued into the other; returns the bytes moved. */
static size_t pump(peer *from, peer *to) {
    size_t moved = 0;
    for (;;) {
        const uint8_t *p;
        size_t n;
        bool urgent;
        tn_result r = tn_session_peek_output(from->session, &p, &n, &urgent);
        if (r != TN_RESULT_OK)
            die("peek", r);
        if (n == 0)
            return moved;
        /* Copy first: feeding may queue replies in `from` only after we consumed. */
        uint8_t *copy = (uint8_t *)malloc(n);
        if (!copy) {
            fprintf(stderr, "loopback-demo: out of memory\n");
            exit(1);
        }
        memcpy(copy, p, n);
        if ((r = tn_session_consume_output(from->session, n)) != TN_RESULT_OK)
            die("consume", r);
        print_wire(from->name, copy, n);
        size_t used;
        if ((r = tn_session_feed(to->session, copy, n, &used)) != TN_RESULT_OK)
            die("feed", r);
        free(copy);
        moved += n;
    }
}

static void settle(peer *a, peer *b) {
    while (pump(a, b) + pump(b, a) > 0) {
    }
}

int main(int argc, char **argv) {
    if (argc > 1) {
        int help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");
        fprintf(help ? stdout : stderr,
                "usage: loopback-demo\n"
                "Runs a Telnet server session and a client session against each other in memory\n"
                "(telnet-rs %s) and prints every byte on the wire and every event.\n",
                tn_version_cstr());
        return help ? 0 : 2;
    }
    tn_config *sc, *cc;
    tn_result r;
    if ((r = tn_config_new(TN_ROLE_SERVER, &sc)) != TN_RESULT_OK)
        die("config", r);
    if ((r = tn_config_new(TN_ROLE_CLIENT, &cc)) != TN_RESULT_OK)
        die("config", r);
    /* The server's opening plan: echo and suppress go-ahead ourselves, ask for the terminal
     * type and the window size. */
    tn_config_request(sc, TN_OPT_ECHO, TN_SIDE_LOCAL);
    tn_config_request(sc, TN_OPT_SGA, TN_SIDE_LOCAL);
    tn_config_request(sc, TN_OPT_TTYPE, TN_SIDE_REMOTE);
    tn_config_request(sc, TN_OPT_NAWS, TN_SIDE_REMOTE);
    tn_config_set_eol(sc, TN_EOL_MODE_NVT, TN_EOL_MODE_NVT);
    /* The client accepts those, and asks the server to suppress go-ahead too. */
    tn_config_allow(cc, TN_OPT_ECHO, TN_SIDE_REMOTE);
    tn_config_allow(cc, TN_OPT_TTYPE, TN_SIDE_LOCAL);
    tn_config_allow(cc, TN_OPT_NAWS, TN_SIDE_LOCAL);
    tn_config_request(cc, TN_OPT_SGA, TN_SIDE_REMOTE);
    tn_config_set_eol(cc, TN_EOL_MODE_NVT, TN_EOL_MODE_NVT);

    peer server = {"server", NULL, 0}, client = {"client", NULL, 0};
    if ((r = tn_session_new(sc, on_event, &server, &server.session)) != TN_RESULT_OK)
        die("session", r);
    if ((r = tn_session_new(cc, on_event, &client, &client.session)) != TN_RESULT_OK)
        die("session", r);
    tn_config_free(sc);
    tn_config_free(cc);

    printf("telnet-rs %s: server and client in memory\n\nnegotiation:\n", tn_version_cstr());
    tn_session_start(server.session);
    tn_session_start(client.session);
    settle(&server, &client);

    printf("\ndata:\n");
    static const char line[] = "look\n";
    size_t took;
    tn_session_send(client.session, (const uint8_t *)line, strlen(line), &took);
    static const char reply[] = "You see a dark room.\nExits: north.\n";
    tn_session_send(server.session, (const uint8_t *)reply, strlen(reply), &took);
    tn_session_send_command(server.session, TN_CMD_GA);
    settle(&server, &client);

    printf("\nstate:\n");
    static const uint8_t opts[] = {TN_OPT_ECHO, TN_OPT_SGA, TN_OPT_TTYPE, TN_OPT_NAWS};
    for (size_t i = 0; i < sizeof opts; i++) {
        printf("  ");
        print_name(tn_option_name(opts[i]), opts[i]);
        printf(": server local %s, server remote %s\n",
               tn_session_is_enabled(server.session, opts[i], TN_SIDE_LOCAL) ? "on" : "off",
               tn_session_is_enabled(server.session, opts[i], TN_SIDE_REMOTE) ? "on" : "off");
    }
    printf("  session size: %zu bytes\n", tn_session_memory_size(server.session));
    tn_session_free(server.session);
    tn_session_free(client.session);
    return 0;
}
