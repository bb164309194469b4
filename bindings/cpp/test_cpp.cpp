// Test of the C++ wrapper (telnet-rs.hpp): two sessions negotiating in memory, two engines
// echoing a line over loopback TCP, exceptions crossing callbacks, and move semantics.
// Plain checks that print the failed condition and abort; exit 0 on success.

#include "telnet-rs.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            std::fflush(stderr);                                                                   \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)

namespace {

using clock_type = std::chrono::steady_clock;

// Every bounded loop of the test gives up after this long.
constexpr std::chrono::seconds kDeadline(10);

// A distinct exception type thrown from callbacks, to check it arrives unchanged.
struct boom : std::exception {
    explicit boom(int v) : value(v) {}
    const char *what() const noexcept override { return "boom"; }
    int value;
};

// Expects `f` to throw tn::error with `code`.
template <class F>
void expect_error(tn_result code, F &&f) {
    bool thrown = false;
    try {
        f();
    } catch (const tn::error &e) {
        thrown = true;
        if (e.code() != code)
            std::fprintf(stderr, "unexpected error: %s\n", e.what());
        CHECK(e.code() == code);
    }
    CHECK(thrown);
}

// ---------------------------------------------------------------------------------------------
// (a) two sessions in memory
// ---------------------------------------------------------------------------------------------

// What one end saw through its callback.
struct recorder {
    const char *name = "";
    std::string data;                                 // every DATA event, concatenated
    int eols = 0;                                     // EOL events
    bool settled_event = false;                       // SETTLED seen
    std::vector<std::string> terminal_types;          // TERMINAL_TYPE events
    std::vector<tn::window_size_t> window_sizes;      // WINDOW_SIZE events
    std::map<std::pair<int, int>, bool> option_state; // (option, side) -> enabled, from events
    tn::session *self = nullptr;                      // the owning object, for the reentrancy test
    bool throw_boom_on_data = false;                  // throw boom(42) on the next DATA event
    bool throw_error_on_data = false;                 // make a failing call on the next DATA event
    bool try_feed_on_data = false;                    // call feed() from inside the callback
    tn_result feed_inside_result = TN_RESULT_OK;      // what that feed() threw

