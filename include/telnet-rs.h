/*
 * telnet-rs: a Telnet protocol engine (RFC 854 and the option RFCs) with a C ABI.
 *
 * This file is generated from the Rust sources by cbindgen; do not edit it by hand.
 * Link with -ltelnet-rs (pkg-config: telnet-rs; CMake: find_package(telnet-rs), target
 * telnet-rs::telnet-rs).
 *
 * Conventions
 * - Every exported name starts with tn_ / TN_.
 * - Handles (tn_config, tn_session, tn_engine) are opaque. tn_X_new (or a named variant such as
 *   tn_config_new_server) makes one and writes it to an output parameter; tn_X_free releases it
 *   and accepts NULL. A tn_conn belongs to its engine.
 * - Functions that can fail return tn_result. TN_RESULT_OK is success; TN_RESULT_WOULD_BLOCK means
 *   "no progress possible now, retry later" and is not an error; tn_result_cstr() describes every
 *   code. Output parameters are written only on success unless the function says otherwise.
 * - Every pointer argument is checked: NULL gives TN_RESULT_NULL_PARAMETER. A buffer is a pointer
 *   plus a size_t length; the pointer may be NULL when the length is 0. The library never keeps a
 *   pointer to a buffer you pass after the call returns.
 * - Bytes and text handed to you (events, names) are views {ptr, len}, not NUL-terminated unless
 *   the function name ends in _cstr. Event data is valid only during the callback; static text
 *   lives forever.
 * - Enumerations are passed as uint32_t; an out-of-range value gives TN_RESULT_INVALID_ARGUMENT.
 * - A panic inside the library never crosses into C: the call returns TN_RESULT_PANIC (or 0, false,
 *   NULL for functions without a tn_result).
 * - Callbacks take (void *userdata, ...) with userdata first and run on the thread that made the
 *   call that triggers them, before that call returns. A session's callback may call any function
 *   on that session except tn_session_feed (TN_RESULT_REENTRANT); tn_session_free there is
 *   deferred until the running tn_session_feed returns.
 * - Threads: a tn_session may move between threads but is used by one thread at a time. A
 *   tn_config is configured from one thread; afterwards many threads may read it (make sessions
 *   from it) at once.
 */


#ifndef TELNET_RS_H
#define TELNET_RS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* The version of this header, from Cargo.toml. tn_version_cstr() gives the library's. */
#define TN_VERSION_MAJOR 0
#define TN_VERSION_MINOR 1
#define TN_VERSION_PATCH 0
#define TN_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons. */
#define TN_VERSION_NUMBER (0 * 10000 + 1 * 100 + 0)


/**
 * IAC: Interpret As Command.
 */
#define TN_CMD_IAC 255

/**
 * DONT.
 */
#define TN_CMD_DONT 254

/**
 * DO.
 */
#define TN_CMD_DO 253

/**
 * WONT.
 */
#define TN_CMD_WONT 252

/**
 * WILL.
 */
#define TN_CMD_WILL 251

/**
 * SB: subnegotiation begin.
 */
#define TN_CMD_SB 250

/**
 * GA: go ahead.
 */
#define TN_CMD_GA 249

/**
 * EL: erase line.
 */
#define TN_CMD_EL 248

/**
 * EC: erase character.
 */
#define TN_CMD_EC 247

/**
 * AYT: are you there.
 */
#define TN_CMD_AYT 246

/**
 * AO: abort output.
 */
#define TN_CMD_AO 245

/**
 * IP: interrupt process.
 */
#define TN_CMD_IP 244

/**
 * BRK: break.
 */
#define TN_CMD_BRK 243

/**
 * DM: data mark.
 */
#define TN_CMD_DM 242

/**
 * NOP: no operation.
 */
#define TN_CMD_NOP 241

/**
 * SE: subnegotiation end.
 */
#define TN_CMD_SE 240

/**
 * EOR: end of record (RFC 885).
 */
#define TN_CMD_EOR 239

/**
 * ABORT: abort process (RFC 1184).
 */
#define TN_CMD_ABORT 238

/**
 * SUSP: suspend process (RFC 1184).
 */
#define TN_CMD_SUSP 237

/**
 * EOF: end of file (RFC 1184).
 */
#define TN_CMD_EOF 236

/**
 * BINARY (RFC 856).
 */
#define TN_OPT_BINARY 0

/**
 * ECHO (RFC 857).
 */
#define TN_OPT_ECHO 1

/**
 * SUPPRESS-GO-AHEAD (RFC 858).
 */
#define TN_OPT_SGA 3

/**
 * STATUS (RFC 859).
 */
#define TN_OPT_STATUS 5

/**
 * TIMING-MARK (RFC 860).
 */
#define TN_OPT_TM 6

/**
 * LOGOUT (RFC 727).
 */
#define TN_OPT_LOGOUT 18

/**
 * SEND-LOCATION (RFC 779).
 */
#define TN_OPT_SNDLOC 23

/**
 * TERMINAL-TYPE (RFC 1091).
 */
#define TN_OPT_TTYPE 24

/**
 * END-OF-RECORD (RFC 885).
 */
#define TN_OPT_EOR 25

/**
 * NAWS, window size (RFC 1073).
 */
#define TN_OPT_NAWS 31

/**
 * TERMINAL-SPEED (RFC 1079).
 */
#define TN_OPT_TSPEED 32

/**
 * REMOTE-FLOW-CONTROL (RFC 1372).
 */
#define TN_OPT_LFLOW 33

/**
 * LINEMODE (RFC 1184).
 */
#define TN_OPT_LINEMODE 34

/**
 * X-DISPLAY-LOCATION (RFC 1096).
 */
#define TN_OPT_XDISPLOC 35

/**
 * ENVIRON, the old one (RFC 1408).
 */
#define TN_OPT_OLD_ENVIRON 36

/**
 * AUTHENTICATION (RFC 2941).
 */
#define TN_OPT_AUTHENTICATION 37

/**
 * ENCRYPT (RFC 2946).
 */
#define TN_OPT_ENCRYPT 38

/**
 * NEW-ENVIRON (RFC 1572).
 */
#define TN_OPT_NEW_ENVIRON 39

/**
 * CHARSET (RFC 2066).
 */
#define TN_OPT_CHARSET 42

/**
 * MSDP (MUD Server Data Protocol).
 */
#define TN_OPT_MSDP 69

/**
 * MSSP (MUD Server Status Protocol).
 */
#define TN_OPT_MSSP 70

/**
 * MCCP2 (MUD Client Compression Protocol v2).
 */
#define TN_OPT_MCCP2 86

/**
 * MCCP3.
 */
#define TN_OPT_MCCP3 87

/**
 * ZMP (Zenith MUD Protocol).
 */
#define TN_OPT_ZMP 93

/**
 * ATCP.
 */
#define TN_OPT_ATCP 200

/**
 * GMCP (Generic MUD Communication Protocol).
 */
#define TN_OPT_GMCP 201

/**
 * EXOPL, extended options list (RFC 861).
 */
#define TN_OPT_EXOPL 255

/**
 * LINEMODE MODE bit: the client edits lines locally.
 */
#define TN_MODE_EDIT 1

/**
 * LINEMODE MODE bit: the client traps signals and sends IP, SUSP, ABORT, ... instead.
 */
#define TN_MODE_TRAPSIG 2

/**
 * LINEMODE MODE bit: this MODE acknowledges another.
 */
#define TN_MODE_ACK 4

/**
 * LINEMODE MODE bit: the client expands tabs.
 */
#define TN_MODE_SOFT_TAB 8

/**
 * LINEMODE MODE bit: the client echoes control characters literally.
 */
#define TN_MODE_LIT_ECHO 16

/**
 * SLC function: Synch.
 */
#define TN_SLC_SYNCH 1

/**
 * SLC function: Break.
 */
#define TN_SLC_BRK 2

/**
 * SLC function: Interrupt Process.
 */
#define TN_SLC_IP 3

/**
 * SLC function: Abort Output.
 */
#define TN_SLC_AO 4

/**
 * SLC function: Are You There.
 */
#define TN_SLC_AYT 5

/**
 * SLC function: End of Record.
 */
#define TN_SLC_EOR 6

/**
 * SLC function: Abort.
 */
#define TN_SLC_ABORT 7

/**
 * SLC function: End of File.
 */
#define TN_SLC_EOF 8

/**
 * SLC function: Suspend.
 */
#define TN_SLC_SUSP 9

/**
 * SLC function: Erase Character.
 */
#define TN_SLC_EC 10

/**
 * SLC function: Erase Line.
 */
#define TN_SLC_EL 11

/**
 * SLC function: Erase Word.
 */
#define TN_SLC_EW 12

/**
 * SLC function: Reprint Line.
 */
#define TN_SLC_RP 13

/**
 * SLC function: Literal Next.
 */
#define TN_SLC_LNEXT 14

/**
 * SLC function: Start Output.
 */
#define TN_SLC_XON 15

/**
 * SLC function: Stop Output.
 */
#define TN_SLC_XOFF 16

/**
 * SLC function: Forwarding character 1.
 */
#define TN_SLC_FORW1 17

/**
 * SLC function: Forwarding character 2.
 */
#define TN_SLC_FORW2 18

/**
 * SLC level mask of an entry's flags.
 */
#define TN_SLC_LEVEL_MASK 3

/**
 * SLC level: not supported.
 */
