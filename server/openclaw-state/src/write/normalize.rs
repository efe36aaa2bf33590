//! What OpenClaw does to pasted input before it stores it, and the hints the panel adds on top.
//!
//! Rules read in 2026.9.6's dist: `normalizeSecretInput` (line breaks removed anywhere, C0/C1
//! control characters and code points above U+00FF dropped, outer whitespace trimmed; inner
//! spaces kept), the Anthropic setup-token check (all whitespace removed, `sk-ant-oat01-`, at
//! least 80 characters), `normalizeTokenProfileName` (lower case, runs outside `[a-z0-9._-]` become
//! `-`, `-` runs collapsed and trimmed, empty → `default`) and `parseDurationMs` with days as the
//! default unit for `--expires-in`.

use panel_common::HintCode;
use serde::Serialize;

/// The prefix of an Anthropic setup token (`claude setup-token`).
pub const ANTHROPIC_SETUP_TOKEN_PREFIX: &str = "sk-ant-oat01-";
/// The shortest Anthropic setup token OpenClaw accepts.
pub const ANTHROPIC_SETUP_TOKEN_MIN_LEN: usize = 80;
/// The prefix of an Anthropic API key (console.anthropic.com).
pub const ANTHROPIC_API_KEY_PREFIX: &str = "sk-ant-api03-";

/// What kind of secret is being stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    Token,
    ApiKey,
}

/// Something the admin should look at before saving; `--strict` turns hints into refusals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum Hint {
    /// A setup token pasted as an API key: OpenClaw would send it as `x-api-key` and Anthropic
    /// refuses it; store it as a token.
    SetupTokenAsApiKey,
    /// The pasted text had line breaks inside: it was joined; check it is complete.
    JoinedLines { lines: usize },
    /// Surrounding quotes that are probably not part of the secret.
    SurroundingQuotes,
    /// Characters OpenClaw drops (control characters, non-Latin-1) were removed.
    DroppedCharacters { count: usize },
    /// The same secret is stored already under another profile id.
    SameSecretAs { profile_id: String },
    /// Anthropic setup tokens can be refused with "This credential is only authorized for use with
    /// Claude Code…"; an API key works everywhere.
    ClaudeCodeOnly,
}

impl Hint {
    /// The hint's stable code (the `code` field of its JSON form).
    pub fn code(&self) -> HintCode {
        match self {
            Self::SetupTokenAsApiKey => HintCode::SetupTokenAsApiKey,
            Self::JoinedLines { .. } => HintCode::JoinedLines,
            Self::SurroundingQuotes => HintCode::SurroundingQuotes,
            Self::DroppedCharacters { .. } => HintCode::DroppedCharacters,
            Self::SameSecretAs { .. } => HintCode::SameSecretAs,
            Self::ClaudeCodeOnly => HintCode::ClaudeCodeOnly,
        }
    }

    /// Whether the admin must say yes to it before the save (and `--strict` refuses it). The
    /// one place this is decided: the CLI, the engine and the page all ask here. "Setup tokens
    /// may be refused outside Claude Code" is advice on every Anthropic token, not a doubt about
    /// this paste.
    pub fn needs_confirmation(&self) -> bool {
        !matches!(self, Self::ClaudeCodeOnly)
    }

    /// The hint in words, with what to do.
    pub fn message(&self) -> String {
        match self {
            Self::SetupTokenAsApiKey => "this looks like an Anthropic setup token (sk-ant-oat01-…), not an API key; \
                 save it as a token (paste-token), or OpenClaw sends it the wrong way and Anthropic refuses it"
                .to_owned(),
            Self::JoinedLines { lines } => format!(
                "the value had {lines} lines and was joined into one; check it is complete (a terminal may have cut it)"
            ),
            Self::SurroundingQuotes => {
                "the value starts and ends with a quote; quotes are usually not part of the secret — remove them"
                    .to_owned()
            }
            Self::DroppedCharacters { count } => {
                format!("{count} character(s) OpenClaw does not store (control or non-Latin characters) were removed")
            }
            Self::SameSecretAs { profile_id } => {
                format!(
                    "the same secret is stored already as {profile_id}; two ids for one secret share one rate limit"
                )
            }
            Self::ClaudeCodeOnly => "if Anthropic answers \"This credential is only authorized for use with Claude \
                 Code…\", setup tokens are not accepted for this use: create an API key at console.anthropic.com and \
                 paste it with paste-api-key instead"
                .to_owned(),
        }
    }
}

