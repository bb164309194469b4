//! How a session starts: role, option policy, opening plan, what to answer, limits.

use super::consts::opt;
use super::event::Side;
use super::parser::DEFAULT_MAX_SUBNEGOTIATION;
use super::qmethod::{ALLOW_LOCAL, ALLOW_REMOTE};
use super::slc::SlcTable;
use super::wire::{self, VarKind};
use std::time::Duration;

/// Which end of the connection a session is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Role {
    /// Accepted the connection (a daemon, a MUD or BBS server).
    #[default]
    Server,
    /// Opened the connection.
    Client,
}

/// How end-of-line sequences are handled in one direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum EolMode {
    /// Bytes pass as they are (only IAC is escaped or unescaped).
    #[default]
    Raw,
    /// NVT rules while that direction is not BINARY (RFC 854). On input, each CR LF, CR NUL, bare
    /// CR and bare LF is taken out of the data and reported as
    /// [`Event::Eol`](super::Event::Eol). On output, CR LF is kept, any other CR becomes CR NUL
    /// and a bare LF becomes CR LF. In BINARY mode (RFC 856) bytes pass as they are.
    Nvt,
}

/// The default output limit: 256 KiB.
pub const DEFAULT_OUTPUT_LIMIT: usize = 256 * 1024;

/// How a session starts. Sessions copy or share it; changing it later does not affect them.
///
/// [`Config::new`] allows nothing and asks for nothing. [`Config::server`] and
/// [`Config::client`] are ready-made plans that negotiate the way BSD telnetd and BSD telnet do.
#[derive(Clone, Debug)]
pub struct Config {
    /// Which end this is.
    pub role: Role,
    /// End-of-line handling of received data.
    pub input_eol: EolMode,
    /// End-of-line handling of sent data.
    pub output_eol: EolMode,
    /// Longest subnegotiation payload kept (default 64 KiB); a longer one is dropped with a warning.
    pub max_subnegotiation: usize,
    /// Queued output in bytes above which [`Session::send`](super::Session::send) stops accepting
    /// data (default 256 KiB).
    pub output_limit: usize,
    /// How long to wait for the peer to answer the opening plan before reporting the negotiation
    /// settled anyway (the reference's `connect_maxwait`). Default 4 s.
    pub settle_timeout: Duration,

    // ----- what a server asks for and offers -----
    /// TERMINAL-TYPE: most SEND requests in one cycle (default 8).
    pub ttype_max: usize,
    /// NEW-ENVIRON: the variables to ask for; empty asks for everything (RFC 1572 "send all").
    pub environ_request: Vec<(VarKind, String)>,
    /// CHARSET: the names offered in a REQUEST once the option is on, in order of preference;
    /// empty sends no REQUEST. A server with offers also asks for CHARSET (DO CHARSET) at start.
    pub charset_offer: Vec<String>,
    /// LINEMODE: the MODE proposed when the client agrees to LINEMODE (default EDIT | TRAPSIG).
    pub linemode_mode: u8,
    /// When the client refuses LINEMODE, probe with DO TIMING-MARK whether it can do kludge line
    /// mode, as BSD telnetd does (default true).
    pub kludge_probe: bool,
    /// When the client agrees to LINEMODE and the MODE has EDIT, stop echoing (WONT ECHO) so the
    /// client echoes the lines it edits, and offer ECHO again when LINEMODE goes off, as BSD
    /// telnetd does (default true). Only acts when this end was echoing or offering to.
    pub linemode_echo_off: bool,
    /// Outside real LINEMODE, report received control characters that stand for an SLC function
    /// (^C, ^H/DEL, ^U, ^W, ^R, ^V, ^O, ^Z, ^\, ^D, ^T) as
    /// [`Event::SlcFunction`](super::Event::SlcFunction) instead of data (default false).
    pub slc_simulation: bool,
    /// REMOTE-FLOW-CONTROL: after XOFF, any character restarts output (default false: only XON).
    pub lflow_restart_any: bool,

