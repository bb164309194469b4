/*
 * telnet-rs: a Telnet protocol engine (RFC 854 and the option RFCs) with a C ABI.
 *
 * This file is generated from the Rust sources by cbindgen; do not edit it by hand.
 * Link with -ltelnet-rs (pkg-config: telnet-rs; CMake: find_package(telnet-rs), target
 * telnet-rs::telnet-rs).
 *
 * Conventions
 * - Every exported name starts with tn_ / TN_.
 * - Handles (tn_config, tn_session) are opaque. tn_X_new makes one and writes it to an output
 *   parameter; tn_X_free releases it and accepts NULL.
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
 * Releases a session and everything it queued. NULL is accepted and ignored. Called from inside
 * the session's own callback, the release happens when the running `tn_session_feed` returns
 * (no further events are delivered); the caller must not use the handle after that.
 */
void tn_session_free(struct tn_session *session);

/**
 * Replaces the callback and user data. Takes effect for the next event.
 */
tn_result tn_session_set_callback(struct tn_session *session, tn_event_callback callback, void *userdata);

/**
 * Queues the opening plan of the configuration (a request for each option it lists).
 */
tn_result tn_session_start(struct tn_session *session);

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
 * Queues `len` bytes of application data (255 doubled; NVT end-of-line translation when the
 * output mode is `TN_EOL_MODE_NVT` and we are not in BINARY mode). Takes as much as fits under
 * the output limit; `*accepted` (if not NULL) receives how many bytes were taken. Returns
 * `TN_RESULT_WOULD_BLOCK` (with `*accepted` = 0) when the queue is already full.
 */
tn_result tn_session_send(struct tn_session *session, const uint8_t *data, size_t len, size_t *accepted);

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

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* TELNET_RS_H */
