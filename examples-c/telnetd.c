/*
 * telnetd: a Telnet daemon on the telnet-rs engine, one pty and one child per connection.
 *
 *   telnetd [--host H] [--port P] [--login-program PATH] [--exec PROGRAM [ARGS...]]
 *
 * It negotiates like BSD telnetd (tn_config_new_server) plus BINARY both ways, and starts the
 * child only once the opening negotiation has settled, so that TERM, the window size and the
 * environment are known when login (or PROGRAM) starts. The engine bridges the pty: window size,
 * interrupt and the other Telnet commands, LINEMODE and BINARY map to the terminal, and the
 * connection closes when the child exits.
 *
 * What the client sends reaches the child only through the library's checks: the user name after
 * "--" (tn_session_user refuses "-f root" and the like, CVE-2026-24061), the environment through
 * the allowlist (tn_session_visit_child_environment), TERM through tn_session_term. Everything
 * else the child sees (argv, PATH, the peer address) is the server's own.
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L

#include <telnet-rs.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_HOST "127.0.0.1" /* a demo daemon should not face the network by default */
#define DEFAULT_PORT 2323        /* 23 needs root (or CAP_NET_BIND_SERVICE) */
#define DEFAULT_LOGIN "/bin/login"
#define SETTLE_MS 5000
#define MAX_SESSIONS 1000
#define FDS_PER_SESSION 3 /* the socket, the pty master, the child's pidfd */
#define FDS_SPARE 32      /* stdio, the engine's epoll, signalfd, waker, listeners */
#define LINGER_MS 1000
#define TYPEAHEAD_MAX 1024
#define KEEPALIVE_S 60
#define ENV_MAX 96 /* the library keeps at most 64 client variables; ours are a handful */
#define SAFE_PATH "/usr/local/bin:/usr/bin:/bin"

typedef struct options {
    const char *host;
    uint16_t port;
    const char *login;            /* the login program, when not exec */
    char *const *exec_argv;       /* PROGRAM ARGS..., or NULL */
    size_t exec_argc;
} options;

typedef struct server {
    options opt;
    tn_engine *engine;
    unsigned long long connections; /* numbers the log lines of each connection */
} server;

/* Per connection, from `opened` to `closed`. */
typedef struct conn_state {
    unsigned long long id;
    char host[64]; /* numeric, from the socket: never client-controlled */
    uint16_t port;
    int started;
    /* Input typed before the child exists, given to it when it starts instead of being lost. */
    size_t typeahead_len;
    char typeahead[TYPEAHEAD_MAX];
} conn_state;

/* A child environment under construction: "NAME=value" strings we own. */
typedef struct env_list {
    char *vars[ENV_MAX];
    size_t count;
    int failed;
} env_list;

static const char *prog = "telnetd";

static void usage(FILE *f) {
    fprintf(f,
            "usage: %s [--host H] [--port P] [--login-program PATH] [--exec PROGRAM [ARGS...]]\n"
            "\n"
            "A Telnet daemon (telnet-rs %s): one pty and one child per connection.\n"
            "\n"
            "  --host H             address to listen on (default %s; 0.0.0.0 or :: for all)\n"
            "  --port P             port to listen on (default %d; 23 needs root)\n"
            "  --login-program PATH run PATH -p -h <peer address> [-- <user>] (default %s)\n"
            "  --exec PROGRAM ARGS  run PROGRAM (an absolute path) with ARGS instead, without\n"
            "                       login; every argument after PROGRAM is passed to it\n"
            "  --help               show this help\n"
            "\n"
            "SIGINT or SIGTERM stops the daemon; open sessions are closed and their programs get\n"
            "SIGHUP.\n",
            prog, tn_version_cstr(), DEFAULT_HOST, DEFAULT_PORT, DEFAULT_LOGIN);
}

static void bad_usage(const char *fmt, const char *arg) {
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
    exit(2);
}

/* The value of "--name value" or "--name=value"; advances *i past what it used. */
static const char *option_value(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc)
        bad_usage("%s needs a value", name);
    return argv[++*i];
}

static uint16_t parse_port(const char *s) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    /* 0 is allowed: the system picks a free port, which the "listening" line reports. */
    if (errno || end == s || *end != '\0' || v < 0 || v > 65535)
        bad_usage("invalid port '%s'", s);
    return (uint16_t)v;
}

