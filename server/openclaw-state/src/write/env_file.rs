//! Editing `<state>/.env` one line at a time: add, replace or remove one `KEY=value`, every other
//! byte unchanged (comments, blank lines, order, other keys, line endings).
//!
//! OpenClaw reads the file with npm `dotenv` (a later line for the same key wins); the panel reads
//! it with `dotenvy`. Values are written so both read them back exactly: bare when they only hold
//! characters neither treats specially, else in single quotes (literal in both), else in double
//! quotes when that is still literal in both (no `\`, `$` or `"`). A backslash is never written
//! (`dotenvy` reads it as an escape even in single quotes, npm `dotenv` does not). Anything else — and any value
//! with a line break — is refused rather than written in a form one of them would misread.

use std::fmt;

/// Why an edit is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvEditError {
    #[error("{0:?} is not a valid variable name: use letters, digits and `_`, not starting with a digit")]
    BadKey(String),
    #[error("the value has a line break; .env values must be one line")]
    Newline,
    #[error(
        "the value mixes quote characters with `\\` or `$` in a way .env readers disagree on; it cannot be \
         written safely"
    )]
    Unquotable,
    #[error("the value is empty; to remove {0} use `env unset`")]
    EmptyValue(String),
    #[error(
        "{0} is not a credential variable: the panel writes only the provider variables OpenClaw reads \
         (ANTHROPIC_API_KEY, OPENAI_API_KEY, …) and names ending in _API_KEY, _TOKEN or _SECRET, because \
         the gateway loads this file into its own environment, where a loader, proxy, base URL or PATH \
         would run code in it or redirect its traffic; to set {0} anyway, edit the .env file by hand on \
         the gateway host"
    )]
    NotACredential(String),
}

/// Whether the panel may write `key` into `<state>/.env`: a variable OpenClaw maps to a provider,
/// or a name that says it holds a credential (`*_API_KEY`, `*_TOKEN`, `*_SECRET`), and never a
/// runtime loader, linker, package-manager or proxy setting even when its name ends that way
/// (`NODE_AUTH_TOKEN`, `LD_…`, `*_PROXY…`). The gateway loads this file into its own process: a
/// session holder who could write `NODE_OPTIONS` or `HTTPS_PROXY` there would run code in it or
/// read its traffic. Lines already in the file are never touched by this rule.
pub fn is_writable_credential_key(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    let runtime = ["NODE_", "NPM_", "LD_", "DYLD_", "PYTHON", "BUN_", "DENO_"].iter().any(|p| upper.starts_with(p))
        || upper.contains("PROXY");
    let credential = crate::env::is_credential_var(key)
        || ["_API_KEY", "_TOKEN", "_SECRET"].iter().any(|s| upper.ends_with(s) && upper.len() > s.len());
    credential && !runtime
}

/// Whether `key` is a portable variable name.
pub fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// How `value` is written after `KEY=`.
pub fn quote_value(value: &str) -> Result<String, EnvEditError> {
    if value.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return Err(EnvEditError::Newline);
    }
    let bare_ok = |c: char| c.is_ascii_alphanumeric() || "_-./:+@%=,~^!*?[]{}".contains(c);
    if !value.is_empty() && value.chars().all(bare_ok) {
        return Ok(value.to_owned());
    }
    // dotenvy reads `\` as an escape even in single quotes; npm dotenv does not.
    if !value.contains(['\'', '\\']) {
        return Ok(format!("'{value}'"));
    }
    if !value.contains(['"', '\\', '$', '`']) {
        return Ok(format!("\"{value}\""));
    }
    Err(EnvEditError::Unquotable)
}

/// One physical line and what it defines.
struct Line<'a> {
    /// The whole line including its line ending.
    text: &'a str,
    key: Option<&'a str>,
}

