// telnet-rs.hpp: a header-only C++17 wrapper over the telnet-rs C API (telnet-rs.h).
//
// Everything lives in namespace `tn`. The C types (tn_event, tn_side, tn_result, TN_OPT_*, ...)
// are used as they are; the wrapper adds ownership (RAII, move-only handles), exceptions for
// error codes, std::function / virtual callbacks, and std::string / std::optional accessors.
//
// Errors: every call whose C function returns something other than TN_RESULT_OK throws
// tn::error, except the send paths, where TN_RESULT_WOULD_BLOCK ("queue full, retry later") is
// reported as 0 bytes accepted, and the few calls documented otherwise.
//
// Callbacks: the C library forbids unwinding through its callbacks. Every callback of this
// wrapper runs inside a trampoline that catches all exceptions; the first one is stored and
// rethrown (std::rethrow_exception) from the wrapper call that made the library run the callback
// (tn::session::feed, start, on_timeout, ...; tn::engine::poll, run), after the C call has
// returned. Later exceptions of the same call are dropped; the callbacks keep being called.
//
// Threads: as in C. A session (tn::session) or an engine (tn::engine) is used by one thread at a
// time and its callbacks run on that thread, before the call that triggers them returns. The
// only call allowed from another thread is tn::engine::wake. A tn::config is configured from one
// thread; afterwards several threads may make sessions from it at once as long as none changes it.
//
// Link with the library as usual (-ltelnet-rs, or the CMake targets telnet-rs::telnet-rs /
// telnet-rs::static); there is nothing else to build.

#ifndef TELNET_RS_HPP
#define TELNET_RS_HPP

#include <telnet-rs.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace tn {

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// A failed library call. `code()` is the tn_result; `what()` is "<C function>: <tn_result_cstr>"
/// (plus the errno text for TN_RESULT_IO). For TN_RESULT_IO, `sys_errno()` holds the errno
/// captured when the error was thrown (0 otherwise).
class error : public std::runtime_error {
public:
    /// Makes an error for `code`; `context` (may be null) names the failing call.
    explicit error(tn_result code, const char *context = nullptr, int sys_errno = 0)
        : std::runtime_error(describe(code, context, sys_errno)), code_(code), errno_(sys_errno) {}

    /// The result code of the failed call.
    tn_result code() const noexcept { return code_; }

    /// The errno of a TN_RESULT_IO failure, 0 for other codes.
    int sys_errno() const noexcept { return errno_; }

private:
    static std::string describe(tn_result code, const char *context, int sys_errno) {
        std::string s;
        if (context) {
            s += context;
            s += ": ";
        }
        s += tn_result_cstr(static_cast<std::uint32_t>(code));
        if (sys_errno != 0) {
            s += " (";
            s += std::generic_category().message(sys_errno);
            s += ")";
        }
        return s;
    }

    tn_result code_;
    int errno_;
};

/// Throws tn::error unless `r` is TN_RESULT_OK. `context` names the call in the message.
inline void check(tn_result r, const char *context = nullptr) {
    if (r != TN_RESULT_OK)
        throw error(r, context, r == TN_RESULT_IO ? errno : 0);
}

