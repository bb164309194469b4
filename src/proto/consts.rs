//! Telnet byte values: commands (RFC 854) and option codes (IANA registry).

/// Interpret As Command: starts every command; doubled to send a data byte 255.
pub const IAC: u8 = 255;
/// Refuse or stop: "don't perform this option" (RFC 854).
pub const DONT: u8 = 254;
/// Request or accept: "do perform this option".
pub const DO: u8 = 253;
/// Refuse or stop: "I won't perform this option".
pub const WONT: u8 = 252;
/// Offer or accept: "I will perform this option".
pub const WILL: u8 = 251;
/// Subnegotiation begin (RFC 855).
pub const SB: u8 = 250;
/// Go ahead (RFC 854).
pub const GA: u8 = 249;
/// Erase line.
pub const EL: u8 = 248;
/// Erase character.
pub const EC: u8 = 247;
/// Are you there.
pub const AYT: u8 = 246;
/// Abort output.
pub const AO: u8 = 245;
/// Interrupt process.
pub const IP: u8 = 244;
/// Break.
pub const BRK: u8 = 243;
/// Data mark: the data stream part of a Synch (RFC 854).
pub const DM: u8 = 242;
/// No operation.
pub const NOP: u8 = 241;
/// Subnegotiation end (RFC 855).
pub const SE: u8 = 240;
/// End of record (RFC 885).
pub const EOR: u8 = 239;
/// Abort process (RFC 1184).
pub const ABORT: u8 = 238;
/// Suspend process (RFC 1184).
pub const SUSP: u8 = 237;
/// End of file (RFC 1184).
pub const EOF: u8 = 236;

/// Carriage return.
pub const CR: u8 = b'\r';
/// Line feed.
pub const LF: u8 = b'\n';
/// NUL, sent after a CR that means "return only" (RFC 854).
pub const NUL: u8 = 0;

/// Option codes.
pub mod opt {
    /// RFC 856.
    pub const BINARY: u8 = 0;
    /// RFC 857.
    pub const ECHO: u8 = 1;
    /// RFC 858.
    pub const SGA: u8 = 3;
    /// RFC 859.
    pub const STATUS: u8 = 5;
    /// RFC 860.
    pub const TM: u8 = 6;
    /// RFC 727.
    pub const LOGOUT: u8 = 18;
    /// RFC 779.
    pub const SNDLOC: u8 = 23;
    /// RFC 1091.
    pub const TTYPE: u8 = 24;
    /// RFC 885.
    pub const EOR: u8 = 25;
    /// RFC 1073.
    pub const NAWS: u8 = 31;
    /// RFC 1079.
    pub const TSPEED: u8 = 32;
    /// RFC 1372.
    pub const LFLOW: u8 = 33;
    /// RFC 1184.
    pub const LINEMODE: u8 = 34;
    /// RFC 1096.
    pub const XDISPLOC: u8 = 35;
    /// RFC 1408 (with the RFC 1571 corrections).
    pub const OLD_ENVIRON: u8 = 36;
    /// RFC 2941.
    pub const AUTHENTICATION: u8 = 37;
    /// RFC 2946.
    pub const ENCRYPT: u8 = 38;
    /// RFC 1572.
    pub const NEW_ENVIRON: u8 = 39;
    /// RFC 2066.
    pub const CHARSET: u8 = 42;
    /// RFC 2217.
    pub const COM_PORT: u8 = 44;
    /// Mud Server Data Protocol.
    pub const MSDP: u8 = 69;
    /// Mud Server Status Protocol.
    pub const MSSP: u8 = 70;
    /// Mud Client Compression Protocol v2.
    pub const MCCP2: u8 = 86;
    /// Mud Client Compression Protocol v3.
    pub const MCCP3: u8 = 87;
    /// Zenith Mud Protocol.
    pub const ZMP: u8 = 93;
    /// Achaea Telnet Client Protocol.
    pub const ATCP: u8 = 200;
    /// Generic Mud Communication Protocol.
    pub const GMCP: u8 = 201;
    /// Extended options list (RFC 861).
    pub const EXOPL: u8 = 255;
}

/// The conventional name of a command byte, or `None` for a byte that is not a command.
pub fn command_name(byte: u8) -> Option<&'static str> {
    Some(match byte {
        IAC => "IAC",
        DONT => "DONT",
        DO => "DO",
        WONT => "WONT",
        WILL => "WILL",
        SB => "SB",
        GA => "GA",
        EL => "EL",
        EC => "EC",
        AYT => "AYT",
        AO => "AO",
        IP => "IP",
        BRK => "BRK",
        DM => "DM",
        NOP => "NOP",
        SE => "SE",
        EOR => "EOR",
        ABORT => "ABORT",
        SUSP => "SUSP",
        EOF => "EOF",
        _ => return None,
    })
}

/// The conventional (arpa/telnet.h style) name of an option, or `None` for an unassigned code.
pub fn option_name(option: u8) -> Option<&'static str> {
    Some(match option {
        0 => "BINARY",
        1 => "ECHO",
        2 => "RCP",
        3 => "SGA",
        4 => "NAMS",
        5 => "STATUS",
        6 => "TM",
        7 => "RCTE",
        8 => "NAOL",
        9 => "NAOP",
        10 => "NAOCRD",
        11 => "NAOHTS",
        12 => "NAOHTD",
        13 => "NAOFFD",
        14 => "NAOVTS",
        15 => "NAOVTD",
        16 => "NAOLFD",
        17 => "XASCII",
        18 => "LOGOUT",
        19 => "BM",
        20 => "DET",
        21 => "SUPDUP",
        22 => "SUPDUPOUTPUT",
        23 => "SNDLOC",
        24 => "TTYPE",
        25 => "EOR",
        26 => "TUID",
        27 => "OUTMRK",
        28 => "TTYLOC",
        29 => "3270REGIME",
        30 => "X3PAD",
        31 => "NAWS",
        32 => "TSPEED",
        33 => "LFLOW",
        34 => "LINEMODE",
        35 => "XDISPLOC",
        36 => "OLD-ENVIRON",
        37 => "AUTHENTICATION",
        38 => "ENCRYPT",
        39 => "NEW-ENVIRON",
        40 => "TN3270E",
        41 => "XAUTH",
        42 => "CHARSET",
        43 => "RSP",
        44 => "COM-PORT",
        45 => "SUPPRESS-LOCAL-ECHO",
        46 => "START-TLS",
        47 => "KERMIT",
        48 => "SEND-URL",
        49 => "FORWARD-X",
        69 => "MSDP",
        70 => "MSSP",
        85 => "MCCP1",
        86 => "MCCP2",
        87 => "MCCP3",
        90 => "MSP",
        91 => "MXP",
        93 => "ZMP",
        138 => "PRAGMA-LOGON",
        139 => "SSPI-LOGON",
        140 => "PRAGMA-HEARTBEAT",
        200 => "ATCP",
        201 => "GMCP",
        255 => "EXOPL",
        _ => return None,
    })
}