/// Why input is refused outright.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("the secret is empty; paste the whole value")]
    EmptySecret,
    #[error(
        "an Anthropic setup token starts with {ANTHROPIC_SETUP_TOKEN_PREFIX}; this one does not (run `claude setup-token` and paste what it prints)"
    )]
    NotASetupToken,
    #[error("this is an Anthropic API key (sk-ant-api03-…), not a setup token; save it with paste-api-key")]
    ApiKeyGivenAsToken,
    #[error(
        "this setup token looks too short ({0} characters, at least {ANTHROPIC_SETUP_TOKEN_MIN_LEN}); paste the full setup token"
    )]
    SetupTokenTooShort(usize),
    #[error("invalid duration {0:?}: use values like 365d, 12h, 30m or 1h30m (a bare number is days)")]
    BadDuration(String),
    #[error(
        "expiry {0:?} is not a date this understands: use 2027-01-31, 2027-01-31T12:00:00Z, or a duration such as 30d or 12h"
    )]
    BadExpiry(String),
    #[error("expiry {0} is in the past; give a later date or a duration")]
    PastExpiry(String),
    #[error("the provider is empty; give one, e.g. anthropic")]
    EmptyProvider,
    #[error("provider id {0:?} is not valid: use lower-case letters, digits, `-`, `_` or `.`")]
    BadProvider(String),
    #[error("profile id {0:?} is not valid: it must look like <provider>:<name> and stay inside the state dir")]
    BadProfileId(String),
    #[error("profile id {id:?} belongs to provider {found:?}, not {expected:?}")]
    ProfileProviderMismatch { id: String, expected: String, found: String },
    #[error("{0} (nothing was saved: --strict refuses hints)")]
    Strict(String),
}

/// A secret after OpenClaw's normalisation, with what was noticed on the way.
#[derive(Debug, Clone)]
pub struct NormalizedSecret {
    pub value: secrecy::SecretString,
    pub hints: Vec<Hint>,
}

/// OpenClaw's `normalizeSecretInput`, plus hints.
pub fn normalize_secret(raw: &str) -> (String, Vec<Hint>) {
    let mut hints = Vec::new();
    let inner = raw.trim_matches(|c: char| c.is_whitespace());
    let lines = inner.split(['\r', '\n', '\u{2028}', '\u{2029}']).filter(|l| !l.trim().is_empty()).count();
    if lines > 1 {
        hints.push(Hint::JoinedLines { lines });
    }
    let mut dropped = 0;
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\r' | '\n' | '\u{2028}' | '\u{2029}' => {}
            c if (c as u32) > 0xFF || (c as u32) <= 31 || (127..=159).contains(&(c as u32)) => dropped += 1,
            c => out.push(c),
        }
    }
    let value = out.trim().to_owned();
    if dropped > 0 {
        hints.push(Hint::DroppedCharacters { count: dropped });
    }
    let quoted = value.len() >= 2
        && [('"', '"'), ('\'', '\''), ('`', '`'), ('“', '”')]
            .iter()
            .any(|(a, b)| value.starts_with(*a) && value.ends_with(*b));
    if quoted {
        hints.push(Hint::SurroundingQuotes);
    }
    (value, hints)
}

