//! One stored credential, parsed with OpenClaw's loader leniency (facts file §2.1).
//!
//! Secrets are `SecretString`s from the moment they are parsed; only [`crate::mask`] looks inside
//! them for display. A credential that OpenClaw would drop (no provider, unknown type) is not a
//! `Credential`: [`parse_credential`] returns the reason so the caller can report it.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

pub use panel_common::CredentialKind;

/// A reference to a secret kept elsewhere: `{source, provider, id}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SecretRef {
    pub source: String,
    pub provider: String,
    pub id: String,
}

impl SecretRef {
    /// Reads a SecretRef the way OpenClaw recognises one: an object with string `source`
    /// (env|file|exec), `provider` and `id`.
    pub fn from_value(value: &Value) -> Option<Self> {
        let obj = value.as_object()?;
        let source = obj.get("source")?.as_str()?;
        if !matches!(source, "env" | "file" | "exec") {
            return None;
        }
        let id = obj.get("id")?.as_str()?.trim();
        if id.is_empty() {
            return None;
        }
        let provider = obj.get("provider").and_then(Value::as_str).unwrap_or("default");
        Some(Self { source: source.to_owned(), provider: provider.to_owned(), id: id.to_owned() })
    }

    /// Whether OpenClaw accepts it (env ids must look like an env var name).
    pub fn is_valid(&self) -> bool {
        match self.source.as_str() {
            "env" => {
                let mut chars = self.id.chars();
                matches!(chars.next(), Some('A'..='Z'))
                    && self.id.len() <= 128
                    && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            }
            _ => !self.id.is_empty(),
        }
    }

    /// `env:OPENROUTER_API_KEY`, as OpenClaw prints it inside `ref(...)`.
    pub fn label(&self) -> String {
        format!("{}:{}", self.source, self.id)
    }
}

/// The `expires` field: absent, a valid epoch-ms timestamp, or something OpenClaw calls invalid.
#[derive(Debug, Clone, PartialEq)]
pub enum Expires {
    Absent,
    At(i64),
    /// Wrong type, NaN, zero, negative or beyond JavaScript's Date range; kept as written.
    Invalid(Value),
}

/// The largest timestamp a JavaScript `Date` holds (8.64e15 ms); OpenClaw 2026.6+ calls a later
/// `expires` invalid, older versions accept it.
pub const JS_DATE_MAX_MS: i64 = 8_640_000_000_000_000;

impl Expires {
    pub fn from_value(value: Option<&Value>) -> Self {
        match value {
            None | Some(Value::Null) => Self::Absent,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(f) if f.is_finite() && f > 0.0 && f < i64::MAX as f64 => Self::At(f as i64),
                _ => Self::Invalid(Value::Number(n.clone())),
            },
            Some(other) => Self::Invalid(other.clone()),
        }
    }

    pub fn at(&self) -> Option<i64> {
        match self {
            Self::At(ms) => Some(*ms),
            _ => None,
        }
    }

    /// The expiry under `rules`: absent, a valid timestamp, or invalid.
    pub fn valid_at(&self, rules: &crate::rules::RuleSet) -> Result<Option<i64>, InvalidExpires> {
        match self {
            Self::Absent => Ok(None),
            Self::At(ms) if rules.expires_upper_bound && *ms > JS_DATE_MAX_MS => Err(InvalidExpires),
            Self::At(ms) => Ok(Some(*ms)),
            Self::Invalid(_) => Err(InvalidExpires),
        }
    }
}

/// An `expires` value OpenClaw rejects (`invalid_expires`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid expires value")]
pub struct InvalidExpires;

/// A parsed credential. Field names follow OpenClaw's; secrets stay wrapped.
#[derive(Debug, Clone)]
pub struct Credential {
    pub kind: CredentialKind,
    pub provider: String,
    /// `key` (api_key), `token` (token) or `access` (oauth).
    pub secret: Option<SecretString>,
    /// `keyRef` / `tokenRef`.
    pub secret_ref: Option<SecretRef>,
    /// OAuth refresh token.
    pub refresh: Option<SecretString>,
    pub expires: Expires,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub account_id: Option<String>,
    pub project_id: Option<String>,
    pub managed_by: Option<String>,
    /// Field names OpenClaw's loader does not know, kept to show (never values: they may be secret).
    pub unknown_fields: Vec<String>,
}

impl Credential {
    /// Whether the inline secret is present and not blank.
    pub fn has_secret(&self) -> bool {
        self.secret.as_ref().is_some_and(|s| !s.expose_secret().trim().is_empty())
    }

    pub fn has_refresh(&self) -> bool {
        self.refresh.as_ref().is_some_and(|s| !s.expose_secret().trim().is_empty())
    }

    /// `id (displayName)` / `id (email)` / `id`, as OpenClaw labels a profile.
    pub fn display_suffix(&self) -> Option<&str> {
        self.display_name.as_deref().or(self.email.as_deref()).filter(|s| !s.is_empty())
    }
}

/// Why a stored entry is not a usable credential (OpenClaw drops it with a warning).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("the entry is not a JSON object")]
    NotAnObject,
    #[error("the entry has no \"provider\"")]
    MissingProvider,
    #[error("the entry has no \"type\"")]
    MissingType,
    #[error("unknown credential type \"{0}\" (OpenClaw knows api_key, token and oauth)")]
    UnknownType(String),
}