    void on_event(tn::session_ref s, const tn_event &ev) {
        CHECK(self == nullptr || s.get() == self->get());
        switch (ev.kind) {
        case TN_EVENT_KIND_DATA:
            data += tn::view(ev.u.data);
            if (try_feed_on_data) {
                try_feed_on_data = false;
                try {
                    self->feed("x");
                } catch (const tn::error &e) {
                    feed_inside_result = e.code();
                }
            }
            if (throw_boom_on_data) {
                throw_boom_on_data = false;
                throw boom(42);
            }
            if (throw_error_on_data) {
                throw_error_on_data = false;
                s.send_command(TN_CMD_SE); // TN_RESULT_INVALID_COMMAND, thrown as tn::error
            }
            break;
        case TN_EVENT_KIND_EOL:
            eols++;
            break;
        case TN_EVENT_KIND_SETTLED:
            settled_event = true;
            break;
        case TN_EVENT_KIND_TERMINAL_TYPE:
            terminal_types.emplace_back(tn::view(ev.u.text));
            break;
        case TN_EVENT_KIND_WINDOW_SIZE:
            window_sizes.push_back({ev.u.window_size.width, ev.u.window_size.height});
            break;
        case TN_EVENT_KIND_OPTION_CHANGED:
        case TN_EVENT_KIND_OPTION_REFUSED:
            option_state[{ev.u.option.option, static_cast<int>(ev.u.option.side)}] = ev.u.option.enabled;
            break;
        default:
            break;
        }
    }
};

// Moves what `from` queued into `to`; returns the bytes moved. Every byte must be taken.
std::size_t pump(tn::session &from, tn::session &to) {
    std::string wire;
    std::size_t n = from.drain(wire);
    CHECK(n == wire.size());
    CHECK(from.output_len() == 0);
    if (!wire.empty())
        CHECK(to.feed(wire) == wire.size());
    return n;
}

// Shuttles bytes until nothing moves and both ends are settled (bounded by kDeadline).
void shuttle(tn::session &server, tn::session &client) {
    auto deadline = clock_type::now() + kDeadline;
    for (;;) {
        std::size_t moved = pump(server, client) + pump(client, server);
        if (moved == 0 && server.is_settled() && client.is_settled())
            return;
        CHECK(clock_type::now() < deadline);
        if (moved == 0) {
            // Waiting for a settle timer: sleep until it is due (at most 10 ms), then run it.
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            server.on_timeout();
            client.on_timeout();
        }
    }
}

void test_sessions() {
    recorder srec, crec;
    srec.name = "server";
    crec.name = "client";

    tn::config scfg = tn::config::server();
    tn::config ccfg = tn::config::client();
    ccfg.add_terminal_type("XTERM-256COLOR").set_window_size(132, 43);

    tn::session server(scfg, [&](tn::session_ref s, const tn_event &ev) { srec.on_event(s, ev); });
    tn::session client(ccfg, [&](tn::session_ref s, const tn_event &ev) { crec.on_event(s, ev); });
    srec.self = &server;
    crec.self = &client;

    server.start();
    client.start();
    shuttle(server, client);

    CHECK(server.is_settled() && client.is_settled());
    CHECK(srec.settled_event && crec.settled_event);

    // The server learned the client's terminal type and window size.
    std::optional<std::string> tt = server.terminal_type();
    CHECK(tt.has_value() && *tt == "XTERM-256COLOR");
    CHECK(server.term() == std::optional<std::string>("xterm-256color"));
    CHECK(!srec.terminal_types.empty() && srec.terminal_types.front() == "XTERM-256COLOR");
    std::optional<tn::window_size_t> ws = server.window_size();
    CHECK(ws.has_value() && ws->width == 132 && ws->height == 43);
    CHECK(!srec.window_sizes.empty() && srec.window_sizes.back().width == 132 && srec.window_sizes.back().height == 43);
    CHECK(!client.terminal_type().has_value()); // only a server learns a terminal type
    CHECK(!client.window_size().has_value());

    // LINEMODE, ECHO and SGA agree across both ends: what one end performs, the other sees the
    // peer perform; the state from the events matches the state from the queries.
    const std::uint8_t opts[] = {TN_OPT_LINEMODE, TN_OPT_ECHO, TN_OPT_SGA};
    for (std::uint8_t opt : opts) {
        bool s_local = server.is_enabled(opt, TN_SIDE_LOCAL), s_remote = server.is_enabled(opt, TN_SIDE_REMOTE);
        bool c_local = client.is_enabled(opt, TN_SIDE_LOCAL), c_remote = client.is_enabled(opt, TN_SIDE_REMOTE);
        std::printf("  %-8s server local %d remote %d | client local %d remote %d\n",
                    std::string(tn::option_name(opt)).c_str(), s_local, s_remote, c_local, c_remote);
        CHECK(s_local == c_remote);
        CHECK(s_remote == c_local);
        CHECK(server.option_state(opt, TN_SIDE_LOCAL).enabled == s_local);
        CHECK(server.option_state(opt, TN_SIDE_LOCAL).state == (s_local ? TN_Q_STATE_YES : TN_Q_STATE_NO));
        CHECK(client.option_state(opt, TN_SIDE_REMOTE).state == (c_remote ? TN_Q_STATE_YES : TN_Q_STATE_NO));
        for (int side = 0; side < 2; side++) {
            auto sit = srec.option_state.find({opt, side});
            if (sit != srec.option_state.end())
                CHECK(sit->second == server.is_enabled(opt, static_cast<tn_side>(side)));
            auto cit = crec.option_state.find({opt, side});
            if (cit != crec.option_state.end())
                CHECK(cit->second == client.is_enabled(opt, static_cast<tn_side>(side)));
        }
    }
    // Both BSD plans: the client does LINEMODE, the server suppresses go-ahead.
    CHECK(client.is_enabled(TN_OPT_LINEMODE, TN_SIDE_LOCAL));
    CHECK(server.is_enabled(TN_OPT_SGA, TN_SIDE_LOCAL));
    CHECK(server.input_mode() == client.input_mode());
    CHECK(server.input_mode() == TN_INPUT_MODE_LINEMODE);
    CHECK(server.linemode() == client.linemode());

    // A window size change reaches the server.
    client.set_window_size(100, 30);
    shuttle(server, client);
    ws = server.window_size();
    CHECK(ws && ws->width == 100 && ws->height == 30);

    // Data from the server arrives byte-exact, IAC (0xFF) included, first in NVT mode (no line
    // ends in the text), then every byte value once BINARY is on in that direction.
    const std::string text = "hello \xff\xff world \xff end \xfe\xfd\xfb\xfa\xf0";
    CHECK(server.send(text) == text.size());
    shuttle(server, client);
    CHECK(crec.data == text);
    CHECK(crec.eols == 0);

    server.negotiate(TN_OPT_BINARY, TN_SIDE_LOCAL, true);
    shuttle(server, client);
    CHECK(server.is_enabled(TN_OPT_BINARY, TN_SIDE_LOCAL));
    CHECK(client.is_enabled(TN_OPT_BINARY, TN_SIDE_REMOTE));
    std::vector<std::uint8_t> all;
    for (int round = 0; round < 4; round++)
        for (int b = 0; b < 256; b++)
            all.push_back(static_cast<std::uint8_t>(round % 2 ? 255 - b : b));
    crec.data.clear();
    CHECK(server.send(all) == all.size());
    CHECK(server.output_len() > all.size()); // IAC doubled on the wire
    shuttle(server, client);
    CHECK(crec.data == std::string(all.begin(), all.end()));
    CHECK(crec.eols == 0);

    // A read from a packet-mode pty: the data is queued, FLUSHREAD comes back as a notice.
    crec.data.clear();
    const std::uint8_t packet[] = {0, 'p', 't', 'y'};
    auto fed = server.feed_pty(packet, sizeof packet);
    CHECK(fed.accepted == 3 && fed.notices == 0);
    shuttle(server, client);
    CHECK(crec.data == "pty");
    const std::uint8_t flush_read[] = {1};
    CHECK(server.feed_pty(flush_read, sizeof flush_read).notices == TN_PTY_FLUSH_INPUT);

    // feed() from inside the callback is refused with TN_RESULT_REENTRANT.
    crec.data.clear();
    crec.try_feed_on_data = true;
    server.send("a");
    shuttle(server, client);
    CHECK(crec.feed_inside_result == TN_RESULT_REENTRANT);
    CHECK(crec.data == "a");

    // An exception thrown inside the callback comes out of feed() as that exception, once.
    crec.data.clear();
    crec.throw_boom_on_data = true;
    server.send("BOOM");
    std::string wire;
    server.drain(wire);
    bool caught = false;
    try {
        client.feed(wire);
    } catch (const boom &b) {
        caught = true;
        CHECK(b.value == 42);
    }
    CHECK(caught);
    CHECK(crec.data == "BOOM"); // the event was delivered before the throw
    // The session goes on working; the exception is not thrown again.
    server.send("after");
    shuttle(server, client);
    CHECK(crec.data == "BOOMafter");

    // A tn::error thrown by a session_ref call inside the callback comes out of feed() too.
    crec.throw_error_on_data = true;
    server.send("!");
    wire.clear();
    server.drain(wire);
    expect_error(TN_RESULT_INVALID_COMMAND, [&] { client.feed(wire); });

    // Errors from ordinary calls.
    expect_error(TN_RESULT_INVALID_COMMAND, [&] { server.send_command(TN_CMD_IAC); });
    expect_error(TN_RESULT_INVALID_ARGUMENT, [&] { server.consume_output(server.output_len() + 1); });
    server.send_command(TN_CMD_NOP);
    shuttle(server, client);

    // The send path: a full queue is not an error, send() reports 0 accepted.
    tn::config small(TN_ROLE_SERVER);
    small.set_output_limit(16);
    tn::session tiny(small, nullptr);
    tiny.start();
    std::string big(100, 'x');
    std::size_t first = tiny.send(big);
    CHECK(first > 0 && first < big.size());
    CHECK(tiny.send(big) == 0);
    std::vector<std::uint8_t> out;
    CHECK(tiny.drain(out) == first);
    CHECK(tiny.send(big) > 0);

    std::printf("sessions: ok (terminal %s, window %ux%u, %zu binary bytes)\n", tt->c_str(),
                ws->width, ws->height, all.size());
}

// ---------------------------------------------------------------------------------------------
// (b) two engines over loopback TCP
// ---------------------------------------------------------------------------------------------

// Echoes every line back; stops its engine when woken (from the test's main thread).
struct echo_server : tn::handler {
    tn::engine *engine = nullptr;
    std::string accepted_host;
    int opened_count = 0;
    int closed_count = 0;
    tn_close_reason close_reason = TN_CLOSE_REASON_PEER_CLOSED;
    std::vector<std::string> terminal_types;
    bool linemode_seen = false;

