//! `paste-token` / `paste-api-key` into the store, in two steps: prepare once, commit that
//! preparation.
//!
//! [`Writer::prepare_paste`] reads the state once and does every check a paste makes (provider,
//! profile id, OpenClaw's normalisation, the expiry, the agent and its era) and computes what the
//! admin may want to see first (hints, mask, id). [`Writer::commit_paste`] writes exactly that
//! preparation without reading the state again; under the lock it checks only the revision the
//! caller bases the paste on. That base is the caller's choice: `--if-version`, or
//! [`PreparedPaste::revision`] to refuse a store that changed since the preview (whose "same
//! secret as" hint may then be stale); none for a plain paste, which upserts one entry and, as
//! OpenClaw's own paste, must not fail because another writer changed something else meanwhile
//! (the oracle's concurrent-writers test holds us to that). Which hints need a yes before saving
//! is [`Hint::needs_confirmation`], used here for `--strict` and by the page for its confirm step.

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::write::engine::Writer;
use crate::write::engine::report::{HintView, WriteError, WriteReport, store_report};
use crate::write::engine::revision::Revision;
use crate::write::engine::target::Target;
use crate::write::expiry::Expiry;
use crate::write::normalize::{self, Hint, InputError, SecretKind};
use crate::write::time;

/// What the admin pastes.
#[derive(Debug, Clone)]
pub struct PasteInput {
    /// `None`: the default agent.
    pub agent: Option<String>,
    pub provider: String,
    /// A profile id or name (`None`: `<provider>:manual`).
    pub profile_id: Option<String>,
    pub kind: SecretKind,
    pub secret: SecretString,
    /// Only tokens expire; an API key's expiry is ignored.
    pub expiry: Option<Expiry>,
}

/// A paste checked against the state as read once, ready to commit. Holds the normalised secret
/// (a `SecretString`: redacted in `Debug`).
#[derive(Debug, Clone)]
pub struct PreparedPaste {
    target: Target,
    provider: String,
    profile_id: String,
    kind: SecretKind,
    secret: SecretString,
    expires: Option<i64>,
    hints: Vec<Hint>,
    revision: Revision,
}

/// What a paste would write, for the page to show before the save. No secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PastePreview {
    pub agent: String,
    pub profile_id: String,
    pub masked: String,
    pub expires: Option<i64>,
    pub hints: Vec<HintView>,
}

impl PreparedPaste {
    pub fn agent(&self) -> &str {
        &self.target.agent
    }

    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    pub fn masked(&self) -> String {
        crate::mask::mask_secret(self.secret.expose_secret())
    }

    /// The `expires` it writes (epoch ms), resolved when it was prepared.
    pub fn expires(&self) -> Option<i64> {
        self.expires
    }

    pub fn hints(&self) -> &[Hint] {
        &self.hints
    }

    /// The hints the admin must say yes to before the save (and that `--strict` refuses).
    pub fn hints_needing_yes(&self) -> Vec<HintView> {
        self.hints.iter().filter(|h| h.needs_confirmation()).cloned().map(HintView::from).collect()
    }

    /// The store revision the preparation read.
    pub fn revision(&self) -> &Revision {
        &self.revision
    }

    pub fn preview(&self) -> PastePreview {
        PastePreview {
            agent: self.target.agent.clone(),
            profile_id: self.profile_id.clone(),
            masked: self.masked(),
            expires: self.expires,
            hints: self.hints.iter().cloned().map(HintView::from).collect(),
        }
    }
}

/// The provider as a store key, refused when it could not be one.
pub(super) fn checked_provider(provider: &str) -> Result<String, WriteError> {
    let provider = crate::providers::normalize_provider(provider);
    if provider.is_empty() {
        return Err(InputError::EmptyProvider.into());
    }
    if !provider.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')) {
        return Err(InputError::BadProvider(provider).into());
    }
    Ok(provider)
}

/// The credential a fresh paste stores, keys in the order the target's version writes them.
fn credential(prepared: &PreparedPaste) -> Value {
    let mut credential = Map::new();
    credential.insert("type".into(), Value::String(mode(prepared.kind).into()));
    credential.insert("provider".into(), Value::String(prepared.provider.clone()));
    let secret = Value::String(prepared.secret.expose_secret().to_owned());
    match prepared.kind {
        SecretKind::Token => {
            let expires_first = prepared.target.rules.write.token_expires_before_secret;
            if let (true, Some(e)) = (expires_first, prepared.expires) {
                credential.insert("expires".into(), Value::from(e));
            }
            credential.insert("token".into(), secret);
            if let (false, Some(e)) = (expires_first, prepared.expires) {
                credential.insert("expires".into(), Value::from(e));
            }
        }
        SecretKind::ApiKey => {
            credential.insert("key".into(), secret);
        }
    }
    Value::Object(credential)
}

