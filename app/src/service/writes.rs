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

fn outcome(report: WriteReport, provider: Option<String>) -> WriteOutcome {
    let provider = provider
        .or_else(|| report.profile_id.as_deref().and_then(openclaw_state::ids::profile_provider).map(str::to_owned));
    WriteOutcome {
        agent: report.agent,
        changes: report.changes,
        hints: report
            .hints
            .into_iter()
            .map(|h| HintItem { code: h.hint.code().to_owned(), message: h.message })
            .collect(),
        warnings: report.warnings,
        restart_gateway: report.restart_gateway,
        restart_note: report.restart_note,
        version: report.version,
        profile_id: report.profile_id,
        masked: report.masked,
        provider,
        next: None,
        pin_command: None,
    }
}

/// The paste form's expiry as the engine's duration: a duration passes through; a date
/// (`2027-01-31`, the end of that day UTC) or an RFC 3339 time becomes the milliseconds from now.
fn expiry_as_duration(raw: Option<&str>, now_ms: i64) -> Result<Option<String>, AppError> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    let looks_like_date = text.len() >= 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    if !looks_like_date {
        return Ok(Some(text.to_owned()));
    }
    let bad = || {
        AppError::Refused(format!(
            "expiry {text:?} is not a date this form understands: use 2027-01-31, 2027-01-31T12:00:00Z, or a duration such as 30d or 12h"
        ))
    };
    let at_ms = if text.len() == 10 {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let date = time::Date::parse(text, &format).map_err(|_| bad())?;
        let end_of_day = date.with_hms(23, 59, 59).map_err(|_| bad())?.assume_utc();
        (end_of_day.unix_timestamp_nanos() / 1_000_000) as i64
    } else {
        let at =
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).map_err(|_| bad())?;
        (at.unix_timestamp_nanos() / 1_000_000) as i64
    };
    if at_ms <= now_ms {
        return Err(AppError::Refused(format!("expiry {text} is in the past; give a later date or a duration")));
    }
    Ok(Some(format!("{}ms", at_ms - now_ms)))
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
            Ok(report) => AuditEntry::done(actor, action, provider, report),
            Err(e) => AuditEntry::refused(actor, action, agent, provider, to_app_error(e).to_string()),
        };
        if let Err(e) = AuditLog::in_dir(dir).append(&entry) {
            tracing::error!(error = %e, "cannot write the audit log");
        }
    }

    /// What the page shows after a change, read back from disk: which profile OpenClaw now tries
    /// first for the provider, and the pin command of the profile written.
    fn describe_after(&self, done: &mut WriteOutcome) {
        let Some(provider) = done.provider.clone() else { return };
        if done.agent.is_empty() {
            return;
        }
        let snapshot = self.snapshot_blocking();
        let view = super::overview::build(&snapshot, Some(&done.agent));
        let Some(found) = view.agents.iter().flat_map(|a| &a.providers).find(|p| p.provider == provider) else {
            return;
        };
        done.next = found.next.clone();
        done.pin_command = done
            .profile_id
            .as_deref()
            .and_then(|id| found.profiles.iter().find(|p| p.id == id))
            .and_then(|p| p.pin_command.clone());
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
            let mut done = outcome(result.map_err(|e| to_app_error(&e))?, provider);
            this.describe_after(&mut done);
            Ok(done)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "write task failed");
            AppError::Internal
        })?
    }

    /// A paste: hints first (nothing written) unless confirmed, then the write.
    #[tracing::instrument(skip_all, fields(agent = request.agent.as_deref(), action = "paste"))]
    pub async fn paste(&self, actor: &str, mut request: PasteRequest) -> Result<PasteOutcome, AppError> {
        request.expires_in = expiry_as_duration(request.expires_in.as_deref(), super::now_ms())?;
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
                .map(|h| HintItem { code: h.hint.code().to_owned(), message: h.message.clone() })
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

    #[tracing::instrument(skip_all, fields(agent = %agent, action = "order-set"))]
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

    #[tracing::instrument(skip_all, fields(agent = %agent, action = "order-clear"))]
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

    #[tracing::instrument(skip_all, fields(agent = %agent, action = "remove"))]
    pub async fn remove_profile(
        &self,
        actor: &str,
        agent: String,
        profile_id: String,
        base_version: Option<String>,
    ) -> Result<WriteOutcome, AppError> {
        let provider = openclaw_state::ids::profile_provider(&profile_id).map(str::to_owned);
        self.write(actor, "remove", agent.clone(), provider, move |w| {
            w.remove(Some(&agent), &profile_id, base_version.as_deref())
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(agent = %agent, action = "clear-cooldown"))]
    pub async fn clear_cooldown(
        &self,
        actor: &str,
        agent: String,
        profile_id: String,
    ) -> Result<WriteOutcome, AppError> {
        let provider = openclaw_state::ids::profile_provider(&profile_id).map(str::to_owned);
        self.write(actor, "clear-cooldown", agent.clone(), provider, move |w| {
            w.clear_cooldown(Some(&agent), &profile_id, None)
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(action = "env-set", key = %key))]
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

    #[tracing::instrument(skip_all, fields(action = "env-unset", key = %key))]
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

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000_000; // 2026-09-21

    #[test]
    fn expiry_durations_pass_through_and_dates_become_durations() {
        assert_eq!(expiry_as_duration(None, NOW).unwrap(), None);
        assert_eq!(expiry_as_duration(Some("  "), NOW).unwrap(), None);
        assert_eq!(expiry_as_duration(Some("30d"), NOW).unwrap().as_deref(), Some("30d"));
        let end_of_day = 1_790_294_399_000; // 2026-09-24T23:59:59Z
        assert_eq!(expiry_as_duration(Some("2026-09-24"), NOW).unwrap(), Some(format!("{}ms", end_of_day - NOW)));
        assert_eq!(
            expiry_as_duration(Some("2026-09-22T00:00:00Z"), NOW).unwrap(),
            Some(format!("{}ms", 1_790_035_200_000 - NOW))
        );
    }

    #[test]
    fn bad_or_past_expiry_dates_say_what_to_give() {
        let past = expiry_as_duration(Some("2020-01-01"), NOW).unwrap_err().to_string();
        assert!(past.contains("in the past"), "{past}");
        let bad = expiry_as_duration(Some("2026-13-40"), NOW).unwrap_err().to_string();
        assert!(bad.contains("2027-01-31") && bad.contains("30d"), "{bad}");
    }
}