static void parse_args(int argc, char **argv, options *o) {
    const char *v;
    o->host = DEFAULT_HOST;
    o->port = DEFAULT_PORT;
    o->login = NULL;
    o->exec_argv = NULL;
    o->exec_argc = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            exit(0);
        } else if ((v = option_value(argc, argv, &i, "--host"))) {
            o->host = v;
        } else if ((v = option_value(argc, argv, &i, "--port"))) {
            o->port = parse_port(v);
        } else if ((v = option_value(argc, argv, &i, "--login-program"))) {
            o->login = v;
        } else if ((v = option_value(argc, argv, &i, "--exec"))) {
            /* Everything after PROGRAM belongs to PROGRAM, options included. PROGRAM itself
             * stays in place as the child's argv[0]: "--exec=P" is rewritten to "P". */
            argv[i] = (char *)v;
            o->exec_argv = &argv[i];
            o->exec_argc = (size_t)(argc - i);
            break;
        } else {
            bad_usage("unknown argument '%s'", argv[i]);
        }
    }
    if (o->login && o->exec_argv)
        bad_usage("%s", "--login-program and --exec cannot be used together");
    if (!o->login)
        o->login = DEFAULT_LOGIN;
    /* No PATH search: the daemon runs exactly the file named, whatever its environment. */
    const char *program = o->exec_argv ? o->exec_argv[0] : o->login;
    if (program[0] != '/')
        bad_usage("the program must be an absolute path, not '%s'", program);
}

/* ----- the child's environment ----- */

static void env_set(env_list *e, const char *name, size_t name_len, const char *value,
                    size_t value_len) {
    char *var = malloc(name_len + value_len + 2);
    if (!var) {
        e->failed = 1;
        return;
    }
    memcpy(var, name, name_len);
    var[name_len] = '=';
    memcpy(var + name_len + 1, value, value_len);
    var[name_len + 1 + value_len] = '\0';
    for (size_t i = 0; i < e->count; i++) {
        if (!strncmp(e->vars[i], var, name_len + 1)) { /* same "NAME=": the later value wins */
            free(e->vars[i]);
            e->vars[i] = var;
            return;
        }
    }
    if (e->count == ENV_MAX) {
        free(var);
        e->failed = 1;
        return;
    }
    e->vars[e->count++] = var;
}

static void env_set_cstr(env_list *e, const char *name, const char *value) {
    env_set(e, name, strlen(name), value, strlen(value));
}

static const char *env_get(const env_list *e, const char *name) {
    size_t n = strlen(name);
    for (size_t i = 0; i < e->count; i++)
        if (!strncmp(e->vars[i], name, n) && e->vars[i][n] == '=')
            return e->vars[i] + n + 1;
    return "";
}

static void env_free(env_list *e) {
    for (size_t i = 0; i < e->count; i++)
        free(e->vars[i]);
    e->count = 0;
}

/* Variables the server sets from validated protocol state; a client's value for them is
 * dropped even though the allowlist admits the name (TERM from NEW-ENVIRON is free text). */
static int server_owned(tn_str name) {
    static const char *const owned[] = {"TERM", "LINES", "COLUMNS", "PATH", "LINEMODE"};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        if (name.len == strlen(owned[i]) && !memcmp(name.ptr, owned[i], name.len))
            return 1;
    return 0;
}

static void visit_client_var(void *userdata, tn_str name, tn_str value) {
    if (!server_owned(name))
        env_set((env_list *)userdata, name.ptr, name.len, value.ptr, value.len);
}

/* What BSD telnetd puts in the environment of login, from this session. */
static void build_env(tn_session *s, env_list *e) {
    char term[64], num[16];
    uint16_t w, h;
    /* NULL: the library's default allowlist (USER LOGNAME TERM DISPLAY LANG LC_* ...). */
    tn_session_visit_child_environment(s, NULL, 0, visit_client_var, e, NULL);
    if (tn_session_term(s, term, sizeof term) != TN_RESULT_OK)
        strcpy(term, "network"); /* BSD telnetd's default when the client names no terminal */
    env_set_cstr(e, "TERM", term);
    if (tn_session_window_size(s, &w, &h) == TN_RESULT_OK) {
        if (w) {
            snprintf(num, sizeof num, "%u", (unsigned)w);
            env_set_cstr(e, "COLUMNS", num);
        }
        if (h) {
            snprintf(num, sizeof num, "%u", (unsigned)h);
            env_set_cstr(e, "LINES", num);
        }
    }
    if (tn_session_input_mode(s) == TN_INPUT_MODE_LINEMODE)
        env_set_cstr(e, "LINEMODE", "real");
    else if (tn_session_kludge(s) == TN_KLUDGE_CAPABLE)
        env_set_cstr(e, "LINEMODE", "kludge");
    env_set_cstr(e, "PATH", SAFE_PATH);
}