    // ----- what a client answers -----
    /// TERMINAL-TYPE: the names to answer SEND with, cycling, the last repeated (RFC 1091).
    pub terminal_types: Vec<String>,
    /// NAWS: the window size (width, height) to report.
    pub window_size: (u16, u16),
    /// TERMINAL-SPEED: (transmit, receive) in bits per second.
    pub terminal_speed: (u32, u32),
    /// X-DISPLAY-LOCATION: the display to report, if any. A client without one refuses the option.
    pub x_display: Option<String>,
    /// SEND-LOCATION: the location to report, if any. A client without one refuses the option.
    pub location: Option<String>,
    /// NEW-ENVIRON / ENVIRON: the only variables the client ever discloses, whatever the server
    /// asks for (CVE-2005-0488).
    pub environ_export: Vec<(VarKind, String, String)>,
    /// CHARSET: the names this end accepts, in order of preference; an offer matching none is
    /// rejected.
    pub charset_accept: Vec<String>,
    /// LINEMODE: accept a server's FORWARDMASK (default false: refuse it, as BSD telnet does).
    pub forwardmask_accept: bool,

    // ----- both -----
    /// The encoding of data in BINARY mode when CHARSET agreed on none (default "UTF-8").
    pub default_encoding: String,
    /// Take a subnegotiation that answers one of our pending requests as the peer's agreement
    /// (default true): telnetlib3 answers WILL TSPEED, LFLOW, STATUS and NEW-ENVIRON with the
    /// subnegotiation, never DO. `false` drops it, as strict RFC 855 (and libtelnet) does.
    pub implicit_agreement: bool,
    /// The Special Line Characters of this end's terminal (pty for a server, tty for a client),
    /// built with [`SlcTable::server_defaults`] or [`SlcTable::client_defaults`] and
    /// [`SlcTable::set_local`]. `None` (the default) uses the BSD defaults for the role.
    pub slc: Option<SlcTable>,

    policy: Box<[u8; 256]>,
    plan: Vec<(u8, Side)>,
}

impl Default for Config {
    fn default() -> Self {
        Config::new(Role::Server)
    }
}

impl Config {
    /// A configuration that allows no option on either side and requests nothing.
    pub fn new(role: Role) -> Config {
        Config {
            role,
            input_eol: EolMode::Raw,
            output_eol: EolMode::Raw,
            max_subnegotiation: DEFAULT_MAX_SUBNEGOTIATION,
            output_limit: DEFAULT_OUTPUT_LIMIT,
            settle_timeout: Duration::from_secs(4),
            ttype_max: 8,
            environ_request: Vec::new(),
            charset_offer: Vec::new(),
            linemode_mode: wire::MODE_EDIT | wire::MODE_TRAPSIG,
            kludge_probe: true,
            linemode_echo_off: true,
            implicit_agreement: true,
            slc_simulation: false,
            lflow_restart_any: false,
            terminal_types: vec!["UNKNOWN".to_string()],
            window_size: (80, 24),
            terminal_speed: (38400, 38400),
            x_display: None,
            location: None,
            environ_export: Vec::new(),
            charset_accept: vec!["UTF-8".to_string()],
            forwardmask_accept: false,
            default_encoding: "UTF-8".to_string(),
            slc: None,
            policy: Box::new([0; 256]),
            plan: Vec::new(),
        }
    }