#define TN_SLC_LEVEL_NOSUPPORT 0

/**
 * SLC level: supported, cannot be changed.
 */
#define TN_SLC_LEVEL_CANTCHANGE 1

/**
 * SLC level: supported and changeable.
 */
#define TN_SLC_LEVEL_VALUE 2

/**
 * SLC level: use the default.
 */
#define TN_SLC_LEVEL_DEFAULT 3

/**
 * SLC flag: flush input when the function is used.
 */
#define TN_SLC_FLUSHIN 64

/**
 * SLC flag: flush output when the function is used.
 */
#define TN_SLC_FLUSHOUT 32

/**
 * `tn_session_feed_pty` result bit: the program discarded its terminal's input (FLUSHREAD), so
 * discard the network input you have not yet written to the pty.
 */
#define TN_PTY_FLUSH_INPUT 1

/**
 * `tn_session_feed_pty` result bit: the program changed the terminal's settings (IOCTL, sent with
 * EXTPROC): read them (`tcgetattr`) and follow: ICANON with `tn_session_set_line_editing`; in
 * LINEMODE, ECHO by offering the ECHO option while the program does not echo, as BSD telnetd.
 */
#define TN_PTY_TERMIOS_CHANGED 2

/**
 * The result of a library call. Codes are never renumbered; retired codes stay reserved.
 *
 * `TN_RESULT_OK` is success. `TN_RESULT_WOULD_BLOCK` is not an error: the call could not make
 * progress now (output queue full, socket would block) and should be retried after draining or
 * when the descriptor is ready. Everything else is an error; `tn_result_cstr` describes it.
 */
enum tn_result
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Success.
     */
    TN_RESULT_OK = 0,
    /**
     * No progress possible now; retry later (not an error).
     */
    TN_RESULT_WOULD_BLOCK = 1,
    /**
     * A required pointer argument was NULL (or a buffer pointer was NULL with a non-zero length).
     */
    TN_RESULT_NULL_PARAMETER = 2,
    /**
     * The library hit an internal bug and caught it; the handle may be unusable. Please report.
     */
    TN_RESULT_PANIC = 3,
    /**
     * An argument is out of its documented range.
     */
    TN_RESULT_INVALID_ARGUMENT = 4,
    /**
     * The call is not allowed from inside this session's own event callback (for example
     * `tn_session_feed`).
     */
    TN_RESULT_REENTRANT = 5,
    /**
     * A payload is longer than the configured limit.
     */
    TN_RESULT_TOO_LONG = 6,
    /**
     * An operating system call failed; `errno` holds the reason.
     */
    TN_RESULT_IO = 7,
    /**
     * The byte cannot be sent as a two-byte command (it is SE, SB, a negotiation verb or IAC).
     */
    TN_RESULT_INVALID_COMMAND = 8,
    /**
     * The call needs an option that is not in effect (for example `tn_session_send_lflow` before
     * the client agreed to LFLOW).
     */
    TN_RESULT_NOT_ENABLED = 9,
    /**
     * The value asked for is not known (the peer has not sent it, or it failed validation).
     */
    TN_RESULT_NOT_FOUND = 10,
    /**
     * The call is not allowed on this object now (for example `tn_session_feed` on a session
     * that an engine connection owns: the engine feeds it).
     */
    TN_RESULT_NOT_ALLOWED = 11,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_result tn_result;
#else
typedef uint32_t tn_result;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * The kind of an event, which selects the member of `tn_event.u` to read.
 */
enum tn_event_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Application data: `u.data`.
     */
    TN_EVENT_KIND_DATA = 0,
    /**
     * End of an input line: `u.eol`.
     */
    TN_EVENT_KIND_EOL = 1,
    /**
     * A two-byte command `IAC code`: `u.command` holds the code (`TN_CMD_*` or an unassigned
     * value below 236).
     */
    TN_EVENT_KIND_COMMAND = 2,
    /**
     * An option went in or out of effect: `u.option`.
     */
    TN_EVENT_KIND_OPTION_CHANGED = 3,
    /**
     * The peer refused our request to enable an option: `u.option` (`enabled` is false).
     */
    TN_EVENT_KIND_OPTION_REFUSED = 4,
    /**
     * A subnegotiation: `u.subnegotiation`.
     */
    TN_EVENT_KIND_SUBNEGOTIATION = 5,
    /**
     * A protocol anomaly the session recovered from: `u.warning`.
     */
    TN_EVENT_KIND_WARNING = 6,
    /**
     * NAWS: the peer's window size, `u.window_size`.
     */
    TN_EVENT_KIND_WINDOW_SIZE = 7,
    /**
     * TERMINAL-TYPE: one answer of the client's cycle, `u.text` (printable ASCII, at most 40
     * bytes; untrusted).
     */
    TN_EVENT_KIND_TERMINAL_TYPE = 8,
    /**
     * TERMINAL-SPEED: `u.terminal_speed`.
     */
    TN_EVENT_KIND_TERMINAL_SPEED = 9,
    /**
     * X-DISPLAY-LOCATION: `u.text` (untrusted).
     */
    TN_EVENT_KIND_X_DISPLAY = 10,
    /**
     * SEND-LOCATION: `u.text` (untrusted).
     */
    TN_EVENT_KIND_LOCATION = 11,
    /**
     * NEW-ENVIRON or ENVIRON: one variable, `u.environ` (untrusted: see `tn_session_user` and
     * `tn_session_visit_child_environment`).
     */
    TN_EVENT_KIND_ENVIRON = 12,
    /**
     * CHARSET: both ends agreed on `u.text`.
     */
    TN_EVENT_KIND_CHARSET = 13,
    /**
     * CHARSET: our REQUEST was rejected (no payload).
     */
    TN_EVENT_KIND_CHARSET_REJECTED = 14,
    /**
     * REMOTE-FLOW-CONTROL: the server sent `u.flow_control` (`tn_lflow`).
     */
    TN_EVENT_KIND_FLOW_CONTROL = 15,
    /**
     * STATUS: the peer's report, `u.status`.
     */
    TN_EVENT_KIND_STATUS = 16,
    /**
     * LINEMODE: the MODE in effect changed, `u.linemode_mode` (`TN_MODE_*` bits).
     */
    TN_EVENT_KIND_LINEMODE_MODE = 17,
    /**
     * LINEMODE SLC: a special character changed, `u.slc`.
     */
    TN_EVENT_KIND_SLC = 18,
    /**
     * LINEMODE FORWARDMASK set or cleared, `u.forward_mask`.
     */
    TN_EVENT_KIND_FORWARD_MASK = 19,
    /**
     * TIMING-MARK: the peer answered our DO TIMING-MARK, `u.timing_mark`.
     */
    TN_EVENT_KIND_TIMING_MARK = 20,
    /**
     * How the client sends input changed, `u.input_mode` (`tn_input_mode`).
     */
    TN_EVENT_KIND_INPUT_MODE = 21,
    /**
     * SLC simulation: a received control character stands for an SLC function, `u.slc_function`
     * (the byte is not delivered as data).
     */
    TN_EVENT_KIND_SLC_FUNCTION = 22,
    /**
     * The opening negotiation is complete, `u.settled`.
     */
    TN_EVENT_KIND_SETTLED = 23,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_event_kind tn_event_kind;
#else
typedef uint32_t tn_event_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * How an input line ended (`TN_EVENT_KIND_EOL`).
 */
enum tn_eol
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * CR LF, the NVT newline ("enter").
     */
    TN_EOL_CR_LF = 0,
    /**
     * CR NUL, the NVT carriage return ("return").
     */
    TN_EOL_CR_NUL = 1,
    /**
     * A CR followed by something other than LF or NUL.
     */
    TN_EOL_CR = 2,
    /**
     * A LF without a CR before it.
     */
    TN_EOL_LF = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_eol tn_eol;
#else
typedef uint32_t tn_eol;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Which end performs an option. `TN_SIDE_LOCAL` is this end (we send WILL/WONT), `TN_SIDE_REMOTE`
 * is the peer (we send DO/DONT). Functions take it as `uint32_t`.
 */
enum tn_side
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * This end.
     */
    TN_SIDE_LOCAL = 0,
    /**
     * The peer.
     */
    TN_SIDE_REMOTE = 1,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_side tn_side;
#else
typedef uint32_t tn_side;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What a `TN_EVENT_KIND_WARNING` reports.
 */
enum tn_warning
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * IAC followed by a byte other than SE or IAC inside a subnegotiation (`byte`). What was
     * collected is processed, then the command.
     */
    TN_WARNING_SUBNEGOTIATION_INTERRUPTED = 1,
    /**
     * A subnegotiation longer than the limit (`limit`) was dropped whole.
     */
    TN_WARNING_SUBNEGOTIATION_TOO_LONG = 2,
    /**
     * IAC SB IAC SE, without an option byte, was ignored.
     */
    TN_WARNING_EMPTY_SUBNEGOTIATION = 3,
    /**
     * IAC SE outside a subnegotiation was ignored.
     */
    TN_WARNING_STRAY_SUBNEGOTIATION_END = 4,
    /**
     * The peer answered a request with the opposite verb (`byte` is the verb); settled as RFC 1143
     * prescribes.
     */
    TN_WARNING_UNEXPECTED_REPLY = 5,
    /**
     * A subnegotiation for an option not in effect was ignored.
     */
    TN_WARNING_SUBNEGOTIATION_NOT_ENABLED = 6,
    /**
     * A subnegotiation that does not follow its option's wire format was ignored.
     */
    TN_WARNING_MALFORMED_SUBNEGOTIATION = 7,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_warning tn_warning;