/// Normalises a secret for `provider` as `kind`, refusing what OpenClaw refuses.
pub fn prepare_secret(provider: &str, kind: SecretKind, raw: &str) -> Result<NormalizedSecret, InputError> {
    let is_anthropic = provider == "anthropic";
    let (mut value, mut hints) = normalize_secret(raw);
    let looks_setup = value.replace(char::is_whitespace, "").starts_with(ANTHROPIC_SETUP_TOKEN_PREFIX);
    let looks_api = value.starts_with(ANTHROPIC_API_KEY_PREFIX);
    match kind {
        SecretKind::Token if is_anthropic => {
            value = value.split_whitespace().collect();
            if value.is_empty() {
                return Err(InputError::EmptySecret);
            }
            if !value.starts_with(ANTHROPIC_SETUP_TOKEN_PREFIX) {
                return Err(if looks_api { InputError::ApiKeyGivenAsToken } else { InputError::NotASetupToken });
            }
            if value.chars().count() < ANTHROPIC_SETUP_TOKEN_MIN_LEN {
                return Err(InputError::SetupTokenTooShort(value.chars().count()));
            }
            hints.push(Hint::ClaudeCodeOnly);
        }
        SecretKind::ApiKey if looks_setup => hints.push(Hint::SetupTokenAsApiKey),
        _ => {}
    }
    if value.is_empty() {
        return Err(InputError::EmptySecret);
    }
    Ok(NormalizedSecret { value: secrecy::SecretString::from(value), hints })
}

pub use crate::ids::slug_profile_name;

/// The profile id a paste writes (see [`crate::ids::resolve_profile_id`]), with the paste's errors.
pub fn resolve_profile_id(provider: &str, given: Option<&str>) -> Result<String, InputError> {
    crate::ids::resolve_profile_id(provider, given).map_err(|e| match e {
        crate::ids::IdError::ProfileProviderMismatch { id, expected, found } => {
            InputError::ProfileProviderMismatch { id, expected, found }
        }
        crate::ids::IdError::BadProfileId(id) | crate::ids::IdError::BadAgentId(id) => InputError::BadProfileId(id),
    })
}

/// OpenClaw's `parseDurationMs(raw, {defaultUnit: "d"})`: `365d`, `12h`, `30m`, `45s`, `500ms`,
/// `1h30m`, decimals, a bare number is days.
pub fn parse_duration_ms(raw: &str) -> Result<i64, InputError> {
    let bad = || InputError::BadDuration(raw.to_owned());
    let text = raw.trim().to_lowercase();
    if text.is_empty() {
        return Err(bad());
    }
    let unit_ms = |unit: &str| -> Option<f64> {
        Some(match unit {
            "ms" => 1.0,
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return None,
        })
    };
    let mut total = 0f64;
    let mut rest = text.as_str();
    let mut segments = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number = &rest[..digits];
        let valid_number = !number.is_empty()
            && !number.starts_with('.')
            && !number.ends_with('.')
            && number.matches('.').count() <= 1;
        if !valid_number {
            return Err(bad());
        }
        let value: f64 = number.parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = if rest.starts_with("ms") {
            2
        } else {
            rest.chars().next().filter(|c| "smhd".contains(*c)).map_or(0, |_| 1)
        };
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let factor = if unit.is_empty() {
            // A bare number only as the whole input (then days); composites need a unit each.
            if segments > 0 || !rest.is_empty() {
                return Err(bad());
            }
            unit_ms("d").expect("known unit")
        } else {
            unit_ms(unit).ok_or_else(bad)?
        };
        total += value * factor;
        segments += 1;
    }
    let ms = total.round();
    if !(ms.is_finite() && (0.0..=9_007_199_254_740_991.0).contains(&ms)) {
        return Err(bad());
    }
    Ok(ms as i64)
}