    bool accept(std::uint32_t, std::string_view host, std::uint16_t port) override {
        accepted_host = std::string(host);
        CHECK(port != 0);
        return true;
    }
    void opened(tn::conn c) override {
        opened_count++;
        CHECK(c.tag() == 0);
        CHECK(c.peer().first == "127.0.0.1");
    }
    void event(tn::conn c, tn::session_ref s, const tn_event &ev) override {
        CHECK(s.get() == c.session().get());
        switch (ev.kind) {
        case TN_EVENT_KIND_DATA: {
            std::string_view d = tn::view(ev.u.data);
            CHECK(c.send(d) == d.size());
            break;
        }
        case TN_EVENT_KIND_EOL:
            CHECK(c.send("\r\n") == 2);
            linemode_seen = s.is_enabled(TN_OPT_LINEMODE, TN_SIDE_REMOTE);
            break;
        case TN_EVENT_KIND_TERMINAL_TYPE:
            terminal_types.emplace_back(tn::view(ev.u.text));
            break;
        default:
            break;
        }
    }
    void closed(tn::conn, tn_close_reason reason, int) override {
        closed_count++;
        close_reason = reason;
    }
    void woken() override { engine->stop(); }
};

// Sends a line once settled, collects the echo, then throws from a timer.
struct line_client : tn::handler {
    std::string line;
    bool got_line = false;
    bool sent = false;
    int opened_count = 0;
    int closed_count = 0;
    int failed_count = 0;
    tn_close_reason close_reason = TN_CLOSE_REASON_ERROR;
    const std::string message = "hello \xff world";

