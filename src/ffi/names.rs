//! Names and constants: option codes, command codes, version.

use super::types::tn_str;
use crate::proto::consts::{command_name, option_name};
use std::ffi::c_char;

/// IAC: Interpret As Command.
pub const TN_CMD_IAC: u8 = 255;
/// DONT.
pub const TN_CMD_DONT: u8 = 254;
/// DO.
pub const TN_CMD_DO: u8 = 253;
/// WONT.
pub const TN_CMD_WONT: u8 = 252;
/// WILL.
pub const TN_CMD_WILL: u8 = 251;
/// SB: subnegotiation begin.
pub const TN_CMD_SB: u8 = 250;
/// GA: go ahead.
pub const TN_CMD_GA: u8 = 249;
/// EL: erase line.
pub const TN_CMD_EL: u8 = 248;
/// EC: erase character.
pub const TN_CMD_EC: u8 = 247;
/// AYT: are you there.
pub const TN_CMD_AYT: u8 = 246;
/// AO: abort output.
pub const TN_CMD_AO: u8 = 245;
/// IP: interrupt process.
pub const TN_CMD_IP: u8 = 244;
/// BRK: break.
pub const TN_CMD_BRK: u8 = 243;
/// DM: data mark.
pub const TN_CMD_DM: u8 = 242;
/// NOP: no operation.
pub const TN_CMD_NOP: u8 = 241;
/// SE: subnegotiation end.
pub const TN_CMD_SE: u8 = 240;
/// EOR: end of record (RFC 885).
pub const TN_CMD_EOR: u8 = 239;
/// ABORT: abort process (RFC 1184).
pub const TN_CMD_ABORT: u8 = 238;
/// SUSP: suspend process (RFC 1184).
pub const TN_CMD_SUSP: u8 = 237;
/// EOF: end of file (RFC 1184).
pub const TN_CMD_EOF: u8 = 236;

/// BINARY (RFC 856).
pub const TN_OPT_BINARY: u8 = 0;
/// ECHO (RFC 857).
pub const TN_OPT_ECHO: u8 = 1;
/// SUPPRESS-GO-AHEAD (RFC 858).
pub const TN_OPT_SGA: u8 = 3;
/// STATUS (RFC 859).
pub const TN_OPT_STATUS: u8 = 5;
/// TIMING-MARK (RFC 860).
pub const TN_OPT_TM: u8 = 6;
/// LOGOUT (RFC 727).
pub const TN_OPT_LOGOUT: u8 = 18;
/// SEND-LOCATION (RFC 779).
pub const TN_OPT_SNDLOC: u8 = 23;
/// TERMINAL-TYPE (RFC 1091).
pub const TN_OPT_TTYPE: u8 = 24;
/// END-OF-RECORD (RFC 885).
pub const TN_OPT_EOR: u8 = 25;
/// NAWS, window size (RFC 1073).
pub const TN_OPT_NAWS: u8 = 31;
/// TERMINAL-SPEED (RFC 1079).
pub const TN_OPT_TSPEED: u8 = 32;
/// REMOTE-FLOW-CONTROL (RFC 1372).
pub const TN_OPT_LFLOW: u8 = 33;
/// LINEMODE (RFC 1184).
pub const TN_OPT_LINEMODE: u8 = 34;
/// X-DISPLAY-LOCATION (RFC 1096).
pub const TN_OPT_XDISPLOC: u8 = 35;
/// ENVIRON, the old one (RFC 1408).
pub const TN_OPT_OLD_ENVIRON: u8 = 36;
/// AUTHENTICATION (RFC 2941).
pub const TN_OPT_AUTHENTICATION: u8 = 37;
/// ENCRYPT (RFC 2946).
pub const TN_OPT_ENCRYPT: u8 = 38;
/// NEW-ENVIRON (RFC 1572).
pub const TN_OPT_NEW_ENVIRON: u8 = 39;
/// CHARSET (RFC 2066).
pub const TN_OPT_CHARSET: u8 = 42;
/// MSDP (MUD Server Data Protocol).
pub const TN_OPT_MSDP: u8 = 69;
/// MSSP (MUD Server Status Protocol).
pub const TN_OPT_MSSP: u8 = 70;
/// MCCP2 (MUD Client Compression Protocol v2).
pub const TN_OPT_MCCP2: u8 = 86;
/// MCCP3.
pub const TN_OPT_MCCP3: u8 = 87;
/// ZMP (Zenith MUD Protocol).
pub const TN_OPT_ZMP: u8 = 93;
/// ATCP.
pub const TN_OPT_ATCP: u8 = 200;
/// GMCP (Generic MUD Communication Protocol).
pub const TN_OPT_GMCP: u8 = 201;
/// EXOPL, extended options list (RFC 861).
pub const TN_OPT_EXOPL: u8 = 255;

/// The conventional name of an option ("NAWS", "TTYPE", ...); empty (`len` 0) for an unassigned
/// code. The text is static and not NUL-terminated.
#[unsafe(no_mangle)]
pub extern "C" fn tn_option_name(option: u8) -> tn_str {
    ffi_panic_boundary! {
        option_name(option).map_or(tn_str::EMPTY, tn_str::from_static)
    }
}

/// The name of a command byte ("IP", "AYT", "SB", ...); empty for a byte that is no command.
/// The text is static and not NUL-terminated.
#[unsafe(no_mangle)]
pub extern "C" fn tn_command_name(command: u8) -> tn_str {
    ffi_panic_boundary! {
        command_name(command).map_or(tn_str::EMPTY, tn_str::from_static)
    }
}

/// The library's version as a static NUL-terminated string, such as "0.1.0". Compare with
/// `TN_VERSION_STRING` to detect a header that does not match the library at run time.
#[unsafe(no_mangle)]
pub extern "C" fn tn_version_cstr() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