    /// A server that negotiates like BSD telnetd: it asks for TTYPE, TSPEED, XDISPLOC, NEW-ENVIRON,
    /// NAWS, LFLOW and LINEMODE, offers ECHO, SGA and STATUS, and accepts BINARY, EOR, CHARSET,
    /// ENVIRON, SNDLOC, LOGOUT and TIMING-MARK. Data is delivered NVT-style (line-end events).
    pub fn server() -> Config {
        let mut c = Config::new(Role::Server);
        c.input_eol = EolMode::Nvt;
        c.output_eol = EolMode::Nvt;
        for o in [
            opt::TTYPE,
            opt::TSPEED,
            opt::XDISPLOC,
            opt::NEW_ENVIRON,
            opt::NAWS,
            opt::LFLOW,
            opt::LINEMODE,
        ] {
            c.request(o, Side::Remote);
        }
        for o in [opt::ECHO, opt::SGA, opt::STATUS] {
            c.request(o, Side::Local);
        }
        for o in [opt::BINARY, opt::EOR, opt::CHARSET, opt::SGA, opt::STATUS] {
            c.allow(o, Side::Local).allow(o, Side::Remote);
        }
        for o in [opt::OLD_ENVIRON, opt::SNDLOC] {
            c.allow(o, Side::Remote);
        }
        for o in [opt::TM, opt::LOGOUT] {
            c.allow(o, Side::Local);
        }
        c
    }

    /// A client that negotiates like BSD telnet: it offers TTYPE, NAWS, TSPEED, LFLOW, LINEMODE
    /// and NEW-ENVIRON, asks the server to suppress go-ahead, and accepts ECHO, BINARY, EOR,
    /// CHARSET, STATUS and TIMING-MARK. Data is delivered NVT-style (line-end events).
    pub fn client() -> Config {
        let mut c = Config::new(Role::Client);
        c.input_eol = EolMode::Nvt;
        c.output_eol = EolMode::Nvt;
        c.request(opt::SGA, Side::Remote);
        for o in [
            opt::TTYPE,
            opt::NAWS,
            opt::TSPEED,
            opt::LFLOW,
            opt::LINEMODE,
            opt::NEW_ENVIRON,
        ] {
            c.request(o, Side::Local);
        }
        c.request(opt::STATUS, Side::Remote);
        c.allow(opt::ECHO, Side::Remote);
        for o in [opt::BINARY, opt::EOR, opt::CHARSET, opt::SGA, opt::STATUS] {
            c.allow(o, Side::Local).allow(o, Side::Remote);
        }
        for o in [opt::TM, opt::XDISPLOC, opt::OLD_ENVIRON, opt::SNDLOC] {
            c.allow(o, Side::Local);
        }
        c.allow(opt::LOGOUT, Side::Remote);
        c
    }

    /// Lets `side` enable `option` when the peer asks (or offers). Everything not allowed is
    /// refused automatically.
    pub fn allow(&mut self, option: u8, side: Side) -> &mut Config {
        self.policy[option as usize] |= side_bit(side);
        self
    }

    /// Stops allowing `side` to enable `option`, and drops it from the opening plan.
    pub fn deny(&mut self, option: u8, side: Side) -> &mut Config {
        self.policy[option as usize] &= !side_bit(side);
        self.plan.retain(|&p| p != (option, side));
        self
    }

    /// Whether `side` may enable `option`.
    pub fn allows(&self, option: u8, side: Side) -> bool {
        self.policy[option as usize] & side_bit(side) != 0
    }

    /// Adds "ask for `option` on `side`" to the opening plan that
    /// [`Session::start`](super::Session::start) sends, in order, and allows it.
    pub fn request(&mut self, option: u8, side: Side) -> &mut Config {
        self.allow(option, side);
        if !self.plan.contains(&(option, side)) {
            self.plan.push((option, side));
        }
        self
    }

    /// The opening plan, in order.
    pub fn plan(&self) -> &[(u8, Side)] {
        &self.plan
    }

    /// The policy bits of every option.
    pub(crate) fn policy_table(&self) -> &[u8; 256] {
        &self.policy
    }
}

pub(crate) fn side_bit(side: Side) -> u8 {
    match side {
        Side::Local => ALLOW_LOCAL,
        Side::Remote => ALLOW_REMOTE,
    }
}
