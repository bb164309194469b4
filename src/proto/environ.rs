//! What the peer told us about its environment, and the only ways it may reach a child process:
//! an allowlist and a validated user name.
//!
//! Values from the network never become command-line options or arbitrary environment variables.
//! CVE-2026-24061 (USER="-f root" became `login -f root`), CVE-1999-0073 / CVE-2009-0641
//! (LD_PRELOAD, LD_LIBRARY_PATH), FreeBSD-SA-00:69 (TERMCAP), CVE-2026-28372
//! (CREDENTIALS_DIRECTORY) all came from trusting them.

use super::wire::VarKind;

/// The variables a child may receive by default.
pub const DEFAULT_ALLOWLIST: &[&str] = &[
    "USER",
    "LOGNAME",
    "TERM",
    "DISPLAY",
    "LANG",
    "LC_*",
    "COLUMNS",
    "LINES",
    "COLORTERM",
    "EDITOR",
    "PAGER",
    "PRINTER",
    "POSIXLY_CORRECT",
    "XAUTHORITY",
];

/// At most this many variables are kept from one peer.
pub const MAX_VARS: usize = 64;
/// Names longer than this are dropped.
pub const MAX_NAME: usize = 64;
/// Values longer than this are dropped.
pub const MAX_VALUE: usize = 1024;
/// RFC-compatible user names are short; longer ones are refused.
pub const MAX_USER: usize = 32;

/// Which option a variable came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnvSource {
    /// NEW-ENVIRON (RFC 1572).
    NewEnviron,
    /// ENVIRON (RFC 1408).
    OldEnviron,
}

/// A variable as the peer sent it: raw bytes, not yet trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    /// VAR or USERVAR.
    pub kind: VarKind,
    /// The name as sent.
    pub name: Vec<u8>,
    /// The value as sent; `None` when the peer sent the name without a value.
    pub value: Option<Vec<u8>>,
    /// The option it came in.
    pub source: EnvSource,
}

/// The variables received from the peer, latest value per (kind, name), capped.
#[derive(Clone, Debug, Default)]
pub struct ReceivedEnv {
    vars: Vec<EnvVar>,
}

impl ReceivedEnv {
    /// Records a variable; a repeated name replaces the earlier value. Returns false when it was
    /// dropped (cap reached, name or value too long).
    pub fn record(&mut self, var: EnvVar) -> bool {
        if var.name.len() > MAX_NAME || var.value.as_ref().is_some_and(|v| v.len() > MAX_VALUE) {
            return false;
        }
        if let Some(old) = self
            .vars
            .iter_mut()
            .find(|v| v.kind == var.kind && v.name == var.name)
        {
            *old = var;
            return true;
        }
        if self.vars.len() >= MAX_VARS {
            return false;
        }
        self.vars.push(var);
        true
    }

    /// Bytes of heap memory held.
    pub fn heap_size(&self) -> usize {
        self.vars.capacity() * std::mem::size_of::<EnvVar>()
            + self
                .vars
                .iter()
                .map(|v| v.name.capacity() + v.value.as_ref().map_or(0, Vec::capacity))
                .sum::<usize>()
    }

    /// Every variable received, in the order first seen.
    pub fn vars(&self) -> &[EnvVar] {
        &self.vars
    }