fn defined_key(line: &str) -> Option<&str> {
    let body = line.trim_end_matches(['\n', '\r']).trim_start();
    if body.starts_with('#') {
        return None;
    }
    let body = body.strip_prefix("export ").map(str::trim_start).unwrap_or(body);
    let end = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))?;
    let key = &body[..end];
    let rest = body[end..].trim_start();
    (!key.is_empty() && (rest.starts_with('=') || rest.starts_with(':'))).then_some(key)
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push(&text[start..=i]);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.into_iter().map(|text| Line { text, key: defined_key(text) }).collect()
}

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnvChange {
    Added,
    Replaced,
    Removed,
    Unchanged,
}

impl fmt::Display for EnvChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Added => "added",
            Self::Replaced => "replaced",
            Self::Removed => "removed",
            Self::Unchanged => "unchanged",
        })
    }
}

/// The line ending the file uses (CRLF if its first line ends so).
fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Sets `key` to `value`: replaces the line that defines it (the last one, which is the one
/// OpenClaw uses; earlier duplicates are left alone), or appends a line.
pub fn set(text: &str, key: &str, value: &str) -> Result<(String, EnvChange), EnvEditError> {
    if !valid_key(key) {
        return Err(EnvEditError::BadKey(key.to_owned()));
    }
    if value.is_empty() {
        return Err(EnvEditError::EmptyValue(key.to_owned()));
    }
    let quoted = quote_value(value)?;
    let all = lines(text);
    let eol = line_ending(text);
    let new_line = format!("{key}={quoted}");
    match all.iter().rposition(|l| l.key == Some(key)) {
        Some(index) => {
            let old = all[index].text;
            let ending = &old[old.trim_end_matches(['\n', '\r']).len()..];
            let replacement = format!("{new_line}{ending}");
            if replacement == old {
                return Ok((text.to_owned(), EnvChange::Unchanged));
            }
            let mut out = String::with_capacity(text.len() + new_line.len());
            for (i, l) in all.iter().enumerate() {
                out.push_str(if i == index { &replacement } else { l.text });
            }
            Ok((out, EnvChange::Replaced))
        }
        None => {
            let mut out = text.to_owned();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(eol);
            }
            out.push_str(&new_line);
            out.push_str(eol);
            Ok((out, EnvChange::Added))
        }
    }
}

/// Removes every line that defines `key` (so no older value takes over).
pub fn unset(text: &str, key: &str) -> Result<(String, EnvChange), EnvEditError> {
    if !valid_key(key) {
        return Err(EnvEditError::BadKey(key.to_owned()));
    }
    let all = lines(text);
    if !all.iter().any(|l| l.key == Some(key)) {
        return Ok((text.to_owned(), EnvChange::Unchanged));
    }
    let out: String = all.iter().filter(|l| l.key != Some(key)).map(|l| l.text).collect();
    Ok((out, EnvChange::Removed))
}