/// `expires` for `--expires-in` at `now_ms` (a zero duration means no expiry, as OpenClaw); the
/// text as [`super::expiry::Expiry::parse`] reads it.
pub fn expires_at(now_ms: i64, expires_in: Option<&str>) -> Result<Option<i64>, InputError> {
    Ok(super::expiry::Expiry::parse(expires_in, now_ms)?.map(|e| e.at(now_ms)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    const SETUP: &str = "sk-ant-oat01-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn hint_codes_are_their_json_codes() {
        for hint in [
            Hint::SetupTokenAsApiKey,
            Hint::JoinedLines { lines: 2 },
            Hint::SurroundingQuotes,
            Hint::DroppedCharacters { count: 1 },
            Hint::SameSecretAs { profile_id: "a:b".into() },
            Hint::ClaudeCodeOnly,
        ] {
            assert_eq!(serde_json::to_value(&hint).unwrap()["code"], hint.code().as_str());
        }
    }

    #[test]
    fn secrets_are_normalised_like_openclaw() {
        assert_eq!(normalize_secret("  ab c\r\n").0, "ab c");
        let (v, hints) = normalize_secret("abc\ndef\n");
        assert_eq!(v, "abcdef");
        assert_eq!(hints, vec![Hint::JoinedLines { lines: 2 }]);
        let (v, hints) = normalize_secret("ké€y\u{7f}");
        assert_eq!(v, "kéy");
        assert_eq!(hints, vec![Hint::DroppedCharacters { count: 2 }]);
        assert!(normalize_secret("\"sk-123\"").1.contains(&Hint::SurroundingQuotes));
    }

    #[test]
    fn setup_tokens_are_checked_and_mixups_named() {
        let wrapped = format!("{}\n{}", &SETUP[..40], &SETUP[40..]);
        let ok = prepare_secret("anthropic", SecretKind::Token, &wrapped).unwrap();
        assert_eq!(ok.value.expose_secret(), SETUP);
        assert!(ok.hints.contains(&Hint::JoinedLines { lines: 2 }));
        assert!(ok.hints.contains(&Hint::ClaudeCodeOnly));
        assert_eq!(
            prepare_secret("anthropic", SecretKind::Token, "sk-ant-oat01-short").unwrap_err(),
            InputError::SetupTokenTooShort(18)
        );
        assert_eq!(prepare_secret("anthropic", SecretKind::Token, "hello").unwrap_err(), InputError::NotASetupToken);
        assert_eq!(
            prepare_secret("anthropic", SecretKind::Token, "sk-ant-api03-abcdef").unwrap_err(),
            InputError::ApiKeyGivenAsToken
        );
        assert_eq!(prepare_secret("anthropic", SecretKind::Token, "  ").unwrap_err(), InputError::EmptySecret);
        let as_key = prepare_secret("anthropic", SecretKind::ApiKey, SETUP).unwrap();
        assert!(as_key.hints.contains(&Hint::SetupTokenAsApiKey));
        // Other providers: trim only.
        let other = prepare_secret("openai", SecretKind::Token, " tok en ").unwrap();
        assert_eq!(other.value.expose_secret(), "tok en");
    }

    #[test]
    fn profile_names_and_ids() {
        assert_eq!(slug_profile_name("  Work Account!! "), "work-account");
        assert_eq!(slug_profile_name("a--b__c..d"), "a-b__c..d");
        assert_eq!(slug_profile_name("***"), "default");
        assert_eq!(resolve_profile_id("anthropic", None).unwrap(), "anthropic:manual");
        assert_eq!(resolve_profile_id("anthropic", Some("Work")).unwrap(), "anthropic:work");
        assert_eq!(
            resolve_profile_id("anthropic", Some("anthropic:me@example.com")).unwrap(),
            "anthropic:me@example.com"
        );
        assert!(matches!(
            resolve_profile_id("anthropic", Some("openai:x")),
            Err(InputError::ProfileProviderMismatch { .. })
        ));
        for bad in ["anthropic:../../etc", "anthropic:a/b", "anthropic:a\0b"] {
            assert!(resolve_profile_id("anthropic", Some(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn durations_parse_as_openclaw_with_days_by_default() {
        assert_eq!(parse_duration_ms("365").unwrap(), 365 * 86_400_000);
        assert_eq!(parse_duration_ms("12h").unwrap(), 12 * 3_600_000);
        assert_eq!(parse_duration_ms("1h30m").unwrap(), 5_400_000);
        assert_eq!(parse_duration_ms("1.5d").unwrap(), 129_600_000);
        assert_eq!(parse_duration_ms("500ms").unwrap(), 500);
        assert_eq!(parse_duration_ms(" 30D ").unwrap(), 30 * 86_400_000);
        for bad in ["", "abc", "1h30", "h", "1y", "-1d", "1..5d", ".5d"] {
            assert!(parse_duration_ms(bad).is_err(), "{bad:?}");
        }
        assert_eq!(expires_at(1000, Some("1s")).unwrap(), Some(2000));
        assert_eq!(expires_at(1000, None).unwrap(), None);
    }
}