const KNOWN_FIELDS: &[&str] = &[
    "type",
    "mode",
    "provider",
    "key",
    "apiKey",
    "keyRef",
    "token",
    "tokenRef",
    "access",
    "refresh",
    "expires",
    "email",
    "displayName",
    "accountId",
    "projectId",
    "enterpriseUrl",
    "clientId",
    "managedBy",
    "metadata",
    "idToken",
    "tokenType",
    "scope",
    "scopes",
];

fn opt_string(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn opt_secret(obj: &Map<String, Value>, key: &str) -> Option<SecretString> {
    obj.get(key).and_then(Value::as_str).map(|s| SecretString::from(s.to_owned()))
}

/// Parses one `profiles.<id>` entry with OpenClaw's leniency: `mode` stands in for a missing
/// `type`, `apiKey` for a missing `key`, and a SecretRef-shaped `key`/`token` becomes the ref.
pub fn parse_credential(value: &Value) -> Result<Credential, CredentialError> {
    let obj = value.as_object().ok_or(CredentialError::NotAnObject)?;
    let type_str = obj
        .get("type")
        .and_then(Value::as_str)
        .or_else(|| obj.get("mode").and_then(Value::as_str))
        .ok_or(CredentialError::MissingType)?;
    let kind = CredentialKind::parse(type_str).ok_or_else(|| CredentialError::UnknownType(type_str.to_owned()))?;
    let provider = obj
        .get("provider")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or(CredentialError::MissingProvider)?
        .to_owned();

    let (secret_field, ref_field) = match kind {
        CredentialKind::ApiKey => ("key", "keyRef"),
        CredentialKind::Token => ("token", "tokenRef"),
        CredentialKind::OAuth => ("access", ""),
    };
    let mut secret = opt_secret(obj, secret_field);
    if secret.is_none() && kind == CredentialKind::ApiKey {
        secret = opt_secret(obj, "apiKey");
    }
    let mut secret_ref = if ref_field.is_empty() { None } else { obj.get(ref_field).and_then(SecretRef::from_value) };
    if secret_ref.is_none() && kind != CredentialKind::OAuth {
        secret_ref = obj.get(secret_field).and_then(SecretRef::from_value);
    }

    let unknown_fields = obj.keys().filter(|k| !KNOWN_FIELDS.contains(&k.as_str())).cloned().collect();
    Ok(Credential {
        kind,
        provider,
        secret,
        secret_ref,
        refresh: if kind == CredentialKind::OAuth { opt_secret(obj, "refresh") } else { None },
        expires: if kind == CredentialKind::ApiKey { Expires::Absent } else { Expires::from_value(obj.get("expires")) },
        email: opt_string(obj, "email"),
        display_name: opt_string(obj, "displayName"),
        account_id: opt_string(obj, "accountId"),
        project_id: opt_string(obj, "projectId"),
        managed_by: opt_string(obj, "managedBy"),
        unknown_fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_each_type() {
        let key = parse_credential(&json!({"type":"api_key","provider":"anthropic","key":"sk-ant-api03-x"})).unwrap();
        assert_eq!(key.kind, CredentialKind::ApiKey);
        assert!(key.has_secret());

        let tok =
            parse_credential(&json!({"type":"token","provider":"anthropic","token":"t","expires":1798761600000u64}))
                .unwrap();
        assert_eq!(tok.expires, Expires::At(1_798_761_600_000));

        let oauth = parse_credential(&json!({"type":"oauth","provider":"openai-codex","access":"a","refresh":"r","expires":1,"email":"me@example.com"})).unwrap();
        assert!(oauth.has_refresh());
        assert_eq!(oauth.display_suffix(), Some("me@example.com"));
    }

    #[test]
    fn lenient_like_openclaw() {
        let c = parse_credential(&json!({"mode":"api_key","provider":"openrouter","apiKey":"k"})).unwrap();
        assert_eq!(c.kind, CredentialKind::ApiKey);
        assert!(c.has_secret());
        let r = parse_credential(&json!({"type":"api_key","provider":"openrouter","key":{"source":"env","provider":"default","id":"OPENROUTER_API_KEY"}})).unwrap();
        assert_eq!(r.secret_ref.unwrap().label(), "env:OPENROUTER_API_KEY");
    }

    #[test]
    fn refuses_what_openclaw_drops() {
        assert_eq!(parse_credential(&json!({"type":"api_key"})).unwrap_err(), CredentialError::MissingProvider);
        assert_eq!(
            parse_credential(&json!({"type":"password","provider":"x"})).unwrap_err(),
            CredentialError::UnknownType("password".into())
        );
        assert_eq!(parse_credential(&json!("x")).unwrap_err(), CredentialError::NotAnObject);
    }

    #[test]
    fn invalid_expiry_is_kept() {
        assert_eq!(Expires::from_value(Some(&json!(9.0e15))), Expires::At(9_000_000_000_000_000));
        for bad in [json!("tomorrow"), json!(0), json!(-5), json!(f64::MAX)] {
            assert!(matches!(Expires::from_value(Some(&bad)), Expires::Invalid(_)), "{bad}");
        }
        assert_eq!(Expires::from_value(None), Expires::Absent);
    }
}