#else
typedef uint32_t tn_warning;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A variable's type in NEW-ENVIRON / ENVIRON.
 */
enum tn_var_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * VAR: a well-known variable (USER, DISPLAY, ...).
     */
    TN_VAR_KIND_VAR = 0,
    /**
     * USERVAR: a user-defined variable.
     */
    TN_VAR_KIND_USERVAR = 1,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_var_kind tn_var_kind;
#else
typedef uint32_t tn_var_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A REMOTE-FLOW-CONTROL command (RFC 1372).
 */
enum tn_lflow
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Flow control off.
     */
    TN_LFLOW_OFF = 0,
    /**
     * Flow control on.
     */
    TN_LFLOW_ON = 1,
    /**
     * After XOFF, any character restarts output.
     */
    TN_LFLOW_RESTART_ANY = 2,
    /**
     * After XOFF, only XON restarts output.
     */
    TN_LFLOW_RESTART_XON = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_lflow tn_lflow;
#else
typedef uint32_t tn_lflow;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * How the client sends input (see the LINEMODE and SUPPRESS-GO-AHEAD options).
 */
enum tn_input_mode
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * The client edits a line locally and sends it whole.
     */
    TN_INPUT_MODE_LINE = 0,
    /**
     * The client sends each character as typed (the server suppresses go-ahead).
     */
    TN_INPUT_MODE_CHARACTER = 1,
    /**
     * Real LINEMODE: editing and signals follow the MODE bits and the SLC table.
     */
    TN_INPUT_MODE_LINEMODE = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_input_mode tn_input_mode;
#else
typedef uint32_t tn_input_mode;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Why a connection closed (`closed` callback).
 */
enum tn_close_reason
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * The peer closed the connection.
     */
    TN_CLOSE_REASON_PEER_CLOSED = 0,
    /**
     * `tn_conn_close` (queued output was written first).
     */
    TN_CLOSE_REASON_CLOSED = 1,
    /**
     * `tn_conn_abort` (queued output dropped).
     */
    TN_CLOSE_REASON_ABORTED = 2,
    /**
     * A socket error; the `error` argument holds the errno.
     */
    TN_CLOSE_REASON_ERROR = 3,
    /**
     * No input for longer than the idle timeout.
     */
    TN_CLOSE_REASON_IDLE_TIMEOUT = 4,
    /**
     * The engine stopped.
     */
    TN_CLOSE_REASON_SHUTDOWN = 5,
    /**
     * The program on the pty exited; the `error` argument holds its exit code (128 + signal
     * when killed).
     */
    TN_CLOSE_REASON_CHILD_EXITED = 6,
    /**
     * An outgoing connection did not connect in time.
     */
    TN_CLOSE_REASON_CONNECT_TIMEOUT = 7,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_close_reason tn_close_reason;
#else
typedef uint32_t tn_close_reason;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What the DO TIMING-MARK probe found out about kludge line mode.
 */
enum tn_kludge
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Not probed.
     */
    TN_KLUDGE_UNKNOWN = 0,
    /**
     * Probe sent, no answer yet.
     */
    TN_KLUDGE_PROBING = 1,
    /**
     * The client can do kludge line mode.
     */
    TN_KLUDGE_CAPABLE = 2,
    /**
     * The client cannot: character mode only.
     */
    TN_KLUDGE_INCAPABLE = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_kludge tn_kludge;
#else
typedef uint32_t tn_kludge;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * The RFC 1143 state of one side of an option.
 */
enum tn_q_state
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Disabled.
     */
    TN_Q_STATE_NO = 0,
    /**
     * Enabled.
     */
    TN_Q_STATE_YES = 1,
    /**
     * Disabling: asked, waiting for the answer (still in effect).
     */
    TN_Q_STATE_WANT_NO = 2,
    /**
     * Enabling: asked, waiting for the answer (not in effect yet).
     */
    TN_Q_STATE_WANT_YES = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_q_state tn_q_state;
#else
typedef uint32_t tn_q_state;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Which end of the connection a session is. Functions take it as `uint32_t`.
 */
enum tn_role
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Accepted the connection.
     */
    TN_ROLE_SERVER = 0,
    /**
     * Opened the connection.
     */
    TN_ROLE_CLIENT = 1,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_role tn_role;
#else
typedef uint32_t tn_role;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * End-of-line handling in one direction. Functions take it as `uint32_t`.
 */
enum tn_eol_mode
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Bytes pass as they are; only IAC is escaped or unescaped.
     */
    TN_EOL_MODE_RAW = 0,
    /**
     * NVT rules while the direction is not BINARY. Input: CR LF, CR NUL, bare CR and bare LF are
     * taken out of the data and reported as `TN_EVENT_KIND_EOL`. Output: CR LF is kept, any other
     * CR becomes CR NUL, a bare LF becomes CR LF.
     */
    TN_EOL_MODE_NVT = 1,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum tn_eol_mode tn_eol_mode;
#else
typedef uint32_t tn_eol_mode;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * How sessions start: role, option policy, opening plan, end-of-line modes and limits.
 *
 * Made by `tn_config_new`, released by `tn_config_free`. A session copies the configuration
 * when it is made, so the config may be changed or freed afterwards. Not thread-safe: configure
 * it from one thread; after that, several threads may make sessions from it at once if none
 * changes it.
 */
typedef struct tn_config tn_config;

/**
 * One connection of an engine. Valid from the `opened` callback (or the `tn_engine_connect`
 * that made it) until the `closed` callback returns; the engine frees it then. All its functions
 * may be called from any callback of the same engine, on any of its connections.
 */
typedef struct tn_conn tn_conn;

/**
 * An event loop serving and opening Telnet connections (mio: epoll on Linux).
 *
 * Made by `tn_engine_new`, released by `tn_engine_free`. It runs on the thread that calls
 * `tn_engine_run` or `tn_engine_poll`; every callback runs there, one at a time. From another
 * thread only `tn_engine_wake` may be called. Inside callbacks, `tn_engine_stop` and
 * `tn_engine_connect` may be called (they take effect after the callback returns),
 * `tn_engine_watch_fd` and `tn_engine_unwatch_fd` (at once), and the read-only
 * `tn_engine_listener_port`, `tn_engine_session_count` and `tn_engine_fd`; the other engine
 * functions return `TN_RESULT_REENTRANT` there. The engine must outlive every
 * `tn_engine_wake` made from another thread.
 */
typedef struct tn_engine tn_engine;

/**
 * One Telnet connection: parser, option negotiation and output queue, without I/O.
 *
 * Made by `tn_session_new`, released by `tn_session_free`. A session may move between threads
 * but must not be used by two threads at once. Inside its event callback, the session may be used
 * through the `session` argument (or the handle the program already holds, which is the same
 * pointer) for anything except `tn_session_feed`; `tn_session_free` there is deferred until the
 * running `tn_session_feed` returns.
 */
typedef struct tn_session tn_session;

/**
 * A read-only view of bytes owned by someone else. `ptr` may be NULL when `len` is 0.
 */
typedef struct tn_bytes {
    /**
     * First byte.
     */
    const uint8_t *ptr;
    /**
     * Number of bytes.
     */
    size_t len;
} tn_bytes;

/**
 * `TN_EVENT_KIND_OPTION_CHANGED` and `TN_EVENT_KIND_OPTION_REFUSED`.
 */
typedef struct tn_option_event {
    /**
     * The option code (`TN_OPT_*`).
     */
    uint8_t option;
    /**
     * Which end performs it (`tn_side`).
     */
    tn_side side;
    /**
     * Whether it is now in effect (always false for a refusal).
     */
    bool enabled;
} tn_option_event;

/**
 * `TN_EVENT_KIND_SUBNEGOTIATION`.
 */
typedef struct tn_subnegotiation_event {
    /**
     * The option code.
     */
    uint8_t option;
    /**
     * The payload between the option byte and IAC SE, IAC IAC reduced. Valid during the
     * callback only.
     */
    struct tn_bytes payload;
} tn_subnegotiation_event;

/**
 * A read-only view of text, not NUL-terminated. `ptr` may be NULL when `len` is 0.
 */
typedef struct tn_str {
    /**
     * First character.
     */
    const char *ptr;
    /**
     * Number of bytes.
     */
    size_t len;
} tn_str;

/**
 * `TN_EVENT_KIND_WARNING`.
 */
typedef struct tn_warning_event {
    /**
     * What happened.
     */
    tn_warning code;
    /**
     * Whether `option` is meaningful.
     */
    bool has_option;
    /**
     * The option concerned, when `has_option`.
     */
    uint8_t option;
    /**
     * The command byte after IAC (`SUBNEGOTIATION_INTERRUPTED`) or the verb
     * (`UNEXPECTED_REPLY`); 0 otherwise.
     */
    uint8_t byte;
    /**
     * The side concerned (`UNEXPECTED_REPLY`); `TN_SIDE_LOCAL` otherwise.
     */
    tn_side side;
    /**
     * The limit that was passed (`SUBNEGOTIATION_TOO_LONG`); 0 otherwise.
     */
    size_t limit;
    /**
     * A static English description.
     */
    struct tn_str message;
} tn_warning_event;

