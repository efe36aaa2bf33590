//! The page's writes: each one the write engine's, run off the async executor, logged in the
//! audit log with the client's address, and mapped to errors the page can show (never a secret,
//! never a stack trace; the server log has the detail).

use openclaw_state::write::engine::{WriteError, WriteReport, Writer};
use openclaw_state::write::normalize::SecretKind;
use secrecy::{ExposeSecret, SecretString};

use super::PanelService;
use super::audit::{AuditEntry, AuditLog};
use crate::error::AppError;
use crate::views::{
    EnvFileView, EnvKeyView, HintItem, HistoryEntry, PasteKind, PasteOutcome, PasteRequest, WriteOutcome,
};

fn outcome(report: WriteReport) -> WriteOutcome {
    WriteOutcome {
        agent: report.agent,
        changes: report.changes,
        hints: report.hints.into_iter().map(|h| HintItem { code: hint_code(&h.hint), message: h.message }).collect(),
        warnings: report.warnings,
        restart_gateway: report.restart_gateway,
        restart_note: report.restart_note,
        version: report.version,
        profile_id: report.profile_id,
        masked: report.masked,
    }
}

fn hint_code(hint: &openclaw_state::write::normalize::Hint) -> String {
    serde_json::to_value(hint)
        .ok()
        .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

/// What the page may see of an engine error.
fn to_app_error(error: &WriteError) -> AppError {
    match error {
        WriteError::Conflict { current, found, .. } => AppError::Conflict {
            current_orders: current
                .orders
                .iter()
                .map(|(p, ids)| {
                    let ids = ids.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
                    (p.clone(), ids.unwrap_or_default())
                })
                .collect(),
            version: found.clone(),
        },
        WriteError::Lock(_) => AppError::Busy,
        WriteError::Io { .. } | WriteError::Sqlite { .. } | WriteError::Config(_) | WriteError::Corrupt { .. } => {
            tracing::error!(error = %error, "a write failed");
            AppError::Refused(
                "the change could not be saved (nothing was changed); the server log has the details".to_owned(),
            )
        }
        other => AppError::Refused(other.to_string()),
    }
}

impl PanelService {
    pub(crate) fn writer(&self) -> Writer {
        Writer::new(self.config().location.clone())
    }

    fn audit(
        &self,
        actor: &str,
        action: &str,
        agent: &str,
        provider: Option<&str>,
        result: &Result<WriteReport, WriteError>,
    ) {
        let Some(dir) = &self.config().data_dir else { return };
        let entry = match result {
            Ok(r) => AuditEntry {
                at: openclaw_state::write::time::iso_millis(openclaw_state::write::time::now_ms()),
                actor: actor.to_owned(),
                action: action.to_owned(),
                agent: r.agent.clone(),
                provider: provider.map(str::to_owned),
                profile_id: r.profile_id.clone(),
                changes: r.changes.clone(),
                ok: true,
                error: None,
            },
            Err(e) => AuditEntry {
                at: openclaw_state::write::time::iso_millis(openclaw_state::write::time::now_ms()),
                actor: actor.to_owned(),
                action: action.to_owned(),
                agent: agent.to_owned(),
                provider: provider.map(str::to_owned),
                profile_id: None,
                changes: Vec::new(),
                ok: false,
                error: Some(to_app_error(e).to_string()),
            },
        };
        if let Err(e) = AuditLog::in_dir(dir).append(&entry) {
            tracing::error!(error = %e, "cannot write the audit log");
        }
    }

    /// Runs a write off the executor, logs it, maps the result.
    /// `agent` is what the request named (recorded for refused attempts too; `""`: not per agent).
    async fn write(
        &self,
        actor: &str,
        action: &'static str,
        agent: String,
        provider: Option<String>,
        job: impl FnOnce(&Writer) -> Result<WriteReport, WriteError> + Send + 'static,
    ) -> Result<WriteOutcome, AppError> {
        let this = self.clone();
        let actor = actor.to_owned();
        tokio::task::spawn_blocking(move || {
            let result = job(&this.writer());
            this.audit(&actor, action, &agent, provider.as_deref(), &result);
            result.map(outcome).map_err(|e| to_app_error(&e))
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "write task failed");
            AppError::Internal
        })?
    }

    /// A paste: hints first (nothing written) unless confirmed, then the write.
    pub async fn paste(&self, actor: &str, request: PasteRequest) -> Result<PasteOutcome, AppError> {
        let secret = SecretString::from(request.secret);
        let provider = request.provider.clone();
        let kind = match request.kind {
            PasteKind::Token => SecretKind::Token,
            PasteKind::ApiKey | PasteKind::ApiKeyToEnv => SecretKind::ApiKey,
        };
        if !request.confirmed {
            let this = self.clone();
            let (agent, profile_id, expires_in) =
                (request.agent.clone(), request.profile_id.clone(), request.expires_in.clone());
            let preview_secret = secret.clone();
            let preview = tokio::task::spawn_blocking(move || {
                this.writer().preview_paste(
                    agent.as_deref(),
                    &provider,
                    profile_id.as_deref(),
                    kind,
                    &preview_secret,
                    expires_in.as_deref(),
                )
            })
            .await
            .map_err(|_| AppError::Internal)?
            .map_err(|e| to_app_error(&e))?;
            let worth_confirming: Vec<HintItem> = preview
                .hints
                .iter()
                .filter(|h| !matches!(h.hint, openclaw_state::write::normalize::Hint::ClaudeCodeOnly))
                .map(|h| HintItem { code: hint_code(&h.hint), message: h.message.clone() })
                .collect();
            if !worth_confirming.is_empty() {
                return Ok(PasteOutcome::Confirm {
                    profile_id: preview.profile_id,
                    masked: preview.masked,
                    hints: worth_confirming,
                });
            }
        }
        let action = match request.kind {
            PasteKind::Token => "paste-token",
            _ => "paste-api-key",
        };
        let PasteRequest { agent, provider, profile_id, kind: paste_kind, expires_in, .. } = request;
        let audit_provider = Some(provider.clone());
        let audit_agent = agent.clone().unwrap_or_default();
        self.write(actor, action, audit_agent, audit_provider, move |w| match paste_kind {
            PasteKind::ApiKeyToEnv => w.paste_api_key_to_env(&provider, &secret, false, None),
            _ => w.paste(
                agent.as_deref(),
                &provider,
                profile_id.as_deref(),
                kind,
                &secret,
                expires_in.as_deref(),
                false,
                None,
            ),
        })
        .await
        .map(PasteOutcome::Saved)
    }

    pub async fn set_order(
        &self,
        actor: &str,
        agent: String,
        provider: String,
        ids: Vec<String>,
        base_version: Option<String>,
    ) -> Result<WriteOutcome, AppError> {
        let p = provider.clone();
        self.write(actor, "order-set", agent.clone(), Some(provider), move |w| {
            w.order_set(Some(&agent), &p, &ids, base_version.as_deref())
        })
        .await
    }

    pub async fn clear_order(
        &self,
        actor: &str,
        agent: String,
        provider: String,
        base_version: Option<String>,
    ) -> Result<WriteOutcome, AppError> {
        let p = provider.clone();
        self.write(actor, "order-clear", agent.clone(), Some(provider), move |w| {
            w.order_clear(Some(&agent), &p, base_version.as_deref())
        })
        .await
    }

    pub async fn remove_profile(
        &self,
        actor: &str,
        agent: String,
        profile_id: String,
        base_version: Option<String>,
    ) -> Result<WriteOutcome, AppError> {
        self.write(actor, "remove", agent.clone(), None, move |w| {
            w.remove(Some(&agent), &profile_id, base_version.as_deref())
        })
        .await
    }

    pub async fn clear_cooldown(
        &self,
        actor: &str,
        agent: String,
        profile_id: String,
    ) -> Result<WriteOutcome, AppError> {
        self.write(actor, "clear-cooldown", agent.clone(), None, move |w| {
            w.clear_cooldown(Some(&agent), &profile_id, None)
        })
        .await
    }

    pub async fn env_set(
        &self,
        actor: &str,
        key: String,
        value: String,
        base_version: Option<String>,
    ) -> Result<WriteOutcome, AppError> {
        let value = SecretString::from(value);
        self.write(actor, "env-set", String::new(), None, move |w| w.env_set(&key, &value, base_version.as_deref()))
            .await
    }

    pub async fn env_unset(
        &self,
        actor: &str,
        key: String,
        base_version: Option<String>,
    ) -> Result<WriteOutcome, AppError> {
        self.write(actor, "env-unset", String::new(), None, move |w| w.env_unset(&key, base_version.as_deref())).await
    }

    /// The keys of `<state>/.env` with masked values.
    pub async fn env_file(&self) -> Result<EnvFileView, AppError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let path = this.config().location.dotenv_path();
            let (pairs, _) = openclaw_state::env::read_dotenv(&path);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let keys = openclaw_state::write::env_file::keys(&text)
                .into_iter()
                .map(|key| {
                    let value = pairs.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v.as_str()).unwrap_or("");
                    let masked =
                        openclaw_state::mask::mask_secret(SecretString::from(value.to_owned()).expose_secret());
                    EnvKeyView { key, masked }
                })
                .collect();
            let version = this.writer().env_version().unwrap_or_default();
            EnvFileView { path: this.config().location.display(&path), keys, version }
        })
        .await
        .map_err(|_| AppError::Internal)
    }

    /// The audit log, newest first, optionally filtered.
    pub async fn history(
        &self,
        agent: Option<String>,
        provider: Option<String>,
    ) -> Result<Vec<HistoryEntry>, AppError> {
        let Some(dir) = self.config().data_dir.clone() else { return Ok(Vec::new()) };
        tokio::task::spawn_blocking(move || {
            AuditLog::in_dir(&dir)
                .read_newest_first()
                .into_iter()
                .filter(|e| agent.as_deref().is_none_or(|a| e.agent == a))
                .filter(|e| provider.as_deref().is_none_or(|p| e.provider.as_deref() == Some(p)))
                .map(|e| HistoryEntry {
                    at: e.at,
                    actor: e.actor,
                    action: e.action,
                    agent: e.agent,
                    provider: e.provider,
                    profile_id: e.profile_id,
                    changes: e.changes,
                    ok: e.ok,
                    error: e.error,
                })
                .collect()
        })
        .await
        .map_err(|_| AppError::Internal)
    }
}