/* ----- starting the child ----- */

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Gives the new pty what the client typed before the child existed (through the engine's own
 * queue and flow control, like any later input). */
static void flush_typeahead(tn_conn *c, conn_state *st) {
    if (st->typeahead_len)
        tn_conn_write_pty(c, (const uint8_t *)st->typeahead, st->typeahead_len);
    st->typeahead_len = 0;
}

static void typeahead_add(conn_state *st, const void *data, size_t len) {
    size_t room = TYPEAHEAD_MAX - st->typeahead_len;
    if (len > room)
        len = room;
    memcpy(st->typeahead + st->typeahead_len, data, len);
    st->typeahead_len += len;
}

static tn_result spawn_child(server *srv, tn_conn *c, tn_session *s, conn_state *st,
                             const env_list *env, int *pid) {
    const options *o = &srv->opt;
    if (o->exec_argv)
        return tn_conn_spawn(c, o->exec_argv[0], (const char *const *)o->exec_argv,
                             o->exec_argc, (const char *const *)env->vars, env->count, pid);
    /* login -p keeps the environment we built; -h names the peer for utmp and the logs; the
     * user name goes after "--" so that no client value can ever stand in an option position,
     * and only when the library judged it a plain user name. */
    char user[64];
    tn_str u;
    const char *argv[6];
    size_t argc = 0;
    argv[argc++] = base_name(o->login);
    argv[argc++] = "-p";
    argv[argc++] = "-h";
    argv[argc++] = st->host;
    if (tn_session_user(s, &u) == TN_RESULT_OK && u.len < sizeof user) {
        memcpy(user, u.ptr, u.len);
        user[u.len] = '\0';
        argv[argc++] = "--";
        argv[argc++] = user;
    }
    return tn_conn_spawn(c, o->login, argv, argc, (const char *const *)env->vars, env->count,
                         pid);
}

static const char *mode_name(tn_session *s) {
    switch (tn_session_input_mode(s)) {
    case TN_INPUT_MODE_LINEMODE:
        return "linemode";
    case TN_INPUT_MODE_CHARACTER:
        return tn_session_kludge(s) == TN_KLUDGE_CAPABLE ? "kludge" : "character";
    default:
        return "line";
    }
}

static void start_child(server *srv, tn_conn *c, tn_session *s, conn_state *st, int timed_out) {
    env_list env;
    int pid = -1;
    tn_result r;
    uint16_t w = 0, h = 0;
    env.count = 0;
    env.failed = 0;
    st->started = 1;
    build_env(s, &env);
    if (env.failed) {
        r = TN_RESULT_IO;
        errno = ENOMEM;
    } else {
        r = spawn_child(srv, c, s, st, &env, &pid);
    }
    int err = errno;
    const char *program = srv->opt.exec_argv ? srv->opt.exec_argv[0] : srv->opt.login;
    if (r != TN_RESULT_OK) {
        fprintf(stderr, "%s: #%llu %s: cannot start %s: %s\n", prog, st->id,
                st->host, program, r == TN_RESULT_IO ? strerror(err) : tn_result_cstr(r));
        static const char msg[] = "\r\ntelnetd: cannot start a session; closing.\r\n";
        tn_conn_send(c, (const uint8_t *)msg, sizeof msg - 1, NULL);
        tn_conn_close(c);
    } else {
        tn_session_window_size(s, &w, &h);
        fprintf(stderr, "%s: #%llu %s: started %s (pid %d, TERM=%s, %ux%u, %s)%s\n", prog,
                st->id, st->host, program, pid, env_get(&env, "TERM"),
                (unsigned)w, (unsigned)h, mode_name(s),
                timed_out ? " (negotiation timed out)" : "");
        flush_typeahead(c, st);
    }
    env_free(&env);
}

/* ----- engine callbacks ----- */