    /// The latest value of a well-known (VAR) variable, or of a user variable when no VAR of that
    /// name was sent.
    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        let find = |kind| {
            self.vars
                .iter()
                .find(|v| v.kind == kind && v.name == name)
                .and_then(|v| v.value.as_deref())
        };
        find(VarKind::Var).or_else(|| find(VarKind::UserVar))
    }

    /// The user name the peer sent (USER), if it is safe to hand to a login program: 1 to 32
    /// bytes of printable ASCII, not starting with '-', without whitespace, control bytes or '/'.
    /// If the peer sent USER more than once, the latest value is the one judged.
    pub fn user(&self) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|v| v.name == b"USER")
            .and_then(|v| v.value.as_deref())
            .and_then(valid_user)
    }

    /// Builds a child environment: the variables whose names the allowlist admits (exact names,
    /// or prefixes written `PREFIX*`), with sane names and values (no control bytes, valid
    /// UTF-8, length-capped; USER and LOGNAME must also be valid user names). Later values win.
    pub fn allowed(&self, allowlist: &[&str]) -> Vec<(String, String)> {
        // The latest value of a name decides, valid or not, as for `user()`: a hostile value
        // sent after a valid one removes the variable rather than leaving the older value.
        type Decision<'a> = (&'a [u8], Option<(String, String)>);
        let mut decided: Vec<Decision<'_>> = Vec::new();
        for v in self.vars.iter().rev() {
            if decided.iter().any(|(n, _)| *n == v.name.as_slice()) {
                continue;
            }
            decided.push((&v.name, allowed_pair(v, allowlist)));
        }
        decided.reverse();
        decided.into_iter().filter_map(|(_, pair)| pair).collect()
    }
}

/// The (name, value) a child may get for one received variable, if any.
fn allowed_pair(v: &EnvVar, allowlist: &[&str]) -> Option<(String, String)> {
    let value = v.value.as_deref()?;
    let name = std::str::from_utf8(&v.name).ok()?;
    if !valid_name(name) || !allowlisted(name, allowlist) {
        return None;
    }
    let value = match name {
        "USER" | "LOGNAME" => valid_user(value),
        "TERM" => valid_term(value).and_then(|_| std::str::from_utf8(value).ok()),
        "LINES" | "COLUMNS" => valid_number(value),
        _ if name == "LANG" || name.starts_with("LC_") => valid_locale(value),
        _ => valid_value(value),
    }?;
    Some((name.to_string(), value.to_string()))
}

/// Whether `name` is admitted by `allowlist` (exact, or `PREFIX*`).
pub fn allowlisted(name: &str, allowlist: &[&str]) -> bool {
    allowlist.iter().any(|pat| match pat.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix) && name.len() > prefix.len(),
        None => *pat == name,
    })
}

/// An environment variable name: `[A-Za-z_][A-Za-z0-9_]*`, at most 64 bytes.
pub fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_NAME
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// A value safe to put in an environment: valid UTF-8, no control bytes, at most 1024 bytes.
pub fn valid_value(value: &[u8]) -> Option<&str> {
    if value.len() > MAX_VALUE || value.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return None;
    }
    std::str::from_utf8(value).ok()
}

/// A positive decimal number of at most 5 digits (LINES, COLUMNS).
pub fn valid_number(value: &[u8]) -> Option<&str> {
    let ok =
        (1..=5).contains(&value.len()) && value.iter().all(u8::is_ascii_digit) && value[0] != b'0';
    ok.then(|| std::str::from_utf8(value).ok()).flatten()
}

/// A locale name (LANG, LC_*): `[A-Za-z0-9_.@-]`, 1 to 64 bytes, such as "en_US.UTF-8".
pub fn valid_locale(value: &[u8]) -> Option<&str> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'@' | b'-'));
    ok.then(|| std::str::from_utf8(value).ok()).flatten()
}

/// A user name safe to pass to a login program after `--`: 1 to 32 bytes of printable ASCII, not
/// starting with '-', without whitespace, control bytes or '/'.
pub fn valid_user(value: &[u8]) -> Option<&str> {
    let ok = !value.is_empty()
        && value.len() <= MAX_USER
        && value[0] != b'-'
        && value.iter().all(|&b| b.is_ascii_graphic() && b != b'/');
    if ok {
        std::str::from_utf8(value).ok()
    } else {
        None
    }
}