fn mode(kind: SecretKind) -> &'static str {
    match kind {
        SecretKind::Token => "token",
        SecretKind::ApiKey => "api_key",
    }
}

impl Writer {
    /// Checks a paste and computes what it would write, reading the state once. Nothing is
    /// written.
    pub fn prepare_paste(&self, input: &PasteInput) -> Result<PreparedPaste, WriteError> {
        let provider = checked_provider(&input.provider)?;
        let profile_id = normalize::resolve_profile_id(&provider, input.profile_id.as_deref())?;
        let normalized = normalize::prepare_secret(&provider, input.kind, input.secret.expose_secret())?;
        let expires = match input.kind {
            SecretKind::Token => input.expiry.map(|e| e.at(time::now_ms())),
            SecretKind::ApiKey => None,
        };
        let snapshot = self.snapshot();
        let (target, agent_state) = self.target(&snapshot, input.agent.as_deref())?;
        let revision = self.load(&target)?.revision();
        let mut hints = normalized.hints;
        // The stored secrets are compared only with a clean paste (nothing dropped, joined or
        // unquoted, the right kind): a paste made to carry a hint, so that nothing is saved
        // whatever the answer, must not learn whether it equals a stored secret (security
        // issue 15: that made the preview an oracle for guesses).
        let clean = !hints.iter().any(Hint::needs_confirmation);
        for other in agent_state.profiles.iter().filter(|_| clean) {
            if other.id != profile_id
                && other
                    .credential
                    .secret
                    .as_ref()
                    .is_some_and(|s| s.expose_secret() == normalized.value.expose_secret())
            {
                hints.push(Hint::SameSecretAs { profile_id: other.id.clone() });
            }
        }
        Ok(PreparedPaste {
            target,
            provider,
            profile_id,
            kind: input.kind,
            secret: normalized.value,
            expires,
            hints,
            revision,
        })
    }

    /// Writes a prepared paste: the store entry, then config `auth.profiles`. The store must
    /// be at `expected` when given (e.g. `Some(prepared.revision())`). `strict` refuses a paste
    /// with a hint that needs a yes.
    pub fn commit_paste(
        &self,
        prepared: PreparedPaste,
        strict: bool,
        expected: Option<&Revision>,
    ) -> Result<WriteReport, WriteError> {
        if strict && let Some(h) = prepared.hints.iter().find(|h| h.needs_confirmation()) {
            return Err(InputError::Strict(h.message()).into());
        }
        let mask = prepared.masked();
        let credential = credential(&prepared);
        let PreparedPaste { target, provider, profile_id: id, kind, expires, hints, .. } = prepared;
        let mode = mode(kind);
        let applied = self.apply(&target, expected, &mut |docs| {
            let existed = docs.profile(&id).is_some();
            docs.upsert_profile(&id, credential.clone());
            let expiry = expires.map(|e| format!(", expires {}", time::iso_millis(e))).unwrap_or_default();
            Ok(vec![format!(
                "{} {id} ({provider}/{mode}) = {mask}{expiry}",
                if existed { "replaced" } else { "stored" }
            )])
        })?;
        let (mut changes, mut files) = (applied.changes, applied.files);
        let config_provider = crate::providers::normalize_provider(crate::ids::profile_provider(&id).unwrap_or(&id));
        let (config_path, warnings) = self.config_edit(|doc| {
            doc.apply_profile(&id, &config_provider, mode);
            true
        })?;
        if let Some(path) = config_path {
            changes.push(format!("config auth.profiles[{id}] = {{provider, mode: {mode}}}"));
            files.push(path);
        }
        let mut report = store_report(&target, changes, files, applied.revision);
        report.hints = hints.into_iter().map(HintView::from).collect();
        report.warnings = warnings;
        report.profile_id = Some(id);
        report.masked = Some(mask);
        Ok(report)
    }

    /// Prepare and commit in one call (the CLI, the doctor's retype fix): `expires_in` is the
    /// text [`Expiry::parse`] reads.
    #[allow(clippy::too_many_arguments)]
    pub fn paste(
        &self,
        agent: Option<&str>,
        provider: &str,
        profile_id: Option<&str>,
        kind: SecretKind,
        raw_secret: &SecretString,
        expires_in: Option<&str>,
        strict: bool,
        expected: Option<&Revision>,
    ) -> Result<WriteReport, WriteError> {
        let expiry = match kind {
            SecretKind::Token => Expiry::parse(expires_in, time::now_ms())?,
            SecretKind::ApiKey => None,
        };
        let input = PasteInput {
            agent: agent.map(str::to_owned),
            provider: provider.to_owned(),
            profile_id: profile_id.map(str::to_owned),
            kind,
            secret: raw_secret.clone(),
            expiry,
        };
        let prepared = self.prepare_paste(&input)?;
        self.commit_paste(prepared, strict, expected)
    }
}