static void on_opened(void *userdata, tn_conn *c) {
    server *srv = userdata;
    conn_state *st = calloc(1, sizeof *st);
    if (!st || tn_conn_peer(c, st->host, sizeof st->host, &st->port) != TN_RESULT_OK) {
        free(st);
        fprintf(stderr, "%s: dropping a connection: out of memory\n", prog);
        tn_conn_abort(c);
        return;
    }
    st->id = ++srv->connections;
    tn_conn_set_userdata(c, st);
    fprintf(stderr, "%s: #%llu %s: connection from port %u\n", prog, st->id, st->host,
            (unsigned)st->port);
}

static void on_event(void *userdata, tn_conn *c, tn_session *s, const tn_event *ev) {
    conn_state *st = tn_conn_userdata(c);
    if (!st || st->started)
        return; /* once the child runs, the engine's pty bridge does everything */
    switch (ev->kind) {
    case TN_EVENT_KIND_SETTLED:
        start_child((server *)userdata, c, s, st, ev->u.settled);
        break;
    case TN_EVENT_KIND_OPTION_CHANGED:
        /* RFC 727 LOGOUT before the child started (afterwards the bridge does it): go. */
        if (ev->u.option.option == TN_OPT_LOGOUT && ev->u.option.side == TN_SIDE_LOCAL &&
            ev->u.option.enabled)
            tn_conn_close(c);
        break;
    case TN_EVENT_KIND_DATA:
        typeahead_add(st, ev->u.data.ptr, ev->u.data.len);
        break;
    case TN_EVENT_KIND_EOL: {
        /* As the bridge maps line ends once the pty exists (BSD telnetd): a bare LF, or CR LF
         * in LINEMODE, is a newline; any other line end is the Return key. */
        int linemode = tn_session_input_mode(s) == TN_INPUT_MODE_LINEMODE;
        int newline = ev->u.eol == TN_EOL_LF || (ev->u.eol == TN_EOL_CR_LF && linemode);
        typeahead_add(st, newline ? "\n" : "\r", 1);
        break;
    }
    default:
        break;
    }
}

static void on_child_exited(void *userdata, tn_conn *c, int status) {
    conn_state *st = tn_conn_userdata(c);
    (void)userdata;
    if (st)
        fprintf(stderr, "%s: #%llu %s: child exited with status %d\n", prog,
                st->id, st->host, status);
}

static const char *close_reason(tn_close_reason reason) {
    switch (reason) {
    case TN_CLOSE_REASON_PEER_CLOSED:
        return "peer closed";
    case TN_CLOSE_REASON_CLOSED:
        return "closed";
    case TN_CLOSE_REASON_ABORTED:
        return "aborted";
    case TN_CLOSE_REASON_ERROR:
        return "socket error";
    case TN_CLOSE_REASON_IDLE_TIMEOUT:
        return "idle timeout";
    case TN_CLOSE_REASON_SHUTDOWN:
        return "shutdown";
    case TN_CLOSE_REASON_CHILD_EXITED:
        return "child exited";
    default:
        return "unknown reason";
    }
}

static void on_closed(void *userdata, tn_conn *c, tn_close_reason reason, int error) {
    conn_state *st = tn_conn_userdata(c);
    (void)userdata;
    if (!st)
        return;
    if (reason == TN_CLOSE_REASON_ERROR)
        fprintf(stderr, "%s: #%llu %s: disconnected (%s: %s)\n", prog,
                st->id, st->host, close_reason(reason), strerror(error));
    else
        fprintf(stderr, "%s: #%llu %s: disconnected (%s)\n", prog, st->id,
                st->host, close_reason(reason));
    tn_conn_set_userdata(c, NULL);
    free(st);
}

static void on_signal(void *userdata, int signo) {
    server *srv = userdata;
    fprintf(stderr, "%s: %s, shutting down\n", prog, signo == SIGINT ? "SIGINT" : "SIGTERM");
    tn_engine_stop(srv->engine);
}

/* ----- setup ----- */