/**
 * `TN_EVENT_KIND_WINDOW_SIZE`.
 */
typedef struct tn_window_size_event {
    /**
     * Columns (0: unknown).
     */
    uint16_t width;
    /**
     * Rows (0: unknown).
     */
    uint16_t height;
} tn_window_size_event;

/**
 * `TN_EVENT_KIND_TERMINAL_SPEED`.
 */
typedef struct tn_terminal_speed_event {
    /**
     * Transmit speed, bits per second.
     */
    uint32_t transmit;
    /**
     * Receive speed, bits per second.
     */
    uint32_t receive;
} tn_terminal_speed_event;

/**
 * `TN_EVENT_KIND_ENVIRON`: one variable, as sent (untrusted).
 */
typedef struct tn_environ_event {
    /**
     * VAR or USERVAR (`tn_var_kind`).
     */
    tn_var_kind kind;
    /**
     * The name.
     */
    struct tn_bytes name;
    /**
     * The value, when `has_value`.
     */
    struct tn_bytes value;
    /**
     * False when the peer sent the name without a value (undefined).
     */
    bool has_value;
    /**
     * True for an INFO (update), false for an IS.
     */
    bool info;
    /**
     * True when it came through the old ENVIRON option (RFC 1408).
     */
    bool old;
} tn_environ_event;

/**
 * One item of a STATUS report.
 */
typedef struct tn_status_item {
    /**
     * `TN_CMD_WILL`, `TN_CMD_WONT`, `TN_CMD_DO`, `TN_CMD_DONT` for an option's state, or
     * `TN_CMD_SB` for a subnegotiation state.
     */
    uint8_t verb;
    /**
     * The option.
     */
    uint8_t option;
    /**
     * For `TN_CMD_SB`: the subnegotiation payload; empty otherwise.
     */
    struct tn_bytes payload;
} tn_status_item;

/**
 * `TN_EVENT_KIND_STATUS`.
 */
typedef struct tn_status_event {
    /**
     * The items, valid during the callback only.
     */
    const struct tn_status_item *items;
    /**
     * Number of items.
     */
    size_t count;
} tn_status_event;

/**
 * `TN_EVENT_KIND_SLC`.
 */
typedef struct tn_slc_event {
    /**
     * The SLC function (`TN_SLC_*`).
     */
    uint8_t function;
    /**
     * Level (`TN_SLC_LEVEL_*` in the low two bits) and flush bits.
     */
    uint8_t flags;
    /**
     * The character.
     */
    uint8_t value;
} tn_slc_event;

/**
 * `TN_EVENT_KIND_FORWARD_MASK`.
 */
typedef struct tn_forward_mask_event {
    /**
     * The mask (character `c` is bit `0x80 >> (c % 8)` of byte `c / 8`); empty when cleared.
     */
    struct tn_bytes mask;
    /**
     * False when the mask was cleared or refused.
     */
    bool active;
} tn_forward_mask_event;

/**
 * `TN_EVENT_KIND_SLC_FUNCTION`.
 */
typedef struct tn_slc_function_event {
    /**
     * The SLC function it stands for (`TN_SLC_*`).
     */
    uint8_t function;
    /**
     * The byte received.
     */
    uint8_t byte;
} tn_slc_function_event;

/**
 * The payload of an event; read the member that `tn_event.kind` names.
 */
typedef union tn_event_data {
    /**
     * `TN_EVENT_KIND_DATA`: the bytes, valid during the callback only.
     */
    struct tn_bytes data;
    /**
     * `TN_EVENT_KIND_EOL`: the kind of line end (`tn_eol`).
     */
    tn_eol eol;
    /**
     * `TN_EVENT_KIND_COMMAND`: the byte after IAC.
     */
    uint8_t command;
    /**
     * `TN_EVENT_KIND_OPTION_CHANGED`, `TN_EVENT_KIND_OPTION_REFUSED`.
     */
    struct tn_option_event option;
    /**
     * `TN_EVENT_KIND_SUBNEGOTIATION`.
     */
    struct tn_subnegotiation_event subnegotiation;
    /**
     * `TN_EVENT_KIND_WARNING`.
     */
    struct tn_warning_event warning;
    /**
     * `TN_EVENT_KIND_WINDOW_SIZE`.
     */
    struct tn_window_size_event window_size;
    /**
     * `TN_EVENT_KIND_TERMINAL_TYPE`, `TN_EVENT_KIND_X_DISPLAY`, `TN_EVENT_KIND_LOCATION`,
     * `TN_EVENT_KIND_CHARSET`: the text, valid during the callback only.
     */
    struct tn_bytes text;
    /**
     * `TN_EVENT_KIND_TERMINAL_SPEED`.
     */
    struct tn_terminal_speed_event terminal_speed;
    /**
     * `TN_EVENT_KIND_ENVIRON`.
     */
    struct tn_environ_event environ;
    /**
     * `TN_EVENT_KIND_FLOW_CONTROL`.
     */
    tn_lflow flow_control;
    /**
     * `TN_EVENT_KIND_STATUS`.
     */
    struct tn_status_event status;
    /**
     * `TN_EVENT_KIND_LINEMODE_MODE`: `TN_MODE_*` bits.
     */
    uint8_t linemode_mode;
    /**
     * `TN_EVENT_KIND_SLC`.
     */
    struct tn_slc_event slc;
    /**
     * `TN_EVENT_KIND_FORWARD_MASK`.
     */
    struct tn_forward_mask_event forward_mask;
    /**
     * `TN_EVENT_KIND_TIMING_MARK`: true for WILL, false for WONT.
     */
    bool timing_mark;
    /**
     * `TN_EVENT_KIND_INPUT_MODE`.
     */
    tn_input_mode input_mode;
    /**
     * `TN_EVENT_KIND_SLC_FUNCTION`.
     */
    struct tn_slc_function_event slc_function;
    /**
     * `TN_EVENT_KIND_SETTLED`: true when the settle timeout, not the peer, ended the wait.
     */
    bool settled;
} tn_event_data;

/**
 * One event, passed by pointer to the session's callback. It and every pointer inside it are
 * valid only during the callback: copy what you keep. New kinds and union members may be added
 * in later versions (never renumbered), so ignore kinds you do not know and never allocate or
 * copy a `tn_event` by value.
 */
typedef struct tn_event {
    /**
     * Which member of `u` is valid.
     */
    tn_event_kind kind;
    /**
     * The payload.
     */
    union tn_event_data u;
} tn_event;

/**
 * The callbacks of an engine; every member may be NULL ("not interested"). `userdata` is the
 * pointer given to `tn_engine_new`. Pointers passed to a callback are valid during the call
 * (`tn_conn` ones until that connection's `closed` returns). Callbacks must not unwind.
 */
typedef struct tn_engine_callbacks {
    /**
     * A peer connected to `listener` from `host` (numeric, NUL-terminated) and `port`. Return
     * false to close it at once. NULL accepts every connection.
     */
    bool (*accept)(void *userdata, uint32_t listener, const char *host, uint16_t port);
    /**
     * A connection is open (accepted, or an outgoing one connected); its session starts (sends
     * its opening plan) after this returns.
     */
    void (*opened)(void *userdata, struct tn_conn *conn);
    /**
     * An event of a connection's session. `session` is `tn_conn_session(conn)`.
     */
    void (*event)(void *userdata, struct tn_conn *conn, struct tn_session *session, const struct tn_event *event);
    /**
     * A timer set with `tn_conn_set_timer` is due.
     */
    void (*timer)(void *userdata, struct tn_conn *conn, uint64_t id);
    /**
     * The program on the connection's pty exited with `status` (exit code, or 128 + signal). The
     * connection closes after its output drains.
     */
    void (*child_exited)(void *userdata, struct tn_conn *conn, int status);
    /**
     * The connection closed (`error`: errno for `TN_CLOSE_REASON_ERROR`, exit status for
     * `TN_CLOSE_REASON_CHILD_EXITED`, 0 otherwise). It is freed when this returns.
     */
    void (*closed)(void *userdata, struct tn_conn *conn, tn_close_reason reason, int error);
    /**
     * An outgoing connection with `tag` failed (`error`: errno, `ETIMEDOUT` for the timeout).
     */
    void (*connect_failed)(void *userdata, uint64_t tag, int error);
    /**
     * A descriptor watched with `tn_engine_watch_fd` is ready.
     */
    void (*fd_ready)(void *userdata, uint64_t tag, bool readable, bool writable);
    /**
     * A signal registered with `tn_engine_handle_signals` arrived.
     */
    void (*signal)(void *userdata, int signo);
    /**
     * `tn_engine_wake` was called (from any thread).
     */
    void (*woken)(void *userdata);
} tn_engine_callbacks;

/**
 * One received environment variable, untrusted (see `tn_session_environ_at`).
 */
typedef struct tn_env_var {
    /**
     * VAR or USERVAR.
     */
    tn_var_kind kind;
    /**
     * The name as sent.
     */
    struct tn_bytes name;
    /**
     * The value as sent, when `has_value`.
     */
    struct tn_bytes value;
    /**
     * False when the peer sent the name without a value.
     */
    bool has_value;
    /**
     * True when it came through the old ENVIRON option.
     */
    bool old;
} tn_env_var;

/**
 * Receives one variable of a child environment: name and value are valid during the call only.
 */