    void opened(tn::conn c) override {
        opened_count++;
        CHECK(c.tag() == 7);
        CHECK(c.id() >= 1);
    }
    void event(tn::conn c, tn::session_ref, const tn_event &ev) override {
        switch (ev.kind) {
        case TN_EVENT_KIND_SETTLED:
            if (!sent) {
                sent = true;
                std::string out = message + "\r\n";
                CHECK(c.send(out) == out.size());
            }
            break;
        case TN_EVENT_KIND_DATA:
            line += tn::view(ev.u.data);
            break;
        case TN_EVENT_KIND_EOL:
            got_line = true;
            c.set_timer(1, 99);
            break;
        default:
            break;
        }
    }
    void timer(tn::conn, std::uint64_t id) override { throw boom(static_cast<int>(id)); }
    void connect_failed(std::uint64_t, int) override { failed_count++; }
    void closed(tn::conn, tn_close_reason reason, int) override {
        closed_count++;
        close_reason = reason;
    }
};

// Throws from `woken`, to check that run() stops and rethrows.
struct throwing_waker : tn::handler {
    void woken() override { throw boom(5); }
};

void test_engines() {
    echo_server srv;
    tn::engine server_engine(srv);
    srv.engine = &server_engine;
    server_engine.set_linger_ms(500);
    tn::config scfg = tn::config::server();
    std::uint32_t listener = server_engine.listen("127.0.0.1", 0, scfg);
    std::uint16_t port = server_engine.listener_port(listener);
    CHECK(port != 0);
    expect_error(TN_RESULT_IO, [&] { server_engine.listen("127.0.0.1", port, scfg); }); // busy

    // The server runs on its own thread; its exceptions are handed back to this one.
    std::exception_ptr server_failure;
    std::thread server_thread([&] {
        try {
            server_engine.run();
        } catch (...) {
            server_failure = std::current_exception();
        }
    });

    line_client cli;
    tn::engine client_engine(cli);
    tn::config ccfg = tn::config::client();
    // The client plan delivers data raw; have line ends reported as EOL events as the server does.
    ccfg.add_terminal_type("VT100").set_eol(TN_EOL_MODE_NVT, TN_EOL_MODE_NVT);
    client_engine.connect("127.0.0.1", port, ccfg, 5000, 7);

    // Until the echo arrived and the client's timer threw out of poll().
    auto deadline = clock_type::now() + kDeadline;
    bool timer_threw = false;
    while (!timer_threw && clock_type::now() < deadline) {
        try {
            client_engine.poll(20);
        } catch (const boom &b) {
            CHECK(b.value == 99);
            timer_threw = true;
        }
        CHECK(cli.failed_count == 0);
    }
    CHECK(timer_threw);
    CHECK(cli.got_line);
    CHECK(cli.line == cli.message);
    CHECK(cli.opened_count == 1);
    CHECK(client_engine.session_count() == 1);

    // Stop the server from this thread: wake() is the one call allowed here; the server's
    // woken() calls stop() on its own thread. The client then sees the connection close.
    server_engine.wake();
    deadline = clock_type::now() + kDeadline;
    while (cli.closed_count == 0 && clock_type::now() < deadline)
        client_engine.poll(20);
    CHECK(cli.closed_count == 1);
    CHECK(cli.close_reason == TN_CLOSE_REASON_PEER_CLOSED);
    client_engine.stop();
    deadline = clock_type::now() + kDeadline;
    while (client_engine.session_count() != 0 && clock_type::now() < deadline)
        client_engine.poll(20);
    CHECK(client_engine.session_count() == 0);

    server_thread.join();
    if (server_failure)
        std::rethrow_exception(server_failure);
    CHECK(srv.accepted_host == "127.0.0.1");
    CHECK(srv.opened_count == 1);
    CHECK(srv.closed_count == 1);
    CHECK(srv.close_reason == TN_CLOSE_REASON_SHUTDOWN);
    CHECK(!srv.terminal_types.empty() && srv.terminal_types.front() == "VT100");
    CHECK(server_engine.session_count() == 0);

    // A handler exception during run(): the engine stops, run() returns and rethrows it.
    throwing_waker tw;
    tn::engine lone(tw);
    lone.wake(); // any thread, including this one
    bool caught = false;
    try {
        lone.run();
    } catch (const boom &b) {
        caught = b.value == 5;
    }
    CHECK(caught);

    std::printf("engines: ok (port %u, echoed %zu bytes)\n", port, cli.line.size());
}

// ---------------------------------------------------------------------------------------------
// (c) move semantics
// ---------------------------------------------------------------------------------------------

void test_moves() {
    // config
    tn::config a = tn::config::client();
    tn_config *raw_cfg = a.get();
    CHECK(raw_cfg != nullptr);
    tn::config b = std::move(a);
    CHECK(!a && a.get() == nullptr);
    CHECK(b && b.get() == raw_cfg);
    expect_error(TN_RESULT_NULL_PARAMETER, [&] { a.allow(TN_OPT_ECHO, TN_SIDE_REMOTE); });
    a = std::move(b);
    CHECK(a.get() == raw_cfg && !b);
    tn::config c(TN_ROLE_CLIENT); // an empty plan: start() settles at once
    tn::config d(TN_ROLE_SERVER);
    d = std::move(c); // frees d's own config
    CHECK(!c && d);

    // session: the callback survives the move and sees the same raw session.
    int events = 0;
    tn_session *seen = nullptr;
    tn::session s1(d, [&](tn::session_ref r, const tn_event &) {
        events++;
        seen = r.get();
    });
    tn_session *raw_s = s1.get();
    tn::session s2 = std::move(s1);
    CHECK(!s1 && s1.get() == nullptr);
    CHECK(s2.get() == raw_s);
    s2.start();
    CHECK(events == 1 && seen == raw_s && s2.is_settled());

    // The moved-from session is empty: queries answer neutrally, calls throw.
    CHECK(s1.output_len() == 0 && !s1.is_settled() && s1.timeout_ms() == -1);
    expect_error(TN_RESULT_NULL_PARAMETER, [&] { s1.start(); });
    expect_error(TN_RESULT_NULL_PARAMETER, [&] { s1.feed("x"); });
    expect_error(TN_RESULT_NULL_PARAMETER, [&] { s1.send("x"); });

    // Move-assignment into a live session frees that one and keeps the moved callback.
    tn::session s3(d, nullptr);
    s3 = std::move(s2);
    CHECK(!s2 && s3.get() == raw_s);
    s3.feed("data");
    CHECK(events == 2 && seen == raw_s);
    s2 = std::move(s3); // and back, into an empty one
    CHECK(!s3 && s2.get() == raw_s);

    // engine
    tn::handler nothing;
    tn::engine e1(nothing);
    tn_engine *raw_e = e1.get();
    tn::engine e2 = std::move(e1);
    CHECK(!e1 && e2.get() == raw_e);
    std::uint32_t l = e2.listen("127.0.0.1", 0, a);
    CHECK(e2.listener_port(l) != 0);
    e2.poll(0);
    expect_error(TN_RESULT_NULL_PARAMETER, [&] { e1.poll(0); });

    std::printf("moves: ok\n");
    // Destructors of the empty and the live objects run here.
}

extern "C" void on_alarm(int) {
    static const char msg[] = "test_cpp: watchdog: still running after 60 s\n";
    ssize_t r = write(2, msg, sizeof msg - 1);
    (void)r;
    _exit(1);
}

} // namespace

int main() {
    // A backstop in case a bounded loop is not bounded after all.
    std::signal(SIGALRM, on_alarm);
    alarm(60);

    std::printf("telnet-rs %s (header %s)\n", tn::version(), TN_VERSION_STRING);
    try {
        test_sessions();
        test_engines();
        test_moves();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "test_cpp: unexpected exception: %s\n", e.what());
        return 1;
    }
    std::printf("test_cpp: all passed\n");
    return 0;
}