/// A terminal type safe to use as TERM: 1 to 40 bytes of `[A-Za-z0-9._+-]`, lower-cased as BSD
/// telnetd does.
pub fn valid_term(value: &[u8]) -> Option<String> {
    let ok = !value.is_empty()
        && value.len() <= super::wire::MAX_TERMINAL_TYPE
        && value[0].is_ascii_alphanumeric()
        && value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-'));
    ok.then(|| String::from_utf8_lossy(value).to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, value: &[u8]) -> EnvVar {
        EnvVar {
            kind: VarKind::Var,
            name: name.as_bytes().to_vec(),
            value: Some(value.to_vec()),
            source: EnvSource::NewEnviron,
        }
    }

    #[test]
    fn user_names_that_could_be_options_are_refused() {
        for bad in [
            &b"-f root"[..],
            b"-froot",
            b" -f root",
            b"\t-f\troot",
            b"root -f",
            b"a/b",
            b"",
            b"root\n",
            b"abcdefghijklmnopqrstuvwxyz0123456",
            b"r\xc3\xb6t",
        ] {
            assert_eq!(valid_user(bad), None, "{bad:?}");
        }
        assert_eq!(valid_user(b"alice"), Some("alice"));
        assert_eq!(valid_user(b"a.b_c-d"), Some("a.b_c-d"));
    }

    #[test]
    fn the_latest_user_is_judged() {
        let mut env = ReceivedEnv::default();
        env.record(var("USER", b"alice"));
        env.record(var("USER", b"-f root"));
        assert_eq!(env.user(), None);
        env.record(var("USER", b"bob"));
        assert_eq!(env.user(), Some("bob"));
    }

    #[test]
    fn only_allowlisted_sane_variables_reach_a_child() {
        let mut env = ReceivedEnv::default();
        for (n, v) in [
            ("LD_PRELOAD", &b"/tmp/x.so"[..]),
            ("LD_LIBRARY_PATH", b"/tmp"),
            ("TERMCAP", b"/etc/evil"),
            ("IFS", b"/"),
            ("PATH", b"/tmp"),
            ("CREDENTIALS_DIRECTORY", b"/tmp"),
            ("LANG", b"en_US.UTF-8"),
            ("LC_ALL", b"C"),
            ("LC_", b"x"),
            ("DISPLAY", b"host:0\x1b[2J"),
            ("USER", b"-f root"),
            ("TERM", b"xterm"),
        ] {
            env.record(var(n, v));
        }
        let got = env.allowed(DEFAULT_ALLOWLIST);
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["LANG", "LC_ALL", "TERM"]);
    }

    #[test]
    fn well_known_values_are_checked_by_their_meaning() {
        let mut env = ReceivedEnv::default();
        env.record(var("TERM", b"../../tmp/x"));
        env.record(var("LINES", b"lots"));
        env.record(var("COLUMNS", b"132"));
        env.record(var("LANG", b"en_US.UTF-8; rm -rf /"));
        env.record(var("LC_ALL", b"de_DE.UTF-8"));
        let got = env.allowed(DEFAULT_ALLOWLIST);
        assert_eq!(
            got,
            [
                ("COLUMNS".to_string(), "132".to_string()),
                ("LC_ALL".to_string(), "de_DE.UTF-8".to_string())
            ]
        );
    }

    #[test]
    fn the_latest_value_decides_for_the_child_too() {
        let mut env = ReceivedEnv::default();
        env.record(EnvVar {
            kind: VarKind::UserVar,
            name: b"USER".to_vec(),
            value: Some(b"alice".to_vec()),
            source: EnvSource::NewEnviron,
        });
        env.record(var("USER", b"-f root"));
        assert_eq!(env.user(), None);
        assert!(env.allowed(DEFAULT_ALLOWLIST).is_empty());
    }

    #[test]
    fn caps_hold() {
        let mut env = ReceivedEnv::default();
        for i in 0..200 {
            env.record(var(&format!("V{i}"), b"x"));
        }
        assert_eq!(env.vars().len(), MAX_VARS);
        assert!(!env.record(var("BIG", &[b'a'; MAX_VALUE + 1])));
    }

    #[test]
    fn terms() {
        assert_eq!(
            valid_term(b"XTERM-256COLOR").as_deref(),
            Some("xterm-256color")
        );
        assert_eq!(valid_term(b"../../etc"), None);
        assert_eq!(valid_term(b"-x"), None);
    }
}