typedef void (*tn_env_visitor)(void *userdata, struct tn_str name, struct tn_str value);

/**
 * Receives the events of a session. `userdata` is the pointer given to `tn_session_new`;
 * `session` is the session that produced the event; `event` and everything it points to are
 * valid only during the call. Runs on the thread that called `tn_session_feed`, before that call
 * returns. The callback must not unwind (no C++ exceptions, no `longjmp` out of it).
 */
typedef void (*tn_event_callback)(void *userdata, struct tn_session *session, const struct tn_event *event);

/**
 * The negotiation state of one side of one option.
 */
typedef struct tn_option_state {
    /**
     * The RFC 1143 state (`tn_q_state`).
     */
    tn_q_state state;
    /**
     * Whether the opposite request is queued behind the pending one.
     */
    bool opposite_queued;
    /**
     * Whether the option is in effect (YES, or WANTNO until the peer confirms).
     */
    bool enabled;
} tn_option_state;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Makes a configuration for `role` (`TN_ROLE_SERVER` or `TN_ROLE_CLIENT`) that allows no option,
 * requests nothing, delivers data raw, limits subnegotiations to 64 KiB and queued output to
 * 256 KiB. On success `*out` receives a handle to free with `tn_config_free`.
 */
tn_result tn_config_new(uint32_t role, struct tn_config **out);

/**
 * Releases a configuration. NULL is accepted and ignored. Sessions made from it are unaffected.
 */
void tn_config_free(struct tn_config *config);

/**
 * Lets `side` (`tn_side`) enable `option` when the peer asks. Options not allowed are refused
 * automatically.
 */
tn_result tn_config_allow(struct tn_config *config, uint8_t option, uint32_t side);

/**
 * Stops allowing `side` (`tn_side`) to enable `option`.
 */
tn_result tn_config_deny(struct tn_config *config, uint8_t option, uint32_t side);

/**
 * Adds "ask for `option` on `side`" to the opening plan that `tn_session_start` sends, in the
 * order of the calls, and allows it.
 */
tn_result tn_config_request(struct tn_config *config, uint8_t option, uint32_t side);

/**
 * Sets end-of-line handling for received (`input`) and sent (`output`) data, each a
 * `tn_eol_mode`.
 */
tn_result tn_config_set_eol(struct tn_config *config, uint32_t input, uint32_t output);

/**
 * Sets the longest subnegotiation payload kept, in bytes (default 65536, at least 1). A longer
 * one is dropped with a `TN_WARNING_SUBNEGOTIATION_TOO_LONG` event.
 */
tn_result tn_config_set_max_subnegotiation(struct tn_config *config, size_t limit);

/**
 * Sets the queued-output size in bytes above which `tn_session_send` returns
 * `TN_RESULT_WOULD_BLOCK` (default 262144, at least 1).
 */
tn_result tn_config_set_output_limit(struct tn_config *config, size_t limit);

/**
 * A new configuration holding a server plan that negotiates like BSD telnetd: DO TTYPE,
 * TSPEED, XDISPLOC, NEW-ENVIRON, NAWS, LFLOW, LINEMODE; WILL ECHO, SGA, STATUS; accepts BINARY,
 * EOR, CHARSET, ENVIRON, SNDLOC, LOGOUT and TIMING-MARK; NVT end-of-line handling. On success
 * `*out` receives a new handle to free with `tn_config_free`.
 */
tn_result tn_config_new_server(struct tn_config **out);

/**
 * A new configuration holding a client plan that negotiates like BSD telnet: WILL TTYPE, NAWS,
 * TSPEED, LFLOW, LINEMODE, NEW-ENVIRON; DO SGA, STATUS; accepts ECHO, BINARY, EOR, CHARSET and
 * TIMING-MARK; NVT end-of-line handling, as the server plan. On success `*out` receives a new
 * handle to free with `tn_config_free`.
 */
tn_result tn_config_new_client(struct tn_config **out);

/**
 * Sets how long to wait for the peer to answer the opening plan before reporting the
 * negotiation settled anyway (default 4000 ms).
 */
tn_result tn_config_set_settle_timeout_ms(struct tn_config *config, uint32_t ms);

/**
 * Server: the most TERMINAL-TYPE SEND requests in one cycle (default 8, 1 to 64).
 */
tn_result tn_config_set_ttype_max(struct tn_config *config, uint32_t max);

/**
 * Server: adds a variable (`kind` a `tn_var_kind`, NUL-terminated `name`, at most 64 bytes; an
 * empty name asks for every variable of that kind) to the NEW-ENVIRON SEND request. With none
 * added, the request asks for everything.
 */
tn_result tn_config_add_environ_request(struct tn_config *config, uint32_t kind, const char *name);

/**
 * Server: adds a character set name (at most 64 bytes, no ';') to the CHARSET REQUEST offered
 * once the option is on, in order of preference.
 */
tn_result tn_config_add_charset_offer(struct tn_config *config, const char *name);

/**
 * The character sets this end accepts from a peer's CHARSET REQUEST, in order of preference:
 * the first call replaces the default ("UTF-8"), later calls append.
 */
tn_result tn_config_add_charset_accept(struct tn_config *config, const char *name);

/**
 * The encoding used in BINARY mode when CHARSET agreed on none (default "UTF-8").
 */
tn_result tn_config_set_default_encoding(struct tn_config *config, const char *name);

/**
 * Server: the LINEMODE MODE proposed when the client agrees to LINEMODE (`TN_MODE_*` bits,
 * default EDIT | TRAPSIG).
 */
tn_result tn_config_set_linemode_mode(struct tn_config *config, uint8_t mode);

/**
 * Server: whether to probe with DO TIMING-MARK for kludge line mode when LINEMODE is refused
 * (default true).
 */
tn_result tn_config_set_kludge_probe(struct tn_config *config, bool on);

/**
 * Server: when the client agrees to LINEMODE with EDIT, stop echoing (WONT ECHO) so the client
 * echoes what it edits, and offer ECHO again when LINEMODE goes off, as BSD telnetd does
 * (default true).
 */
tn_result tn_config_set_linemode_echo_off(struct tn_config *config, bool on);

/**
 * Outside real LINEMODE, report received control characters that stand for SLC functions as
 * `TN_EVENT_KIND_SLC_FUNCTION` instead of data (default false).
 */
tn_result tn_config_set_slc_simulation(struct tn_config *config, bool on);

/**
 * Whether a subnegotiation that answers one of our pending requests counts as the peer's
 * agreement (default true; telnetlib3 answers some requests that way). `false` drops such a
 * subnegotiation with `TN_WARNING_SUBNEGOTIATION_NOT_ENABLED`, as strict RFC 855 and libtelnet do.
 */
tn_result tn_config_set_implicit_agreement(struct tn_config *config, bool on);

/**
 * Server: REMOTE-FLOW-CONTROL restarts output on any character after XOFF (default false).
 */
tn_result tn_config_set_lflow_restart_any(struct tn_config *config, bool on);

/**
 * Client: the terminal types to answer TERMINAL-TYPE SEND with, cycling, the last repeated.
 * The first call replaces the default ("UNKNOWN"); names are printable ASCII, at most 40 bytes.
 */
tn_result tn_config_add_terminal_type(struct tn_config *config, const char *name);

/**
 * Client: the window size NAWS reports at first (default 80x24).
 */
tn_result tn_config_set_window_size(struct tn_config *config, uint16_t width, uint16_t height);

/**
 * Client: the terminal speeds TERMINAL-SPEED reports (default 38400, 38400).
 */
tn_result tn_config_set_terminal_speed(struct tn_config *config, uint32_t transmit, uint32_t receive);

/**
 * Client: the X display X-DISPLAY-LOCATION reports (printable ASCII, at most 256 bytes).
 */
tn_result tn_config_set_x_display(struct tn_config *config, const char *display);

/**
 * Client: the location SEND-LOCATION reports (printable, at most 256 bytes).
 */
tn_result tn_config_set_location(struct tn_config *config, const char *location);

/**
 * Client: adds a variable to the export list (`kind` a `tn_var_kind`; name at most 64 bytes,
 * value at most 1024). NEW-ENVIRON and ENVIRON answers disclose these and nothing else, whatever
 * the server asks for.
 */
tn_result tn_config_add_environ_export(struct tn_config *config, uint32_t kind, const char *name, const char *value);

/**
 * Client: accept a server's LINEMODE FORWARDMASK (default false: refused, as BSD telnet does).
 */
tn_result tn_config_set_forwardmask_accept(struct tn_config *config, bool on);

/**
 * Sets this end's terminal character for SLC `function` (`TN_SLC_*`), for example from the pty's
 * or tty's termios `c_cc`: `value` is the character (`vdisable`, such as `_POSIX_VDISABLE`,
 * means disabled) and `changeable` whether the peer may change it.
 */
tn_result tn_config_set_slc(struct tn_config *config, uint8_t function, uint8_t value, bool changeable, uint8_t vdisable);

/**
 * Makes an engine that reports to `callbacks` (copied; NULL members are ignored) with
 * `userdata`. Defaults: at most 10000 connections, no idle timeout, 2 s linger on close.
 */
tn_result tn_engine_new(const struct tn_engine_callbacks *callbacks, void *userdata, struct tn_engine **out);

/**
 * Releases an engine: every connection closes now (their `closed` callbacks run) and children
 * get SIGHUP. NULL is accepted. Must not be called from a callback (ignored there).
 */