/// For send paths: true for TN_RESULT_OK, false for TN_RESULT_WOULD_BLOCK (not an error: retry
/// after the output queue drained), throws tn::error for anything else.
inline bool check_retry(tn_result r, const char *context = nullptr) {
    if (r == TN_RESULT_WOULD_BLOCK)
        return false;
    check(r, context);
    return true;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/// A view of library bytes (event data, names) as a std::string_view. It is valid exactly as
/// long as the bytes are: event data during the callback only, static names forever.
inline std::string_view view(const tn_bytes &b) noexcept {
    return b.len ? std::string_view(reinterpret_cast<const char *>(b.ptr), b.len) : std::string_view();
}

/// A view of library text (tn_str) as a std::string_view; same lifetime rules as `view(tn_bytes)`.
inline std::string_view view(const tn_str &s) noexcept {
    return s.len ? std::string_view(s.ptr, s.len) : std::string_view();
}

/// The conventional name of an option ("NAWS", ...); empty for an unassigned code. Static.
inline std::string_view option_name(std::uint8_t option) noexcept { return view(tn_option_name(option)); }

/// The name of a command byte ("IP", "AYT", ...); empty for a byte that is no command. Static.
inline std::string_view command_name(std::uint8_t command) noexcept { return view(tn_command_name(command)); }

/// The name of an SLC function ("IP", "EC", ...); empty for an unknown code. Static.
inline std::string_view slc_name(std::uint8_t function) noexcept { return view(tn_slc_name(function)); }

/// The library's version string (compare with TN_VERSION_STRING, the header's). Static.
inline const char *version() noexcept { return tn_version_cstr(); }

/// Raises the open-file soft limit toward `wanted` as far as the hard limit allows; returns the
/// limit in force.
inline std::uint64_t raise_fd_limit(std::uint64_t wanted) {
    std::uint64_t got = 0;
    check(tn_raise_fd_limit(wanted, &got), "tn_raise_fd_limit");
    return got;
}

/// A window size in characters (0: unknown).
struct window_size_t {
    std::uint16_t width = 0;  ///< Columns.
    std::uint16_t height = 0; ///< Rows.
};

/// Terminal speeds in bits per second.
struct terminal_speed_t {
    std::uint32_t transmit = 0; ///< Transmit speed.
    std::uint32_t receive = 0;  ///< Receive speed.
};

/// The front of a session's output queue (see session_ref::peek_output). `data` is valid until
/// the next call that changes the session.
struct output_chunk {
    const std::uint8_t *data = nullptr; ///< First byte to write (null when `size` is 0).
    std::size_t size = 0;               ///< Bytes available here.
    bool urgent = false;                ///< The single DM byte of a Synch (send with MSG_OOB).
};

// ---------------------------------------------------------------------------------------------
// tn::config
// ---------------------------------------------------------------------------------------------

/// Owns a tn_config: role, option policy, opening plan, end-of-line modes and limits. Move-only;
/// a moved-from config is empty (`get()` is null, calls throw TN_RESULT_NULL_PARAMETER).
/// Sessions, listeners and connections copy the configuration when they are made, so it may be
/// changed or destroyed afterwards. Configure it from one thread; afterwards several threads may
/// make sessions from it at once if none changes it. Setters return *this for chaining.
class config {
public:
    /// An empty-policy configuration for `role`: allows no option, requests nothing, raw
    /// end-of-line handling (tn_config_new).
    explicit config(tn_role role) { check(tn_config_new(static_cast<std::uint32_t>(role), &c_), "tn_config_new"); }

    /// A server plan that negotiates like BSD telnetd, NVT end-of-line handling
    /// (tn_config_new_server).
    static config server() {
        tn_config *c = nullptr;
        check(tn_config_new_server(&c), "tn_config_new_server");
        return config(c);
    }

    /// A client plan that negotiates like BSD telnet (tn_config_new_client).
    static config client() {
        tn_config *c = nullptr;
        check(tn_config_new_client(&c), "tn_config_new_client");
        return config(c);
    }

    /// Takes ownership of a raw handle (may be null: an empty config).
    static config adopt(tn_config *raw) noexcept { return config(raw); }

    config(const config &) = delete;
    config &operator=(const config &) = delete;
    /// Moves the handle; `other` becomes empty.
    config(config &&other) noexcept : c_(std::exchange(other.c_, nullptr)) {}
    /// Frees the current handle, then takes `other`'s; `other` becomes empty.
    config &operator=(config &&other) noexcept {
        if (this != &other) {
            tn_config_free(c_);
            c_ = std::exchange(other.c_, nullptr);
        }
        return *this;
    }
    /// Frees the handle (nothing for an empty config).
    ~config() { tn_config_free(c_); }

    /// The raw handle (null when empty); still owned by this object.
    tn_config *get() const noexcept { return c_; }
    /// Gives up ownership: returns the handle (free it with tn_config_free) and becomes empty.
    tn_config *release() noexcept { return std::exchange(c_, nullptr); }
    /// True unless empty.
    explicit operator bool() const noexcept { return c_ != nullptr; }

    /// Lets `side` enable `option` (TN_OPT_*) when the peer asks.
    config &allow(std::uint8_t option, tn_side side) { check(tn_config_allow(c_, option, side), "tn_config_allow"); return *this; }
    /// Stops allowing `side` to enable `option`.
    config &deny(std::uint8_t option, tn_side side) { check(tn_config_deny(c_, option, side), "tn_config_deny"); return *this; }
    /// Appends "ask for `option` on `side`" to the opening plan (and allows it).
    config &request(std::uint8_t option, tn_side side) { check(tn_config_request(c_, option, side), "tn_config_request"); return *this; }
    /// End-of-line handling of received and sent data.
    config &set_eol(tn_eol_mode input, tn_eol_mode output) { check(tn_config_set_eol(c_, input, output), "tn_config_set_eol"); return *this; }
    /// Queued-output size above which sends would block (default 256 KiB, at least 1).
    config &set_output_limit(std::size_t bytes) { check(tn_config_set_output_limit(c_, bytes), "tn_config_set_output_limit"); return *this; }
    /// Longest subnegotiation payload kept (default 64 KiB, at least 1).
    config &set_max_subnegotiation(std::size_t bytes) { check(tn_config_set_max_subnegotiation(c_, bytes), "tn_config_set_max_subnegotiation"); return *this; }
    /// How long to wait for the peer to answer the opening plan before settling (default 4000).
    config &set_settle_timeout_ms(std::uint32_t ms) { check(tn_config_set_settle_timeout_ms(c_, ms), "tn_config_set_settle_timeout_ms"); return *this; }
    /// Whether a subnegotiation answering a pending request counts as agreement (default true).
    config &set_implicit_agreement(bool on) { check(tn_config_set_implicit_agreement(c_, on), "tn_config_set_implicit_agreement"); return *this; }
    /// Report control characters that stand for SLC functions as events (default false).
    config &set_slc_simulation(bool on) { check(tn_config_set_slc_simulation(c_, on), "tn_config_set_slc_simulation"); return *this; }
    /// This end's character for SLC `function` (TN_SLC_*); `vdisable` means disabled.
    config &set_slc(std::uint8_t function, std::uint8_t value, bool changeable, std::uint8_t vdisable) {
        check(tn_config_set_slc(c_, function, value, changeable, vdisable), "tn_config_set_slc");
        return *this;
    }
    /// The encoding used in BINARY mode when CHARSET agreed on none (default "UTF-8").
    config &set_default_encoding(const std::string &name) { check(tn_config_set_default_encoding(c_, name.c_str()), "tn_config_set_default_encoding"); return *this; }
    /// Character sets accepted from a peer's CHARSET REQUEST: the first call replaces the
    /// default ("UTF-8"), later calls append.
    config &add_charset_accept(const std::string &name) { check(tn_config_add_charset_accept(c_, name.c_str()), "tn_config_add_charset_accept"); return *this; }

    // Server settings.
    /// Server: the most TERMINAL-TYPE SEND requests in one cycle (default 8, 1 to 64).
    config &set_ttype_max(std::uint32_t max) { check(tn_config_set_ttype_max(c_, max), "tn_config_set_ttype_max"); return *this; }
    /// Server: adds a variable to the NEW-ENVIRON SEND request (empty name: every one of `kind`).
    config &add_environ_request(tn_var_kind kind, const std::string &name) { check(tn_config_add_environ_request(c_, kind, name.c_str()), "tn_config_add_environ_request"); return *this; }
    /// Server: adds a character set to the CHARSET REQUEST offered, in order of preference.
    config &add_charset_offer(const std::string &name) { check(tn_config_add_charset_offer(c_, name.c_str()), "tn_config_add_charset_offer"); return *this; }
    /// Server: the LINEMODE MODE proposed (TN_MODE_* bits, default EDIT | TRAPSIG).
    config &set_linemode_mode(std::uint8_t mode) { check(tn_config_set_linemode_mode(c_, mode), "tn_config_set_linemode_mode"); return *this; }
    /// Server: probe kludge line mode with DO TIMING-MARK when LINEMODE is refused (default true).
    config &set_kludge_probe(bool on) { check(tn_config_set_kludge_probe(c_, on), "tn_config_set_kludge_probe"); return *this; }
    /// Server: stop echoing while the client edits in LINEMODE, as BSD telnetd (default true).
    config &set_linemode_echo_off(bool on) { check(tn_config_set_linemode_echo_off(c_, on), "tn_config_set_linemode_echo_off"); return *this; }
    /// Server: REMOTE-FLOW-CONTROL restarts output on any character after XOFF (default false).
    config &set_lflow_restart_any(bool on) { check(tn_config_set_lflow_restart_any(c_, on), "tn_config_set_lflow_restart_any"); return *this; }

    // Client settings.
    /// Client: a terminal type to answer TERMINAL-TYPE SEND with (cycling, the last repeated).
    /// The first call replaces the default ("UNKNOWN"); later calls append. Printable ASCII, at
    /// most 40 bytes.
    config &add_terminal_type(const std::string &name) { check(tn_config_add_terminal_type(c_, name.c_str()), "tn_config_add_terminal_type"); return *this; }
    /// Client: the window size NAWS reports at first (default 80x24).
    config &set_window_size(std::uint16_t width, std::uint16_t height) { check(tn_config_set_window_size(c_, width, height), "tn_config_set_window_size"); return *this; }
    /// Client: the speeds TERMINAL-SPEED reports (default 38400, 38400).
    config &set_terminal_speed(std::uint32_t transmit, std::uint32_t receive) { check(tn_config_set_terminal_speed(c_, transmit, receive), "tn_config_set_terminal_speed"); return *this; }
    /// Client: the X display X-DISPLAY-LOCATION reports.
    config &set_x_display(const std::string &display) { check(tn_config_set_x_display(c_, display.c_str()), "tn_config_set_x_display"); return *this; }
    /// Client: the location SEND-LOCATION reports.
    config &set_location(const std::string &location) { check(tn_config_set_location(c_, location.c_str()), "tn_config_set_location"); return *this; }
    /// Client: adds a variable that NEW-ENVIRON / ENVIRON answers disclose (nothing else is).
    config &add_environ_export(tn_var_kind kind, const std::string &name, const std::string &value) {
        check(tn_config_add_environ_export(c_, kind, name.c_str(), value.c_str()), "tn_config_add_environ_export");
        return *this;
    }
    /// Client: accept a server's LINEMODE FORWARDMASK (default false).
    config &set_forwardmask_accept(bool on) { check(tn_config_set_forwardmask_accept(c_, on), "tn_config_set_forwardmask_accept"); return *this; }

private:
    explicit config(tn_config *c) noexcept : c_(c) {}
    tn_config *c_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Session operations shared by tn::session and tn::session_ref
// ---------------------------------------------------------------------------------------------

class session;
class session_ref;

namespace detail {

/// The calls that do not need to own the session. `D` provides `get()` and `after_call_()`
/// (which rethrows a stored callback exception for an owning tn::session).
template <class D>
class session_ops {
public:
    /// Queues application data (IAC doubled, NVT end-of-line translation as configured). Takes
    /// as much as fits under the output limit and returns how many bytes it took; 0 when the
    /// queue is already full (TN_RESULT_WOULD_BLOCK): drain the output and send the rest.
    std::size_t send(const void *data, std::size_t len) {
        std::size_t accepted = 0;
        tn_result r = tn_session_send(raw(), static_cast<const std::uint8_t *>(data), len, &accepted);
        done();
        return check_retry(r, "tn_session_send") ? accepted : 0;
    }
    /// `send` for text.
    std::size_t send(std::string_view text) { return send(text.data(), text.size()); }
    /// `send` for bytes.
    std::size_t send(const std::vector<std::uint8_t> &bytes) { return send(bytes.data(), bytes.size()); }

    /// What `feed_pty` did: data bytes queued and TN_PTY_* notices left for the caller.
    struct PtyResult {
        std::size_t accepted = 0;
        std::uint32_t notices = 0;
    };
    /// Server: one read from a pty master in packet mode (TIOCPKT), control byte first
    /// (`tn_session_feed_pty`). Fewer accepted bytes than `len - 1` means the output queue is
    /// full: keep the rest for `send`.
    PtyResult feed_pty(const void *packet, std::size_t len) {
        PtyResult out;
        call(tn_session_feed_pty(raw(), static_cast<const std::uint8_t *>(packet), len, &out.accepted, &out.notices),
             "tn_session_feed_pty");
        return out;
    }

    /// Queues the two-byte command IAC `command` (TN_CMD_GA, TN_CMD_NOP, ...).
    void send_command(std::uint8_t command) { call(tn_session_send_command(raw(), command), "tn_session_send_command"); }
    /// Queues IAC SB `option` payload IAC SE (255 bytes doubled).
    void send_subnegotiation(std::uint8_t option, const void *payload, std::size_t len) {
        call(tn_session_send_subnegotiation(raw(), option, static_cast<const std::uint8_t *>(payload), len), "tn_session_send_subnegotiation");
    }
    /// Asks for `option` to be enabled or disabled on `side` (RFC 1143); the outcome arrives as
    /// an OPTION_CHANGED or OPTION_REFUSED event.
    void negotiate(std::uint8_t option, tn_side side, bool enable) { call(tn_session_negotiate(raw(), option, side, enable), "tn_session_negotiate"); }
    /// Sets whether `side` may enable `option` when the peer asks, from now on.
    void set_allowed(std::uint8_t option, tn_side side, bool allowed) { call(tn_session_set_allowed(raw(), option, side, allowed), "tn_session_set_allowed"); }
    /// Changes end-of-line handling from the next byte on.
    void set_eol(tn_eol_mode input, tn_eol_mode output) { call(tn_session_set_eol(raw(), input, output), "tn_session_set_eol"); }
    /// Queues a Synch (IAC DM, the DM urgent).
    void send_synch() { call(tn_session_send_synch(raw()), "tn_session_send_synch"); }
    /// Abort output: drops queued data, queues a Synch; returns the data bytes dropped.
    std::size_t clear_output() {
        std::size_t dropped = 0;
        call(tn_session_clear_output(raw(), &dropped), "tn_session_clear_output");
        return dropped;
    }
    /// The peer sent TCP urgent data: discard input data until the DM (RFC 854 Synch).
    void input_urgent() { call(tn_session_input_urgent(raw()), "tn_session_input_urgent"); }
    /// Sends IAC DO TIMING-MARK; the answer arrives as a TIMING_MARK event.
    void send_timing_mark() { call(tn_session_send_timing_mark(raw()), "tn_session_send_timing_mark"); }
    /// Asks the peer for a STATUS report (STATUS event).
    void request_status() { call(tn_session_request_status(raw()), "tn_session_request_status"); }
    /// Marks the end of a prompt (IAC EOR or IAC GA as negotiated); true when something was queued.
    bool mark_prompt() {
        bool sent = false;
        call(tn_session_mark_prompt(raw(), &sent), "tn_session_mark_prompt");
        return sent;
    }
    /// Client: changes the window size and reports it if NAWS is on.
    void set_window_size(std::uint16_t width, std::uint16_t height) { call(tn_session_set_window_size(raw(), width, height), "tn_session_set_window_size"); }
    /// Server: starts a new TERMINAL-TYPE cycle (throws TN_RESULT_NOT_ENABLED without TTYPE).
    void request_terminal_type() { call(tn_session_request_terminal_type(raw()), "tn_session_request_terminal_type"); }
    /// Changes the LINEMODE MODE (TN_MODE_* bits): a server proposes it, a client asks for it.
    void set_linemode(std::uint8_t mode) { call(tn_session_set_linemode(raw(), mode), "tn_session_set_linemode"); }
    /// Server: line editing on or off (ICANON), by LINEMODE EDIT or kludge line mode.
    void set_line_editing(bool on) { call(tn_session_set_line_editing(raw(), on), "tn_session_set_line_editing"); }
    /// Server: sends a REMOTE-FLOW-CONTROL command.
    void send_lflow(tn_lflow command) { call(tn_session_send_lflow(raw(), command), "tn_session_send_lflow"); }
    /// Our terminal's character for SLC `function` changed: update and tell the peer.
    void set_slc(std::uint8_t function, std::uint8_t value) { call(tn_session_set_slc(raw(), function, value), "tn_session_set_slc"); }

    /// Whether `option` is in effect on `side`.
    bool is_enabled(std::uint8_t option, tn_side side) const noexcept { return tn_session_is_enabled(raw(), option, side); }
    /// The RFC 1143 state of `side` of `option`.
    tn_option_state option_state(std::uint8_t option, tn_side side) const {
        tn_option_state st{};
        check(tn_session_option_state(raw(), option, side, &st), "tn_session_option_state");
        return st;
    }
    /// How the client sends input, as negotiated.
    tn_input_mode input_mode() const noexcept { return tn_session_input_mode(raw()); }
    /// What the kludge line mode probe found.
    tn_kludge kludge() const noexcept { return tn_session_kludge(raw()); }
    /// The LINEMODE MODE in effect (TN_MODE_* bits), 0 outside LINEMODE.
    std::uint8_t linemode() const noexcept { return tn_session_linemode(raw()); }
    /// True once the opening negotiation is complete (or timed out).
    bool is_settled() const noexcept { return tn_session_is_settled(raw()); }
    /// Milliseconds until on_timeout is due (0: now, -1: no timer pending).
    std::int64_t timeout_ms() const noexcept { return tn_session_timeout_ms(raw()); }
    /// Bytes waiting in the output queue.
    std::size_t output_len() const noexcept { return tn_session_output_len(raw()); }
    /// Bytes of memory the session uses.
    std::size_t memory_size() const noexcept { return tn_session_memory_size(raw()); }

    /// The next bytes to write, without removing them; valid until the next call that changes
    /// the session. Write them, then `consume_output(count written)`.
    output_chunk peek_output() const {
        output_chunk c;
        check(tn_session_peek_output(raw(), &c.data, &c.size, &c.urgent), "tn_session_peek_output");
        return c;
    }
    /// Removes `n` written bytes from the front of the output queue.
    void consume_output(std::size_t n) { call(tn_session_consume_output(raw(), n), "tn_session_consume_output"); }
    /// Appends the whole output queue to `out` and empties the queue; returns the bytes moved.
    /// For in-memory transports: the urgent mark of a Synch's DM is not kept.
    std::size_t drain(std::string &out) { return drain_into(out); }
    /// `drain` into a byte vector.
    std::size_t drain(std::vector<std::uint8_t> &out) { return drain_into(out); }
    /// Writes queued output to the non-blocking descriptor `fd` until the queue is empty or `fd`
    /// would block (check output_len() for what remains); returns the bytes written. Throws
    /// tn::error (TN_RESULT_IO, sys_errno() set) on a write error.
    std::size_t flush_fd(int fd) {
        std::size_t written = 0;
        tn_result r = tn_session_flush_fd(raw(), fd, &written);
        done();
        check_retry(r, "tn_session_flush_fd");
        return written;
    }

    /// The client's terminal type as sent (untrusted printable ASCII), if it sent one.
    std::optional<std::string> terminal_type() const { return bytes_or_none(tn_session_terminal_type, "tn_session_terminal_type"); }
    /// The terminal type made safe for TERM (lower-cased, [a-z0-9._+-]), if there is one.
    std::optional<std::string> term() const {
        char buf[64];
        tn_result r = tn_session_term(raw(), buf, sizeof buf);
        if (r == TN_RESULT_NOT_FOUND)
            return std::nullopt;
        check(r, "tn_session_term");
        return std::string(buf);
    }
    /// Every terminal type of the client's TTYPE cycle, in order.
    std::vector<std::string> terminal_types() const {
        std::vector<std::string> v;
        std::size_t n = tn_session_terminal_type_count(raw());
        for (std::size_t i = 0; i < n; i++) {
            tn_bytes b{};
            check(tn_session_terminal_type_at(raw(), i, &b), "tn_session_terminal_type_at");
            v.emplace_back(view(b));
        }
        return v;
    }
    /// The peer's window size (NAWS), if it sent one.
    std::optional<window_size_t> window_size() const {
        window_size_t w;
        tn_result r = tn_session_window_size(raw(), &w.width, &w.height);
        if (r == TN_RESULT_NOT_FOUND)
            return std::nullopt;
        check(r, "tn_session_window_size");
        return w;
    }
    /// The peer's terminal speeds (TERMINAL-SPEED), if it sent them.
    std::optional<terminal_speed_t> terminal_speed() const {
        terminal_speed_t s;
        tn_result r = tn_session_terminal_speed(raw(), &s.transmit, &s.receive);
        if (r == TN_RESULT_NOT_FOUND)
            return std::nullopt;
        check(r, "tn_session_terminal_speed");
        return s;
    }
    /// The peer's X display (untrusted), if it sent one.
    std::optional<std::string> x_display() const { return bytes_or_none(tn_session_x_display, "tn_session_x_display"); }
    /// The character set both ends agreed on (CHARSET), if any.
    std::optional<std::string> charset() const { return bytes_or_none(tn_session_charset, "tn_session_charset"); }
    /// The user name the peer sent (USER), only if it is safe to pass to a login program.
    std::optional<std::string> user() const {
        tn_str s{};
        tn_result r = tn_session_user(raw(), &s);
        if (r == TN_RESULT_NOT_FOUND)
            return std::nullopt;
        check(r, "tn_session_user");
        return std::string(view(s));
    }

private:
    tn_session *raw() const noexcept { return static_cast<const D *>(this)->get(); }
    void done() { static_cast<D *>(this)->after_call_(); }
    void call(tn_result r, const char *context) {
        done();
        check(r, context);
    }
    template <class Buf>
    std::size_t drain_into(Buf &out) {
        std::size_t moved = 0;
        for (;;) {
            output_chunk c = peek_output();
            if (c.size == 0)
                return moved;
            out.insert(out.end(), c.data, c.data + c.size);
            consume_output(c.size);
            moved += c.size;
        }
    }
    std::optional<std::string> bytes_or_none(tn_result (*fn)(const tn_session *, tn_bytes *), const char *context) const {
        tn_bytes b{};
        tn_result r = fn(raw(), &b);
        if (r == TN_RESULT_NOT_FOUND)
            return std::nullopt;
        check(r, context);
        return std::string(view(b));
    }
};

} // namespace detail

/// A non-owning view of a session: the raw pointer and the calls that do not need ownership.
/// Passed to session and engine callbacks, where it is valid during the callback only (an
/// engine connection's session: until that connection's `closed` callback returns). It has no
/// `feed`: inside a session's callback feeding that session is refused (TN_RESULT_REENTRANT),
/// and an engine feeds its connections itself (TN_RESULT_NOT_ALLOWED). Errors throw tn::error;
/// thrown inside a callback, it reaches the wrapper call that is running the callback. Callback
/// exceptions triggered through a view are rethrown by that owning call, not by the view.
class session_ref : public detail::session_ops<session_ref> {
public:
    /// Wraps `s` (may be null: every call then fails with TN_RESULT_NULL_PARAMETER).
    explicit session_ref(tn_session *s) noexcept : s_(s) {}
    /// The raw handle (not owned).
    tn_session *get() const noexcept { return s_; }
    /// True unless null.
    explicit operator bool() const noexcept { return s_ != nullptr; }

private:
    friend class detail::session_ops<session_ref>;
    void after_call_() noexcept {}
    tn_session *s_;
};

// ---------------------------------------------------------------------------------------------
// tn::session
// ---------------------------------------------------------------------------------------------

/// Owns a standalone tn_session (parser, negotiation and output queue, no I/O) and its event
/// callback. Move-only; moving is safe at any time outside the callback because the callback
/// lives in a heap object whose address is the C userdata. A moved-from session is empty
/// (`get()` is null; calls throw TN_RESULT_NULL_PARAMETER).
///
/// The callback receives a session_ref to this session and the event; the event and everything
/// it points to are valid during the callback only (copy what you keep). It may use the
/// session_ref (or this object) for anything except `feed`, which throws tn::error with
/// TN_RESULT_REENTRANT there. An exception thrown by the callback is caught and rethrown from
/// the call that delivered the event (feed, start, on_timeout, negotiate, ...) once the C call
/// returns; the rest of that C call still runs. Do not destroy or move-assign a session from
/// inside its own callback.
///
/// One thread at a time; the session may move between threads.
class session : public detail::session_ops<session> {
public:
    /// The callback type: (this session, the event).
    using callback = std::function<void(session_ref, const tn_event &)>;

    /// Makes a session from a copy of `cfg`; `cb` may be empty (events dropped). Nothing is
    /// queued until `start()`.
    session(const config &cfg, callback cb) : st_(new state{std::move(cb), nullptr}) {
        check(tn_session_new(cfg.get(), &trampoline, st_.get(), &s_), "tn_session_new");
    }

    session(const session &) = delete;
    session &operator=(const session &) = delete;
    /// Moves the handle and the callback; `other` becomes empty.
    session(session &&other) noexcept : s_(std::exchange(other.s_, nullptr)), st_(std::move(other.st_)) {}
    /// Frees the current session, then takes `other`'s; `other` becomes empty.
    session &operator=(session &&other) noexcept {
        if (this != &other) {
            tn_session_free(s_);
            s_ = std::exchange(other.s_, nullptr);
            st_ = std::move(other.st_);
        }
        return *this;
    }
    /// Frees the session and everything it queued (a pending callback exception is dropped).
    ~session() { tn_session_free(s_); }

    /// The raw handle (null when empty); still owned by this object.
    tn_session *get() const noexcept { return s_; }
    /// A non-owning view, valid while this object owns the session.
    session_ref ref() const noexcept { return session_ref(s_); }
    /// True unless empty.
    explicit operator bool() const noexcept { return s_ != nullptr; }

    /// Queues the opening plan and starts the settle clock (events may be delivered before it
    /// returns). Calling it again does nothing.
    void start() { finish(tn_session_start(s_), "tn_session_start"); }

    /// Parses bytes received from the peer, delivering events to the callback before it
    /// returns, and returns how many bytes were parsed: all of them, or fewer when the output
    /// queue is far past its limit (TN_RESULT_WOULD_BLOCK: drain the output, then feed the
    /// rest). Throws tn::error (TN_RESULT_REENTRANT) when called from inside this session's
    /// callback, and rethrows the first exception the callback threw.
    std::size_t feed(const void *data, std::size_t len) {
        std::size_t consumed = 0;
        tn_result r = tn_session_feed(s_, static_cast<const std::uint8_t *>(data), len, &consumed);
        after_call_();
        check_retry(r, "tn_session_feed");
        return consumed;
    }
    /// `feed` for text.
    std::size_t feed(std::string_view bytes) { return feed(bytes.data(), bytes.size()); }
    /// `feed` for bytes.
    std::size_t feed(const std::vector<std::uint8_t> &bytes) { return feed(bytes.data(), bytes.size()); }

    /// Handles due timers (see timeout_ms); past the settle deadline the negotiation is reported
    /// settled (timed out). Safe to call at any time.
    void on_timeout() { finish(tn_session_on_timeout(s_), "tn_session_on_timeout"); }

private:
    friend class detail::session_ops<session>;

    struct state {
        callback cb;
        std::exception_ptr pending;
    };

    static void trampoline(void *userdata, tn_session *s, const tn_event *ev) noexcept {
        state *st = static_cast<state *>(userdata);
        if (!st->cb)
            return;
        try {
            st->cb(session_ref(s), *ev);
        } catch (...) {
            if (!st->pending)
                st->pending = std::current_exception();
        }
    }

    // Rethrows (once) the first exception a callback threw during the last C call.
    void after_call_() {
        if (st_ && st_->pending)
            std::rethrow_exception(std::exchange(st_->pending, nullptr));
    }
    void finish(tn_result r, const char *context) {
        after_call_();
        check(r, context);
    }

    tn_session *s_ = nullptr;
    std::unique_ptr<state> st_;
};

// ---------------------------------------------------------------------------------------------
// tn::engine
// ---------------------------------------------------------------------------------------------

/// A non-owning view of one engine connection. Valid inside the engine's callbacks from
/// `opened` until that connection's `closed` returns (the engine frees it then); keep the
/// id(), not the view, across callbacks (or set_userdata to find your own state). All its calls
/// may be made from any callback of the same engine, on any of its connections.
class conn {
public:
    /// Wraps `c` (may be null: calls then fail with TN_RESULT_NULL_PARAMETER).
    explicit conn(tn_conn *c) noexcept : c_(c) {}
    /// The raw handle (not owned).
    tn_conn *get() const noexcept { return c_; }
    /// True unless null.
    explicit operator bool() const noexcept { return c_ != nullptr; }

    /// The connection's session, for every session call (feed, start and on_timeout are the
    /// engine's: they are not on session_ref). Send data with conn::send, which also schedules
    /// the write.
    session_ref session() const noexcept { return session_ref(tn_conn_session(c_)); }
    /// Queues data (like session send) and schedules the write; returns the bytes accepted, 0
    /// when the queue is full (TN_RESULT_WOULD_BLOCK).
    std::size_t send(const void *data, std::size_t len) {
        std::size_t accepted = 0;
        return check_retry(tn_conn_send(c_, static_cast<const std::uint8_t *>(data), len, &accepted), "tn_conn_send") ? accepted : 0;
    }
    /// `send` for text.
    std::size_t send(std::string_view text) { return send(text.data(), text.size()); }
    /// Closes after the queued output is written (at most the linger time).
    void close() { check(tn_conn_close(c_), "tn_conn_close"); }
    /// Closes now, dropping queued output.
    void abort() { check(tn_conn_abort(c_), "tn_conn_abort"); }
    /// Calls the handler's `timer` with `id` after `ms` milliseconds (while the connection is open).
    void set_timer(std::uint32_t ms, std::uint64_t id) { check(tn_conn_set_timer(c_, ms, id), "tn_conn_set_timer"); }
    /// Stores an application pointer with the connection (not owned).
    void set_userdata(void *p) { check(tn_conn_set_userdata(c_, p), "tn_conn_set_userdata"); }
    /// The stored application pointer (null if none).
    void *userdata() const noexcept { return tn_conn_userdata(c_); }
    /// The connection's number: 1 for the engine's first, counting up, never reused.
    std::uint64_t id() const noexcept { return tn_conn_id(c_); }
    /// The tag given to engine::connect (0 for an accepted connection).
    std::uint64_t tag() const noexcept { return tn_conn_tag(c_); }
    /// The peer's numeric address and port.
    std::pair<std::string, std::uint16_t> peer() const {
        char host[64];
        std::uint16_t port = 0;
        check(tn_conn_peer(c_, host, sizeof host, &port), "tn_conn_peer");
        return {std::string(host), port};
    }
    /// The pty master bridged to the connection, -1 if none (owned by the engine).
    int pty_fd() const noexcept { return tn_conn_pty_fd(c_); }

private:
    tn_conn *c_;
};

/// The callbacks of an engine, as virtual methods with do-nothing defaults: override the ones
/// you need. They run on the engine's thread, one at a time, inside engine::poll / run (and
/// inside the engine's destructor, which closes every connection: `closed` runs there, and
/// exceptions thrown then are dropped). An exception thrown from any of them is caught and
/// rethrown by the engine call that is running; during run() the engine is also stopped so
/// that run() returns. The views passed in follow the lifetimes documented on tn::conn and
/// tn::session_ref. The handler is not owned by the engine and must outlive it.
class handler {
public:
    virtual ~handler() = default;
    /// A peer connected to `listener` from `host` (numeric) and `port`; return false to close
    /// it at once. Default: accept. An exception here rejects the connection.
    virtual bool accept(std::uint32_t listener, std::string_view host, std::uint16_t port) {
        (void)listener, (void)host, (void)port;
        return true;
    }
    /// A connection is open; its session starts (sends its opening plan) after this returns.
    virtual void opened(conn c) { (void)c; }
    /// An event of a connection's session (`s` is c.session()); `ev` is valid during the call.
    virtual void event(conn c, session_ref s, const tn_event &ev) { (void)c, (void)s, (void)ev; }
    /// A timer set with conn::set_timer is due.
    virtual void timer(conn c, std::uint64_t id) { (void)c, (void)id; }
    /// The program on the connection's pty exited (exit code or 128 + signal).
    virtual void child_exited(conn c, int status) { (void)c, (void)status; }
    /// The connection closed (`error`: errno for TN_CLOSE_REASON_ERROR, exit status for
    /// TN_CLOSE_REASON_CHILD_EXITED, else 0); `c` is freed when this returns.
    virtual void closed(conn c, tn_close_reason reason, int error) { (void)c, (void)reason, (void)error; }
    /// An outgoing connection with `tag` failed (`error`: errno, ETIMEDOUT for the timeout).
    virtual void connect_failed(std::uint64_t tag, int error) { (void)tag, (void)error; }
    /// A descriptor watched with engine::watch_fd is ready.
    virtual void fd_ready(std::uint64_t tag, bool readable, bool writable) { (void)tag, (void)readable, (void)writable; }
    /// A signal registered with engine::handle_signals arrived.
    virtual void signal(int signo) { (void)signo; }
    /// engine::wake was called (from any thread); runs on the engine's thread.
    virtual void woken() {}
};

/// Owns a tn_engine, an event loop serving and opening Telnet connections, bridged to a
/// tn::handler. Move-only; moving is safe outside callbacks (the bridge state lives on the
/// heap). A moved-from engine is empty.
///
/// Threads: the engine runs on the thread that calls run() or poll(); every handler method runs
/// there. From another thread only wake() may be called (to stop from another thread, wake it
/// and call stop() in handler::woken). Inside handler methods, stop() and connect() may be
/// called; the other engine calls throw tn::error (TN_RESULT_REENTRANT) there.
class engine {
public:
    /// Makes an engine reporting to `h` (not owned; must outlive the engine). Defaults: at most
    /// 10000 connections, no idle timeout, 2 s linger on close.
    explicit engine(handler &h) : st_(new state{&h, nullptr, nullptr, false, false}) {
        tn_engine_callbacks cb{};
        cb.accept = &on_accept;
        cb.opened = &on_opened;
        cb.event = &on_event;
        cb.timer = &on_timer;
        cb.child_exited = &on_child_exited;
        cb.closed = &on_closed;
        cb.connect_failed = &on_connect_failed;
        cb.fd_ready = &on_fd_ready;
        cb.signal = &on_signal;
        cb.woken = &on_woken;
        check(tn_engine_new(&cb, st_.get(), &e_), "tn_engine_new");
        st_->e = e_;
    }

    engine(const engine &) = delete;
    engine &operator=(const engine &) = delete;
    /// Moves the engine; `other` becomes empty.
    engine(engine &&other) noexcept : e_(std::exchange(other.e_, nullptr)), st_(std::move(other.st_)) {}
    /// Frees the current engine (see the destructor), then takes `other`'s.
    engine &operator=(engine &&other) noexcept {
        if (this != &other) {
            reset();
            e_ = std::exchange(other.e_, nullptr);
            st_ = std::move(other.st_);
        }
        return *this;
    }
    /// Frees the engine: every connection closes now (handler::closed runs, its exceptions are
    /// dropped) and children get SIGHUP. Never destroy or move-assign an engine inside one of
    /// its handler methods (the C library ignores the free there, and the bridge state the
    /// running callback uses would be gone).
    ~engine() { reset(); }

    /// The raw handle (null when empty); still owned by this object.
    tn_engine *get() const noexcept { return e_; }
    /// True unless empty.
    explicit operator bool() const noexcept { return e_ != nullptr; }

    /// Listens on `host` (numeric IPv4 or IPv6 address; IPv6 listeners are IPv6-only) and
    /// `port` (0: any free port, see listener_port); accepted sessions use a copy of `cfg`.
    /// Returns the listener's number. TN_RESULT_IO (sys_errno EADDRINUSE, ...) when it fails.
    std::uint32_t listen(const std::string &host, std::uint16_t port, const config &cfg) {
        std::uint32_t id = 0;
        check(tn_engine_listen(e_, host.c_str(), port, cfg.get(), &id), "tn_engine_listen");
        return id;
    }
    /// The port a listener is bound to.
    std::uint16_t listener_port(std::uint32_t listener) const {
        std::uint16_t port = 0;
        check(tn_engine_listener_port(e_, listener, &port), "tn_engine_listener_port");
        return port;
    }
    /// Opens a connection to `host` (name or address, resolved now: may block) and `port` with a
    /// session from a copy of `cfg`; the outcome arrives as handler::opened (conn::tag() ==
    /// `tag`) or handler::connect_failed. Allowed inside handler methods.
    void connect(const std::string &host, std::uint16_t port, const config &cfg, std::uint32_t timeout_ms, std::uint64_t tag) {
        check(tn_engine_connect(e_, host.c_str(), port, cfg.get(), timeout_ms, tag), "tn_engine_connect");
    }
    /// Waits up to `timeout_ms` (negative: until something happens) and handles what is ready.
    /// Rethrows the first exception a handler method threw meanwhile.
    void poll(int timeout_ms) {
        tn_result r = tn_engine_poll(e_, timeout_ms);
        rethrow_pending();
        check(r, "tn_engine_poll");
    }
    /// Runs the loop until the engine stopped (stop()) and every connection closed. If a handler
    /// method throws, the engine is stopped and the exception rethrown once run returns.
    void run() {
        if (st_)
            st_->in_run = true;
        tn_result r = tn_engine_run(e_);
        if (st_)
            st_->in_run = false;
        rethrow_pending();
        check(r, "tn_engine_run");
    }
    /// Stops: listeners close, connections write what is queued and close, then run() returns.
    /// Engine thread only (allowed inside handler methods); from elsewhere use wake().
    void stop() { check(tn_engine_stop(e_), "tn_engine_stop"); }
    /// Wakes the loop; handler::woken runs on the engine's thread. Callable from any thread
    /// (the only such call), as long as the engine object itself is alive and not being moved.
    void wake() const { check(tn_engine_wake(e_), "tn_engine_wake"); }
    /// Connections open now (including outgoing ones still connecting).
    std::size_t session_count() const noexcept { return tn_engine_session_count(e_); }
    /// A descriptor readable when the engine has work (for your own loop: then poll(0)).
    int fd() const noexcept { return tn_engine_fd(e_); }

    /// The most concurrent connections (default 10000).
    void set_max_sessions(std::size_t max) { check(tn_engine_set_max_sessions(e_, max), "tn_engine_set_max_sessions"); }
    /// Close connections idle for `ms` (0: never, the default).
    void set_idle_timeout_ms(std::uint32_t ms) { check(tn_engine_set_idle_timeout_ms(e_, ms), "tn_engine_set_idle_timeout_ms"); }
    /// How long closing connections may take to drain (default 2000 ms).
    void set_linger_ms(std::uint32_t ms) { check(tn_engine_set_linger_ms(e_, ms), "tn_engine_set_linger_ms"); }
    /// Bytes read from one connection before the others get their turn (default 256 KiB).
    void set_read_budget(std::size_t bytes) { check(tn_engine_set_read_budget(e_, bytes), "tn_engine_set_read_budget"); }
    /// TCP keepalive for new connections after `idle_s` seconds of silence (0: off).
    void set_keepalive(std::uint32_t idle_s) { check(tn_engine_set_keepalive(e_, idle_s), "tn_engine_set_keepalive"); }
    /// Delivers these signals through handler::signal; blocks them in the calling thread (call
    /// before starting other threads).
    void handle_signals(std::initializer_list<int> signals) {
        check(tn_engine_handle_signals(e_, signals.begin(), signals.size()), "tn_engine_handle_signals");
    }
    /// Watches `fd` (not owned); handler::fd_ready gets `tag`. Returns the watch's number.
    std::uint32_t watch_fd(int fd, bool readable, bool writable, std::uint64_t tag) {
        std::uint32_t id = 0;
        check(tn_engine_watch_fd(e_, fd, readable, writable, tag, &id), "tn_engine_watch_fd");
        return id;
    }
    /// Stops watching a descriptor.
    void unwatch_fd(std::uint32_t id) { check(tn_engine_unwatch_fd(e_, id), "tn_engine_unwatch_fd"); }

private:
    struct state {
        handler *h;
        tn_engine *e;               // the raw handle (does not change when the engine moves)
        std::exception_ptr pending; // the first exception of a handler method, to rethrow
        bool in_run;                // run() is running: stop the engine on an exception
        bool closing;               // inside the destructor: exceptions are dropped
    };

    void reset() noexcept {
        if (st_)
            st_->closing = true;
        tn_engine_free(e_);
        e_ = nullptr;
        st_.reset();
    }

    void rethrow_pending() {
        if (st_ && st_->pending)
            std::rethrow_exception(std::exchange(st_->pending, nullptr));
    }

    template <class F>
    static void guard(void *userdata, F &&f) noexcept {
        state *st = static_cast<state *>(userdata);
        try {
            f(*st->h);
        } catch (...) {
            if (!st->closing && !st->pending) {
                st->pending = std::current_exception();
                if (st->in_run)
                    (void)tn_engine_stop(st->e); // allowed inside callbacks; run() then returns
            }
        }
    }

    static bool on_accept(void *ud, std::uint32_t listener, const char *host, std::uint16_t port) noexcept {
        bool ok = false;
        guard(ud, [&](handler &h) { ok = h.accept(listener, host ? std::string_view(host) : std::string_view(), port); });
        return ok;
    }
    static void on_opened(void *ud, tn_conn *c) noexcept {
        guard(ud, [&](handler &h) { h.opened(conn(c)); });
    }
    static void on_event(void *ud, tn_conn *c, tn_session *s, const tn_event *ev) noexcept {
        guard(ud, [&](handler &h) { h.event(conn(c), session_ref(s), *ev); });
    }
    static void on_timer(void *ud, tn_conn *c, std::uint64_t id) noexcept {
        guard(ud, [&](handler &h) { h.timer(conn(c), id); });
    }
    static void on_child_exited(void *ud, tn_conn *c, int status) noexcept {
        guard(ud, [&](handler &h) { h.child_exited(conn(c), status); });
    }
    static void on_closed(void *ud, tn_conn *c, tn_close_reason reason, int error) noexcept {
        guard(ud, [&](handler &h) { h.closed(conn(c), reason, error); });
    }
    static void on_connect_failed(void *ud, std::uint64_t tag, int error) noexcept {
        guard(ud, [&](handler &h) { h.connect_failed(tag, error); });
    }
    static void on_fd_ready(void *ud, std::uint64_t tag, bool readable, bool writable) noexcept {
        guard(ud, [&](handler &h) { h.fd_ready(tag, readable, writable); });
    }
    static void on_signal(void *ud, int signo) noexcept {
        guard(ud, [&](handler &h) { h.signal(signo); });
    }
    static void on_woken(void *ud) noexcept {
        guard(ud, [&](handler &h) { h.woken(); });
    }

    tn_engine *e_ = nullptr;
    std::unique_ptr<state> st_;
};

} // namespace tn

#endif // TELNET_RS_HPP