/// The keys the file defines, in order, once each (the value OpenClaw uses is the last).
pub fn keys(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in lines(text) {
        if let Some(k) = l.key
            && !out.iter().any(|o| o == k)
        {
            out.push(k.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_credential_variables_are_written() {
        for ok in
            ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GROQ_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "MY_SERVICE_SECRET"]
        {
            assert!(is_writable_credential_key(ok), "{ok}");
        }
        for refused in [
            "NODE_OPTIONS",
            "NODE_AUTH_TOKEN",
            "LD_PRELOAD",
            "LD_LIBRARY_PATH",
            "DYLD_INSERT_LIBRARIES",
            "PATH",
            "HOME",
            "OPENAI_BASE_URL",
            "ANTHROPIC_BASE_URL",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "NO_PROXY",
            "PROXY_TOKEN",
            "NPM_CONFIG_TOKEN",
            "_TOKEN",
        ] {
            assert!(!is_writable_credential_key(refused), "{refused}");
        }
    }

    use proptest::prelude::*;

    fn read_back(text: &str, key: &str) -> Option<String> {
        dotenvy::from_read_iter(text.as_bytes()).filter_map(|r| r.ok()).filter(|(k, _)| k == key).map(|(_, v)| v).last()
    }

    #[test]
    fn replaces_one_line_and_keeps_everything_else() {
        let text =
            "# keys\r\nOPENAI_API_KEY=old # comment\r\n\r\nexport GROQ_API_KEY=\"g\"\r\nOPENAI_API_KEY=older\r\nZ=1";
        let (out, change) = set(text, "OPENAI_API_KEY", "sk-new").unwrap();
        assert_eq!(change, EnvChange::Replaced);
        assert_eq!(
            out,
            "# keys\r\nOPENAI_API_KEY=old # comment\r\n\r\nexport GROQ_API_KEY=\"g\"\r\nOPENAI_API_KEY=sk-new\r\nZ=1"
        );
        let (out, change) = set(&out, "NEW_KEY", "v").unwrap();
        assert_eq!(change, EnvChange::Added);
        assert!(out.ends_with("Z=1\r\nNEW_KEY=v\r\n"), "{out:?}");
        let (out, change) = unset(&out, "OPENAI_API_KEY").unwrap();
        assert_eq!(change, EnvChange::Removed);
        assert_eq!(out, "# keys\r\n\r\nexport GROQ_API_KEY=\"g\"\r\nZ=1\r\nNEW_KEY=v\r\n");
        assert_eq!(unset(&out, "NOPE").unwrap().1, EnvChange::Unchanged);
        assert_eq!(keys(&out), ["GROQ_API_KEY", "Z", "NEW_KEY"]);
    }

    #[test]
    fn refuses_what_cannot_be_written_safely() {
        assert_eq!(set("", "A", "x\ny").unwrap_err(), EnvEditError::Newline);
        assert_eq!(set("", "1A", "x").unwrap_err(), EnvEditError::BadKey("1A".into()));
        assert_eq!(set("", "A-B", "x").unwrap_err(), EnvEditError::BadKey("A-B".into()));
        assert_eq!(set("", "A", "").unwrap_err(), EnvEditError::EmptyValue("A".into()));
        assert_eq!(quote_value("it's $HOME").unwrap_err(), EnvEditError::Unquotable);
        assert_eq!(quote_value("a b#c").unwrap(), "'a b#c'");
        assert_eq!(quote_value("it's").unwrap(), "\"it's\"");
        assert_eq!(quote_value("sk-ant-api03-AbC_d").unwrap(), "sk-ant-api03-AbC_d");
    }

    proptest! {
        /// Whatever is written reads back exactly, and exactly one line changes.
        #[test]
        fn a_set_changes_one_line_and_reads_back(
            before in prop::collection::vec("(#[ a-z]{0,8}|[A-Z]{1,4}=[a-z0-9]{0,6}|)", 0..8),
            value in "[ -~]{1,40}",
        ) {
            let text: String = before.iter().map(|l| format!("{l}\n")).collect();
            match set(&text, "PANEL_TEST_KEY", &value) {
                Ok((out, change)) => {
                    prop_assert_eq!(read_back(&out, "PANEL_TEST_KEY"), Some(value.clone()));
                    let old: Vec<&str> = text.lines().collect();
                    let new: Vec<&str> = out.lines().collect();
                    prop_assert_eq!(change, EnvChange::Added);
                    prop_assert_eq!(new.len(), old.len() + 1);
                    prop_assert_eq!(&new[..old.len()], &old[..]);
                    let (again, change) = set(&out, "PANEL_TEST_KEY", "replaced").unwrap();
                    prop_assert_eq!(change, EnvChange::Replaced);
                    let changed = again.lines().zip(out.lines()).filter(|(a, b)| a != b).count();
                    prop_assert_eq!(changed, 1);
                }
                Err(e) => prop_assert_eq!(e, EnvEditError::Unquotable),
            }
        }
    }
}