void tn_engine_free(struct tn_engine *engine);

/**
 * The most concurrent connections (default 10000); more are accepted and closed at once.
 */
tn_result tn_engine_set_max_sessions(struct tn_engine *engine, size_t max);

/**
 * Closes connections that sent nothing for `ms` milliseconds (0: never, the default).
 */
tn_result tn_engine_set_idle_timeout_ms(struct tn_engine *engine, uint32_t ms);

/**
 * How long a closing connection (or a stopping engine) may take to drain its output
 * (default 2000 ms).
 */
tn_result tn_engine_set_linger_ms(struct tn_engine *engine, uint32_t ms);

/**
 * How many bytes the engine reads from one connection (or pty) before the others get their turn
 * (default 262144). Smaller values share the loop more fairly when a few peers flood (a chat
 * relaying one sender to many readers, say); larger ones move bulk data with fewer wake-ups.
 */
tn_result tn_engine_set_read_budget(struct tn_engine *engine, size_t bytes);

/**
 * Turns TCP keepalive on for new connections: `idle_s` seconds of silence before the first
 * probe (0: off, the default), so a peer that vanished without closing is noticed.
 */
tn_result tn_engine_set_keepalive(struct tn_engine *engine, uint32_t idle_s);

/**
 * Listens on `host` (an IPv4 or IPv6 address, or a name such as "localhost", resolved now and
 * the first of its addresses used; NUL-terminated) and `port` (0 picks a free port, see
 * `tn_engine_listener_port`); sessions of accepted connections use a copy of `config`.
 * `*listener` (if not NULL) receives the listener's number. An IPv6 listener is IPv6-only:
 * listen twice for both families. `TN_RESULT_NOT_FOUND` when the name does not resolve;
 * `TN_RESULT_IO` with errno set when the address is busy (EADDRINUSE) or not available.
 */
tn_result tn_engine_listen(struct tn_engine *engine, const char *host, uint16_t port, const struct tn_config *config, uint32_t *listener);

/**
 * The port a listener is bound to.
 */
tn_result tn_engine_listener_port(const struct tn_engine *engine, uint32_t listener, uint16_t *port);

/**
 * Opens a connection to `host` (name or address; resolved now, which may block) and `port`,
 * with a session made from a copy of `config`. Every address of the name is tried in order,
 * each with the whole `timeout_ms`, until one connects. The outcome arrives as `opened` or
 * `connect_failed` with `tag`. Allowed inside callbacks.
 */
tn_result tn_engine_connect(struct tn_engine *engine, const char *host, uint16_t port, const struct tn_config *config, uint32_t timeout_ms, uint64_t tag);

/**
 * Runs the loop until the engine stopped (`tn_engine_stop`) and every connection closed.
 */
tn_result tn_engine_run(struct tn_engine *engine);

/**
 * Waits up to `timeout_ms` (negative: until something happens) and handles what is ready, for
 * programs with their own loop (see `tn_engine_fd`).
 */
tn_result tn_engine_poll(struct tn_engine *engine, int timeout_ms);

/**
 * A descriptor that becomes readable when the engine has work: wait on it in your own loop,
 * then call `tn_engine_poll(engine, 0)`. -1 for NULL.
 */
int tn_engine_fd(const struct tn_engine *engine);

/**
 * Stops the engine: listeners close, connections write what is queued and close (or are closed
 * after the linger time), then `tn_engine_run` returns. Allowed inside callbacks.
 */
tn_result tn_engine_stop(struct tn_engine *engine);

/**
 * Wakes the loop from any thread; the `woken` callback runs on the engine's thread. This is
 * the only engine function that may be called from another thread.
 */
tn_result tn_engine_wake(const struct tn_engine *engine);

/**
 * Delivers the `count` signals in `signals` (SIGINT, SIGTERM, SIGWINCH, ...) through the
 * `signal` callback instead of their default action. Blocks them in the calling thread (call it
 * before starting other threads); children started by the engine get them unblocked.
 */
tn_result tn_engine_handle_signals(struct tn_engine *engine, const int *signals, size_t count);

/**
 * Watches `fd` (not owned) for readability and/or writability; the `fd_ready` callback gets
 * `tag`. `*id` receives the watch's number (numbers of ended watches are reused). A regular
 * file cannot be watched (`TN_RESULT_IO`, errno EPERM): read it directly; neither can a
 * descriptor already watched (errno EEXIST). Allowed inside callbacks; a watch ended there may
 * still get one readiness the current poll already collected, so handle EAGAIN.
 */
tn_result tn_engine_watch_fd(struct tn_engine *engine, int fd, bool readable, bool writable, uint64_t tag, uint32_t *id);

/**
 * Stops watching a descriptor (`TN_RESULT_NOT_FOUND` for a number not watched). Allowed inside
 * callbacks.
 */
tn_result tn_engine_unwatch_fd(struct tn_engine *engine, uint32_t id);

/**
 * Connections open now (including outgoing ones still connecting).
 */
size_t tn_engine_session_count(const struct tn_engine *engine);

/**
 * Raises the open-file soft limit toward `wanted` as far as the hard limit allows; `*got`
 * receives the limit in force (compare it with what you need and say so when it is lower).
 */
tn_result tn_raise_fd_limit(uint64_t wanted, uint64_t *got);

/**
 * The connection's session, for every `tn_session_*` function except `tn_session_feed`,
 * `tn_session_start`, `tn_session_on_timeout`, `tn_session_set_callback` (the engine does those:
 * `TN_RESULT_NOT_ALLOWED`) and `tn_session_free` (ignored). Valid as long as the connection.
 */
struct tn_session *tn_conn_session(struct tn_conn *c);

/**
 * Queues data on the connection's session (like `tn_session_send`) and schedules the write.
 * While input is being answered with output, the engine reads no more than half the queue's
 * free room at a time, so echoing every byte of a `TN_EVENT_KIND_DATA` event always fits.
 */
tn_result tn_conn_send(struct tn_conn *c, const uint8_t *data, size_t len, size_t *accepted);

/**
 * Closes the connection after its queued output is written (at most the linger time).
 */
tn_result tn_conn_close(struct tn_conn *c);

/**
 * Closes the connection now, dropping queued output.
 */
tn_result tn_conn_abort(struct tn_conn *c);

/**
 * Calls the `timer` callback with `id` after `ms` milliseconds (while the connection is open).
 */
tn_result tn_conn_set_timer(struct tn_conn *c, uint32_t ms, uint64_t id);

/**
 * Stores an application pointer with the connection.
 */
tn_result tn_conn_set_userdata(struct tn_conn *c, void *userdata);

/**
 * The application pointer stored with the connection (NULL if none, or for NULL).
 */
void *tn_conn_userdata(const struct tn_conn *c);

/**
 * A number identifying the connection: 1 for the engine's first connection, counting up, never
 * reused while the engine runs.
 */
uint64_t tn_conn_id(const struct tn_conn *c);

/**
 * The tag given to `tn_engine_connect` (0 for an accepted connection).
 */
uint64_t tn_conn_tag(const struct tn_conn *c);

/**
 * The peer's numeric address, NUL-terminated in `host` (`cap` bytes; 46 always suffice), and
 * port.
 */
tn_result tn_conn_peer(const struct tn_conn *c, char *host, size_t cap, uint16_t *port);

/**
 * Starts `program` (an absolute path) with `argv` (`argc` strings, including argv[0]) and
 * exactly the environment `envp` (`envc` strings `NAME=value`; nothing is inherited) on a new
 * pty bridged to the connection: the program's output goes to the peer, the peer's input to the
 * program, and Telnet commands and options map to the pty as BSD telnetd maps them. The child is
 * a session leader with the pty as its controlling terminal. When it exits, the
 * `child_exited` callback runs and the connection closes after its output drains. `*pid` (if
 * not NULL) receives the child's process id. `TN_RESULT_IO` with errno when the program could
 * not be started (for example ENOENT).
 */
tn_result tn_conn_spawn(struct tn_conn *c, const char *program, const char *const *argv, size_t argc, const char *const *envp, size_t envc, int *pid);

/**
 * Bridges a pty master the program opened itself (the engine takes ownership of `master_fd`;
 * put it in TIOCPKT mode first to get flush and flow-control notices). The child, if any, is the
 * program's to manage.
 */
tn_result tn_conn_attach_pty(struct tn_conn *c, int master_fd);

/**
 * Writes `len` bytes to the connection's pty as if the peer had typed them (input that arrived
 * before the pty existed, for example), through the same queue and flow control as network
 * input. `TN_RESULT_NOT_FOUND` when no pty is attached.
 */
tn_result tn_conn_write_pty(struct tn_conn *c, const uint8_t *data, size_t len);

/**
 * The pty master bridged to the connection, -1 if none (for `ioctl`s of your own; the engine
 * keeps ownership).
 */
int tn_conn_pty_fd(const struct tn_conn *c);

/**
 * The conventional name of an option ("NAWS", "TTYPE", ...); empty (`len` 0) for an unassigned
 * code. The text is static and not NUL-terminated.
 */
struct tn_str tn_option_name(uint8_t option);

/**
 * The name of a command byte ("IP", "AYT", "SB", ...); empty for a byte that is no command.
 * The text is static and not NUL-terminated.
 */
struct tn_str tn_command_name(uint8_t command);

