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

/// LINEMODE MODE bit: the client edits lines locally.
pub const TN_MODE_EDIT: u8 = 0x01;
/// LINEMODE MODE bit: the client traps signals and sends IP, SUSP, ABORT, ... instead.
pub const TN_MODE_TRAPSIG: u8 = 0x02;
/// LINEMODE MODE bit: this MODE acknowledges another.
pub const TN_MODE_ACK: u8 = 0x04;
/// LINEMODE MODE bit: the client expands tabs.
pub const TN_MODE_SOFT_TAB: u8 = 0x08;
/// LINEMODE MODE bit: the client echoes control characters literally.
pub const TN_MODE_LIT_ECHO: u8 = 0x10;

/// SLC function: Synch.
pub const TN_SLC_SYNCH: u8 = 1;
/// SLC function: Break.
pub const TN_SLC_BRK: u8 = 2;
/// SLC function: Interrupt Process.
pub const TN_SLC_IP: u8 = 3;
/// SLC function: Abort Output.
pub const TN_SLC_AO: u8 = 4;
/// SLC function: Are You There.
pub const TN_SLC_AYT: u8 = 5;
/// SLC function: End of Record.
pub const TN_SLC_EOR: u8 = 6;
/// SLC function: Abort.
pub const TN_SLC_ABORT: u8 = 7;
/// SLC function: End of File.
pub const TN_SLC_EOF: u8 = 8;
/// SLC function: Suspend.
pub const TN_SLC_SUSP: u8 = 9;
/// SLC function: Erase Character.
pub const TN_SLC_EC: u8 = 10;
/// SLC function: Erase Line.
pub const TN_SLC_EL: u8 = 11;
/// SLC function: Erase Word.
pub const TN_SLC_EW: u8 = 12;
/// SLC function: Reprint Line.
pub const TN_SLC_RP: u8 = 13;
/// SLC function: Literal Next.
pub const TN_SLC_LNEXT: u8 = 14;
/// SLC function: Start Output.
pub const TN_SLC_XON: u8 = 15;
/// SLC function: Stop Output.
pub const TN_SLC_XOFF: u8 = 16;
/// SLC function: Forwarding character 1.
pub const TN_SLC_FORW1: u8 = 17;
/// SLC function: Forwarding character 2.
pub const TN_SLC_FORW2: u8 = 18;
/// SLC level mask of an entry's flags.
pub const TN_SLC_LEVEL_MASK: u8 = 0x03;
/// SLC level: not supported.
pub const TN_SLC_LEVEL_NOSUPPORT: u8 = 0;
/// SLC level: supported, cannot be changed.
pub const TN_SLC_LEVEL_CANTCHANGE: u8 = 1;
/// SLC level: supported and changeable.
pub const TN_SLC_LEVEL_VALUE: u8 = 2;
/// SLC level: use the default.
pub const TN_SLC_LEVEL_DEFAULT: u8 = 3;
/// SLC flag: flush input when the function is used.
pub const TN_SLC_FLUSHIN: u8 = 0x40;
/// SLC flag: flush output when the function is used.
pub const TN_SLC_FLUSHOUT: u8 = 0x20;

/// The SLC function's name ("IP", "EC", ...); empty for an unknown code. Static, not
/// NUL-terminated.
#[unsafe(no_mangle)]
pub extern "C" fn tn_slc_name(function: u8) -> tn_str {
    ffi_panic_boundary! {
        crate::proto::slc::func_name(function).map_or(tn_str::EMPTY, tn_str::from_static)
    }
}