static tn_config *make_config(void) {
    tn_config *cfg;
    if (tn_config_new_server(&cfg) != TN_RESULT_OK)
        return NULL;
    /* BSD telnetd's plan, plus BINARY asked for both ways so 8-bit data passes unchanged; a
     * client that refuses keeps NVT (7-bit) rules. */
    if (tn_config_request(cfg, TN_OPT_BINARY, TN_SIDE_LOCAL) != TN_RESULT_OK ||
        tn_config_request(cfg, TN_OPT_BINARY, TN_SIDE_REMOTE) != TN_RESULT_OK ||
        tn_config_set_kludge_probe(cfg, true) != TN_RESULT_OK ||
        tn_config_set_settle_timeout_ms(cfg, SETTLE_MS) != TN_RESULT_OK) {
        tn_config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* Raises the open-file limit for MAX_SESSIONS and caps sessions to what the limit allows. */
static void fit_fd_limit(tn_engine *engine) {
    uint64_t wanted = (uint64_t)MAX_SESSIONS * FDS_PER_SESSION + FDS_SPARE, got = 0;
    size_t max = MAX_SESSIONS;
    if (tn_raise_fd_limit(wanted, &got) != TN_RESULT_OK)
        got = 0;
    if (got < wanted) {
        max = got > FDS_SPARE + FDS_PER_SESSION ? (size_t)((got - FDS_SPARE) / FDS_PER_SESSION) : 1;
        fprintf(stderr, "%s: open-file limit is %llu (wanted %llu): at most %zu sessions\n", prog,
                (unsigned long long)got, (unsigned long long)wanted, max);
    }
    tn_engine_set_max_sessions(engine, max);
}

static int listen_on(server *srv, const tn_config *cfg) {
    const char *host = srv->opt.host;
    uint32_t listener;
    uint16_t port = srv->opt.port;
    tn_result r = tn_engine_listen(srv->engine, host, port, cfg, &listener);
    if (r != TN_RESULT_OK) {
        int err = errno;
        fprintf(stderr, "%s: cannot listen on %s port %u: %s\n", prog, host, (unsigned)port,
                r == TN_RESULT_IO          ? strerror(err)
                : r == TN_RESULT_NOT_FOUND ? "no such host"
                                           : tn_result_cstr(r));
        return -1;
    }
    tn_engine_listener_port(srv->engine, listener, &port);
    int v6 = strchr(host, ':') != NULL;
    fprintf(stderr, "%s: listening on %s%s%s:%u\n", prog, v6 ? "[" : "", host, v6 ? "]" : "",
            (unsigned)port);
    return 0;
}

int main(int argc, char **argv) {
    server srv;
    tn_config *cfg = NULL;
    tn_result r;
    int status = 1;
    static const int signals[] = {SIGINT, SIGTERM};
    tn_engine_callbacks cb;

    parse_args(argc, argv, &srv.opt);
    const char *program = srv.opt.exec_argv ? srv.opt.exec_argv[0] : srv.opt.login;
    if (access(program, X_OK) != 0) {
        fprintf(stderr, "%s: cannot run %s: %s\n", prog, program, strerror(errno));
        return 1;
    }
    /* A log line to a closed stderr must not kill the daemon (children get SIG_DFL back). */
    signal(SIGPIPE, SIG_IGN);
    /* Daemon hygiene: children start in /, and the daemon keeps no directory busy. */
    if (chdir("/") != 0) {
        fprintf(stderr, "%s: cannot change to /: %s\n", prog, strerror(errno));
        return 1;
    }

    memset(&cb, 0, sizeof cb);
    cb.opened = on_opened;
    cb.event = on_event;
    cb.child_exited = on_child_exited;
    cb.closed = on_closed;
    cb.signal = on_signal;
    srv.engine = NULL;
    srv.connections = 0;
    if (!(cfg = make_config())) {
        fprintf(stderr, "%s: cannot make the session configuration\n", prog);
        goto out;
    }
    if ((r = tn_engine_new(&cb, &srv, &srv.engine)) != TN_RESULT_OK) {
        fprintf(stderr, "%s: cannot start the engine: %s\n", prog, tn_result_cstr(r));
        goto out;
    }
    if ((r = tn_engine_handle_signals(srv.engine, signals, 2)) != TN_RESULT_OK) {
        fprintf(stderr, "%s: cannot handle signals: %s\n", prog, tn_result_cstr(r));
        goto out;
    }
    tn_engine_set_linger_ms(srv.engine, LINGER_MS);
    /* As BSD telnetd: notice clients that vanished without closing (their shells would live on). */
    tn_engine_set_keepalive(srv.engine, KEEPALIVE_S);
    fit_fd_limit(srv.engine);
    if (listen_on(&srv, cfg) != 0)
        goto out;
    if ((r = tn_engine_run(srv.engine)) != TN_RESULT_OK) {
        fprintf(stderr, "%s: engine stopped: %s\n", prog, tn_result_cstr(r));
        goto out;
    }
    fprintf(stderr, "%s: stopped\n", prog);
    status = 0;
out:
    tn_engine_free(srv.engine);
    tn_config_free(cfg);
    return status;
}