/**
 * The library's version as a static NUL-terminated string, such as "0.1.0". Compare with
 * `TN_VERSION_STRING` to detect a header that does not match the library at run time.
 */
const char *tn_version_cstr(void);

/**
 * The SLC function's name ("IP", "EC", ...); empty for an unknown code. Static, not
 * NUL-terminated.
 */
struct tn_str tn_slc_name(uint8_t function);

/**
 * The settle state: true once the opening negotiation is complete (or timed out); false for
 * NULL.
 */
bool tn_session_is_settled(const struct tn_session *session);

/**
 * How the client sends input, as negotiated (`tn_input_mode`); `TN_INPUT_MODE_LINE` for NULL.
 */
tn_input_mode tn_session_input_mode(const struct tn_session *session);

/**
 * What the DO TIMING-MARK probe found about kludge line mode (`tn_kludge`).
 */
tn_kludge tn_session_kludge(const struct tn_session *session);

/**
 * The terminal type to use (the second answer when the third was "MTTS n", else the first),
 * as sent: printable ASCII, at most 40 bytes, not validated for use as TERM (see
 * `tn_session_term`). `TN_RESULT_NOT_FOUND` before the client sent one. The bytes stay valid
 * until the session is fed again or freed.
 */
tn_result tn_session_terminal_type(const struct tn_session *session, struct tn_bytes *out);

/**
 * The terminal type made safe for TERM: `[A-Za-z0-9._+-]`, 1 to 40 bytes, lower-cased (as BSD
 * telnetd does), written NUL-terminated to `buf` (`cap` bytes; 41 is always enough).
 * `TN_RESULT_NOT_FOUND` when the client sent none or none that is safe.
 */
tn_result tn_session_term(const struct tn_session *session, char *buf, size_t cap);

/**
 * The number of terminal types the client reported in the TTYPE cycle.
 */
size_t tn_session_terminal_type_count(const struct tn_session *session);

/**
 * The `index`-th terminal type of the cycle (0-based). `TN_RESULT_NOT_FOUND` past the end.
 */
tn_result tn_session_terminal_type_at(const struct tn_session *session, size_t index, struct tn_bytes *out);

/**
 * The MTTS capability bits, when the client's third terminal type was "MTTS n".
 */
tn_result tn_session_mtts(const struct tn_session *session, uint32_t *out);

/**
 * The peer's window size (NAWS). `TN_RESULT_NOT_FOUND` before it sent one.
 */
tn_result tn_session_window_size(const struct tn_session *session, uint16_t *width, uint16_t *height);

/**
 * The peer's terminal speeds (TERMINAL-SPEED). `TN_RESULT_NOT_FOUND` before it sent them.
 */
tn_result tn_session_terminal_speed(const struct tn_session *session, uint32_t *transmit, uint32_t *receive);

/**
 * The peer's X display (X-DISPLAY-LOCATION), untrusted. `TN_RESULT_NOT_FOUND` before it sent it.
 */
tn_result tn_session_x_display(const struct tn_session *session, struct tn_bytes *out);

/**
 * The character set both ends agreed on (CHARSET). `TN_RESULT_NOT_FOUND` when none.
 */
tn_result tn_session_charset(const struct tn_session *session, struct tn_bytes *out);

/**
 * The encoding of data in one direction (`TN_SIDE_LOCAL`: what we send, `TN_SIDE_REMOTE`: what we
 * receive): the agreed character set or the default encoding when that direction is BINARY,
 * "US-ASCII" otherwise.
 */
tn_result tn_session_encoding(const struct tn_session *session, uint32_t direction, struct tn_str *out);

/**
 * The number of environment variables the peer sent (at most 64 are kept).
 */
size_t tn_session_environ_count(const struct tn_session *session);

/**
 * The `index`-th variable the peer sent, raw and untrusted: never pass these to a child or a
 * command line directly; use `tn_session_user` and `tn_session_visit_child_environment`. The
 * bytes stay valid until the session is fed again or freed.
 */
tn_result tn_session_environ_at(const struct tn_session *session, size_t index, struct tn_env_var *out);

/**
 * The user name the peer sent (USER), only if it is safe to pass to a login program after `--`:
 * 1 to 32 bytes of printable ASCII, not starting with '-', without whitespace, control bytes or
 * '/' (CVE-2026-24061). `TN_RESULT_NOT_FOUND` otherwise. The text stays valid until the session
 * is fed again or freed.
 */
tn_result tn_session_user(const struct tn_session *session, struct tn_str *out);

/**
 * Calls `visit` for each received variable that may go into a child's environment: its name is
 * on the allowlist (`allowlist`, `count` NUL-terminated names, `PREFIX*` matching a prefix; NULL
 * for the default: USER LOGNAME TERM DISPLAY LANG LC_* COLUMNS LINES COLORTERM EDITOR PAGER
 * PRINTER POSIXLY_CORRECT XAUTHORITY), it is a valid variable name, and its value is UTF-8
 * without control bytes (USER and LOGNAME must be valid user names). Everything else (LD_*,
 * CREDENTIALS_DIRECTORY, TERMCAP, IFS, PATH, ...) is dropped. Returns the number visited in
 * `*count_out` (if not NULL).
 */
tn_result tn_session_visit_child_environment(const struct tn_session *session, const char *const *allowlist, size_t count, tn_env_visitor visit, void *userdata, size_t *count_out);

/**
 * The flow control the server asked for (REMOTE-FLOW-CONTROL), as a client.
 */
tn_result tn_session_flow_control(const struct tn_session *session, bool *enabled, bool *restart_any);

/**
 * The LINEMODE MODE in effect (`TN_MODE_*` bits); 0 for NULL or outside LINEMODE.
 */
uint8_t tn_session_linemode(const struct tn_session *session);

/**
 * The current SLC entry for `function` (`TN_SLC_*`): level and flush bits, and the character.
 * `TN_RESULT_NOT_FOUND` for a function outside the table.
 */
tn_result tn_session_slc(const struct tn_session *session, uint8_t function, uint8_t *flags, uint8_t *value);

/**
 * Client: changes the window size and, if NAWS is on, reports it to the server.
 */
tn_result tn_session_set_window_size(struct tn_session *session, uint16_t width, uint16_t height);

/**
 * Server: starts a new TERMINAL-TYPE cycle. `TN_RESULT_NOT_ENABLED` unless the client agreed to
 * TTYPE.
 */
tn_result tn_session_request_terminal_type(struct tn_session *session);

/**
 * Offers character sets (CHARSET REQUEST): `count` NUL-terminated names, in order of
 * preference. The answer arrives as `TN_EVENT_KIND_CHARSET` or `TN_EVENT_KIND_CHARSET_REJECTED`.
 */
tn_result tn_session_request_charset(struct tn_session *session, const char *const *names, size_t count);

/**
 * Server: sends a REMOTE-FLOW-CONTROL command (`tn_lflow`). `TN_RESULT_NOT_ENABLED` unless the
 * client agreed to LFLOW.
 */
tn_result tn_session_send_lflow(struct tn_session *session, uint32_t command);

/**
 * Asks the peer for a STATUS report; it arrives as `TN_EVENT_KIND_STATUS`.
 */
tn_result tn_session_request_status(struct tn_session *session);

/**
 * Changes the LINEMODE MODE (`TN_MODE_EDIT`, `TN_MODE_TRAPSIG`, `TN_MODE_SOFT_TAB`,
 * `TN_MODE_LIT_ECHO`): a server proposes it, a client asks for it.
 */
tn_result tn_session_set_linemode(struct tn_session *session, uint8_t mode);

/**
 * Server: sets the client's FORWARDMASK (`len` at most 32 bytes).
 */
tn_result tn_session_send_forwardmask(struct tn_session *session, const uint8_t *mask, size_t len);

/**
 * Server: line editing on or off as the program on the terminal wants (ICANON): in LINEMODE by
 * the MODE EDIT bit, in kludge line mode by WONT/WILL SUPPRESS-GO-AHEAD.
 */
tn_result tn_session_set_line_editing(struct tn_session *session, bool on);

/**
 * Our terminal's character for SLC `function` changed (for example after `stty`): updates the
 * table and, in LINEMODE, tells the peer.
 */
tn_result tn_session_set_slc(struct tn_session *session, uint8_t function, uint8_t value);

/**
 * Sends IAC DO TIMING-MARK; the answer arrives as `TN_EVENT_KIND_TIMING_MARK`.
 */
tn_result tn_session_send_timing_mark(struct tn_session *session);

/**
 * Marks the end of a prompt: IAC EOR when END-OF-RECORD is on, else IAC GA unless the peer
 * suppressed go-ahead. `*sent` (if not NULL) tells whether anything was queued.
 */
tn_result tn_session_mark_prompt(struct tn_session *session, bool *sent);

/**
 * A static, NUL-terminated English description of a result code. Never NULL; an unknown code
 * gives "unknown result code". The string lives for the life of the program.
 */
const char *tn_result_cstr(uint32_t result);

/**
 * Makes a session from `config` that reports events to `callback` (NULL: events are dropped)
 * with `userdata` passed back unchanged. The configuration is copied. Nothing is queued until
 * `tn_session_start`. On success `*out` receives the handle.
 */
tn_result tn_session_new(const struct tn_config *config, tn_event_callback callback, void *userdata, struct tn_session **out);

/**
 * Releases a session and everything it queued. NULL is accepted and ignored, and so is a session
 * that belongs to an engine connection (the engine frees it). Called from inside the session's
 * own callback, the release happens when the running call returns (no further events are
 * delivered); the caller must not use the handle after that.
 */
void tn_session_free(struct tn_session *session);

/**
 * Replaces the callback and user data. Takes effect for the next event.
 */
tn_result tn_session_set_callback(struct tn_session *session, tn_event_callback callback, void *userdata);

/**
 * Parses `len` bytes at `data` received from the peer, calling the callback for each event
 * before returning. Protocol replies are queued as the input is parsed.
 *
 * `*consumed` (if `consumed` is not NULL) receives how many bytes were parsed. Returns
 * `TN_RESULT_OK` when all were; `TN_RESULT_WOULD_BLOCK` when parsing stopped early because
 * the output queue is far past its limit (a peer that floods requests and never reads): drain
 * output, then feed the rest. `TN_RESULT_REENTRANT` from inside the session's own callback.
 * `data` may be NULL when `len` is 0; it is not kept after the call.
 */
tn_result tn_session_feed(struct tn_session *session, const uint8_t *data, size_t len, size_t *consumed);

/**
 * Queues the opening plan of the configuration and starts the settle clock. Events it causes
 * (`TN_EVENT_KIND_SETTLED` at once for an empty plan) go to the callback before it returns.
 * Calling it again does nothing.
 */
tn_result tn_session_start(struct tn_session *session);

/**
 * Milliseconds until the session needs `tn_session_on_timeout` (the settle deadline while the
 * opening negotiation is not settled), 0 if it is due, -1 when no timer is pending or for NULL.
 */
int64_t tn_session_timeout_ms(const struct tn_session *session);

/**
 * Handles timers that are due now (see `tn_session_timeout_ms`): past the settle deadline the
 * negotiation is reported settled with `timed_out` set. Safe to call at any time.
 */
tn_result tn_session_on_timeout(struct tn_session *session);

/**
 * Queues `len` bytes of application data (255 doubled; NVT end-of-line translation when the
 * output mode is `TN_EOL_MODE_NVT` and we are not in BINARY mode). Takes as much as fits under
 * the output limit; `*accepted` (if not NULL) receives how many bytes were taken. Returns
 * `TN_RESULT_WOULD_BLOCK` (with `*accepted` = 0) when the queue is already full.
 */
tn_result tn_session_send(struct tn_session *session, const uint8_t *data, size_t len, size_t *accepted);

/**
 * Server: hands the session one read from a pty master in packet mode (TIOCPKT), `packet` being
 * every byte the read returned, control byte first. Data is queued as by `tn_session_send`. The
 * notices map as in BSD telnetd: FLUSHWRITE aborts output (queued data dropped, Synch sent),
 * NOSTOP and DOSTOP send REMOTE-FLOW-CONTROL OFF and ON when the client agreed to it, STOP and
 * START need nothing; what is left for you to do at the pty comes back in `*notices` as
 * `TN_PTY_*` bits (if not NULL). `*accepted` (if not NULL) receives how many data bytes after the
 * control byte were queued: fewer than `len - 1` means the output queue is full; keep the rest,
 * stop reading the pty, and offer the rest with `tn_session_send` once output has drained (never
 * feed the same packet twice: its notices have been handled). Emits no events, so it may be
 * called inside the session's callback.
 */
tn_result tn_session_feed_pty(struct tn_session *session, const uint8_t *packet, size_t len, size_t *accepted, uint32_t *notices);

/**
 * Queues the two-byte command `IAC command` (`TN_CMD_*`, or an unassigned code below 236).
 * `TN_RESULT_INVALID_COMMAND` for SE, SB, the verbs and IAC.
 */
tn_result tn_session_send_command(struct tn_session *session, uint8_t command);

/**
 * Asks for `option` to be enabled (`enable` true) or disabled on `side` (`tn_side`), by the
 * RFC 1143 rules: a request that is already satisfied or pending sends nothing. Enabling also
 * allows the option on that side. The outcome arrives as `TN_EVENT_KIND_OPTION_CHANGED` or
 * `TN_EVENT_KIND_OPTION_REFUSED`.
 */
tn_result tn_session_negotiate(struct tn_session *session, uint8_t option, uint32_t side, bool enable);

/**
 * Sets whether `side` (`tn_side`) may enable `option` when the peer asks, from now on.
 */
tn_result tn_session_set_allowed(struct tn_session *session, uint8_t option, uint32_t side, bool allowed);

/**
 * Queues `IAC SB option payload IAC SE` with 255 bytes doubled. `TN_RESULT_TOO_LONG` when
 * `len` exceeds the subnegotiation limit.
 */
tn_result tn_session_send_subnegotiation(struct tn_session *session, uint8_t option, const uint8_t *payload, size_t len);

/**
 * Queues a Synch: IAC DM, the DM byte marked urgent (see `tn_session_peek_output`).
 */
tn_result tn_session_send_synch(struct tn_session *session);

/**
 * Abort output (RFC 854): drops every queued data frame, keeps queued commands and
 * subnegotiations whole, and queues a Synch. `*dropped` (if not NULL) receives how many queued
 * data bytes were dropped.
 */
tn_result tn_session_clear_output(struct tn_session *session, size_t *dropped);

/**
 * Tells the session the peer sent TCP urgent data (an exceptional condition on the socket, or
 * `sockatmark`): input data is discarded, commands still processed, until the DM that ends
 * the Synch (RFC 854). Use with `SO_OOBINLINE` so the DM arrives in the stream.
 */
tn_result tn_session_input_urgent(struct tn_session *session);

/**
 * Looks at the next bytes to write without removing them. On success `*data` and `*len`
 * describe them (`*len` is 0 when nothing is queued) and `*urgent` (if not NULL) tells whether
 * they are the single DM byte of a Synch, to be sent with `send(fd, *data, 1, MSG_OOB)`. The
 * bytes stay valid until the next call that changes the session. Write them, then call
 * `tn_session_consume_output` with the count written.
 */
tn_result tn_session_peek_output(const struct tn_session *session, const uint8_t **data, size_t *len, bool *urgent);

/**
 * Removes `n` written bytes from the front of the output queue. `TN_RESULT_INVALID_ARGUMENT`
 * (and nothing removed) when `n` is more than is queued.
 */
tn_result tn_session_consume_output(struct tn_session *session, size_t n);

/**
 * Bytes waiting in the output queue; 0 for NULL.
 */
size_t tn_session_output_len(const struct tn_session *session);

/**
 * How many more bytes of data `tn_session_send` takes now before it refuses (0 when the queue
 * is full; the limit counts data before IAC doubling and NVT line-end expansion, and the
 * queue's own bookkeeping). A message of at most this many bytes is taken whole. 0 for NULL.
 */
size_t tn_session_output_room(const struct tn_session *session);

/**
 * Writes queued output to the non-blocking descriptor `fd` until the queue is empty or `fd`
 * would block. On a socket the DM of a Synch goes out alone with `MSG_OOB`; `MSG_NOSIGNAL` is
 * used, so a closed peer gives `EPIPE`, not SIGPIPE. `*written` (if not NULL) receives the bytes
 * written by this call in every case. Returns `TN_RESULT_OK` when the queue is empty,
 * `TN_RESULT_WOULD_BLOCK` when output remains, `TN_RESULT_IO` with `errno` set on an error
 * (what was written before it stays consumed).
 */
tn_result tn_session_flush_fd(struct tn_session *session, int fd, size_t *written);

/**
 * Writes the state of `side` (`tn_side`) of `option` to `*out`.
 */
tn_result tn_session_option_state(const struct tn_session *session, uint8_t option, uint32_t side, struct tn_option_state *out);

/**
 * Whether `option` is in effect on `side` (`tn_side`); false for NULL or an invalid side.
 */
bool tn_session_is_enabled(const struct tn_session *session, uint8_t option, uint32_t side);

/**
 * Changes end-of-line handling of received and sent data (`tn_eol_mode` each), from the next
 * byte on.
 */
tn_result tn_session_set_eol(struct tn_session *session, uint32_t input, uint32_t output);

/**
 * Bytes of memory the session uses: its fixed size plus the buffers it holds now.
 */
size_t tn_session_memory_size(const struct tn_session *session);

/**
 * Translates CP437 (IBM PC, BBS ANSI art) to UTF-8. Every byte becomes one character (at most 3
 * bytes of UTF-8; `cap >= 3 * len` always suffices). NUL, BEL, BS, TAB, LF, CR and ESC pass
 * through so escape sequences and line ends keep working; the other control bytes become their
 * CP437 glyphs. Converts as much as fits: `*consumed` (input used) and `*written` (output
 * produced) are set in every case, and the result is `TN_RESULT_TOO_LONG` when not everything
 * fit. Stateless: chunks can be converted independently.
 */
tn_result tn_cp437_to_utf8(const uint8_t *input, size_t len, uint8_t *out, size_t cap, size_t *consumed, size_t *written);

/**
 * Translates Latin-1 (ISO-8859-1) to UTF-8, like `tn_cp437_to_utf8` (at most 2 bytes per input
 * byte).
 */
tn_result tn_latin1_to_utf8(const uint8_t *input, size_t len, uint8_t *out, size_t cap, size_t *consumed, size_t *written);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* TELNET_RS_H */
