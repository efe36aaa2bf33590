//! The page's writes: each one the write engine's, run off the async executor, logged in the
//! audit log with the client's address, and mapped to errors the page can show (never a secret,
//! never a stack trace; the server log has the detail).

use openclaw_state::write::engine::{HintView, PasteInput, RemovePreview, Revision, WriteError, WriteReport, Writer};
use openclaw_state::write::expiry::Expiry;
use openclaw_state::write::normalize::{Hint, SecretKind};
use secrecy::{ExposeSecret, SecretString};

use super::PanelService;
use super::audit::{AuditAction, AuditLog, AuditTarget, entry_for_write};
use crate::error::ServiceError;
use panel_views::{
    EnvFileView, EnvKeyView, HintItem, HistoryEntry, OrderChange, PasteKind, PasteOutcome, PasteRequest,
    RemovePreview as RemovePreviewView, WriteOutcome,
};

fn outcome(report: WriteReport, provider: Option<String>) -> WriteOutcome {
    let provider = provider
        .or_else(|| report.profile_id.as_deref().and_then(openclaw_state::ids::profile_provider).map(str::to_owned));
    WriteOutcome {
        agent: report.agent,
        changes: report.changes,
        hints: report.hints.into_iter().map(hint_item).collect(),
        warnings: report.warnings,
        restart_gateway: report.restart_gateway,
        restart_note: report.restart_note,
        version: report.version.into(),
        profile_id: report.profile_id,
        masked: report.masked,
        provider,
        next: None,
        pin_command: None,
        refreshed: None,
        can_restart: false,
        env_change: report.env_change.map(|c| c.to_string()),
    }
}

fn hint_item(h: HintView) -> HintItem {
    HintItem { code: h.hint.code(), message: h.message }
}

/// The revision a page's change was based on (the `version` string it was given).
fn base(version: Option<String>) -> Option<Revision> {
    version.map(Revision::from_token)
}

/// The engine's removal preview as the remove dialog shows it: paths shortened, the orders of the
/// profile's own provider, usage and last-good marks as one line.
fn remove_preview_view(p: RemovePreview, location: &openclaw_state::StateLocation) -> RemovePreviewView {
    let of_provider = |changes: &[openclaw_state::write::engine::OrderChange]| {
        changes
            .iter()
            .find(|c| c.provider == p.provider)
            .map(|c| OrderChange { before: c.before.clone(), after: c.after.clone() })
    };
    RemovePreviewView {
        stored_order: of_provider(&p.stored_orders),
        config_order: of_provider(&p.config_orders),
        masked: p.masked.clone().unwrap_or_else(|| "no stored secret".to_owned()),
        store_path: Some(location.display(&p.store)),
        shared: p.shared_with_other_agents,
        config_entry: p.config_entry,
        usage_record: p.usage_stats || !p.last_good.is_empty(),
        version: p.version.to_string(),
        agent: p.agent,
        profile_id: p.profile_id,
        provider: p.provider,
    }
}

impl PanelService {
    pub(crate) fn writer(&self) -> Writer {
        Writer::new(self.config().location.clone())
    }

    fn audit(
        &self,
        actor: &str,
        action: AuditAction,
        agent: &str,
        provider: Option<&str>,
        result: &Result<WriteReport, WriteError>,
    ) {
        let Some(dir) = &self.config().data_dir else { return };
        let target = AuditTarget::new(agent, provider.map(str::to_owned), None);
        let entry = entry_for_write(actor, action, target, result, |e| ServiceError::from_write(e).to_string());
        if let Err(e) = AuditLog::in_dir(dir).append(&entry) {
            tracing::error!(error = %e, "cannot write the audit log");
        }
    }

    /// What the page shows after a change, read back from disk in one read: the written agent's
    /// card (the page replaces it instead of reading every agent again), which profile OpenClaw now
    /// tries first for the provider, and the pin command of the profile written.
    fn describe_after(&self, done: &mut WriteOutcome) {
        if done.agent.is_empty() {
            return;
        }
        let snapshot = self.snapshot_blocking();
        let Some(refreshed) = super::overview::agent_refresh(&snapshot, &done.agent, done.version.clone()) else {
            return;
        };
        if let Some(provider) = refreshed.agent.providers.iter().find(|p| Some(&p.provider) == done.provider.as_ref()) {
            done.next = provider.next.clone();
            done.pin_command = done
                .profile_id
                .as_ref()
                .and_then(|id| provider.profiles.iter().find(|p| p.id == *id))
                .and_then(|p| p.pin_command.clone());
        }
        done.refreshed = Some(Box::new(refreshed));
    }

    /// Records a paste preview that named a profile holding the same secret (nothing saved).
    fn audit_preview(&self, actor: &str, agent: &str, provider: &str, pasted_as: &str, same: &str) {
        let Some(dir) = &self.config().data_dir else { return };
        let target = AuditTarget::new(agent, Some(provider.to_owned()), Some(pasted_as.to_owned()));
        let line = format!("preview only, nothing saved: the pasted secret is the one stored as {same}");
        let entry = super::audit::AuditEntry::new(actor, AuditAction::PastePreview, target, Ok(vec![line]));
        if let Err(e) = AuditLog::in_dir(dir).append(&entry) {
            tracing::error!(error = %e, "cannot write the audit log");
        }
    }

    /// Audits a write's result, maps it for the page and adds what the page shows after it.
    fn finish_write(
        &self,
        actor: &str,
        action: AuditAction,
        agent: &str,
        provider: Option<String>,
        result: Result<WriteReport, WriteError>,
    ) -> Result<WriteOutcome, ServiceError> {
        self.audit(actor, action, agent, provider.as_deref(), &result);
        if result.is_ok() {
            self.alerts_wake();
        }
        let mut done = outcome(result.map_err(|e| ServiceError::from_write(&e))?, provider);
        self.describe_after(&mut done);
        Ok(done)
    }

    /// Runs a write off the executor, logs it, maps the result.
    /// `agent` is what the request named (recorded for refused attempts too; `""`: not per agent).
    async fn write(
        &self,
        actor: &str,
        action: AuditAction,
        agent: String,
        provider: Option<String>,
        job: impl FnOnce(&Writer) -> Result<WriteReport, WriteError> + Send + 'static,
    ) -> Result<WriteOutcome, ServiceError> {
        let this = self.clone();
        let actor = actor.to_owned();
        let listened_before = self.gateway_listening().await;
        let mut done = crate::error::blocking("write task failed", move || {
            let result = job(&this.writer());
            this.finish_write(&actor, action, &agent, provider, result)
        })
        .await??;
        self.apply_to_gateway(&mut done, listened_before).await;
        Ok(done)
    }

    /// Whether the gateway's port accepts connections now, asked before a write: a gateway that
    /// restarts itself because of the write refuses the apply for a moment (see
    /// `panel_gateway::apply::apply_store_change`).
    async fn gateway_listening(&self) -> bool {
        match self.gateway_target().await {
            Ok(target) => {
                crate::error::blocking("gateway port check", move || panel_gateway::apply::listening(target.port))
                    .await
                    .unwrap_or(false)
            }
            Err(_) => false,
        }
    }

    /// Tells the running gateway about a change made (see [`crate::gateway`]).
    async fn apply_to_gateway(&self, done: &mut WriteOutcome, listened_before: bool) {
        match self.gateway_target().await {
            Ok(target) => self.apply_after_write(target, done, listened_before).await,
            Err(e) => {
                done.restart_gateway = true;
                done.restart_note = format!("Saved, but not applied to the running gateway: {e}");
            }
        }
    }

    /// A paste: prepared once (one read of the state); its hints shown first (nothing written)
    /// unless confirmed, else that same preparation written.
    #[tracing::instrument(skip_all, fields(agent = request.agent.as_deref(), action = "paste"))]
    /// `session`: the login session's opaque key, for its paste budget ([`crate::paste_budget`]).
    pub async fn paste(&self, actor: &str, session: &str, request: PasteRequest) -> Result<PasteOutcome, ServiceError> {
        let PasteRequest { agent, provider, profile_id, kind: paste_kind, secret, expires_in, confirmed } = request;
        self.paste_budget.take(session, super::now_ms()).map_err(|spent| {
            tracing::warn!(actor, "paste refused: the session's paste budget is spent");
            ServiceError::Refused(spent.to_string())
        })?;
        let kind = match paste_kind {
            PasteKind::Token => SecretKind::Token,
            PasteKind::ApiKey | PasteKind::ApiKeyToEnv => SecretKind::ApiKey,
        };
        let expiry = match kind {
            SecretKind::Token => Expiry::parse(expires_in.as_deref(), super::now_ms())
                .map_err(|e| ServiceError::Refused(e.to_string()))?,
            SecretKind::ApiKey => None,
        };
        let action = match paste_kind {
            PasteKind::Token => AuditAction::PasteToken,
            _ => AuditAction::PasteApiKey,
        };
        let to_env = paste_kind == PasteKind::ApiKeyToEnv;
        let audit_agent = agent.clone().unwrap_or_default();
        let input = PasteInput { agent, provider, profile_id, kind, secret: SecretString::from(secret), expiry };
        let listened_before = self.gateway_listening().await;
        let this = self.clone();
        let actor = actor.to_owned();
        let mut outcome = crate::error::blocking("paste task failed", move || {
            let writer = this.writer();
            let provider = Some(input.provider.clone());
            // A confirmed paste to `.env` has nothing to prepare: no agent, no store.
            let prepared = if to_env && confirmed {
                None
            } else {
                match writer.prepare_paste(&input) {
                    Ok(p) => Some(p),
                    // Refused before anything was shown: logged only when the admin meant to save.
                    Err(e) if confirmed => {
                        return this
                            .finish_write(&actor, action, &audit_agent, provider, Err(e))
                            .map(PasteOutcome::Saved);
                    }
                    Err(e) => return Err(ServiceError::from_write(&e)),
                }
            };
            if !confirmed && let Some(p) = &prepared {
                let hints = p.hints_needing_yes();
                for hint in &hints {
                    if let Hint::SameSecretAs { profile_id: same } = &hint.hint {
                        this.audit_preview(&actor, &audit_agent, &input.provider, p.profile_id(), same);
                    }
                }
                if !hints.is_empty() {
                    return Ok(PasteOutcome::Confirm {
                        profile_id: p.profile_id().to_owned(),
                        masked: p.masked(),
                        hints: hints.into_iter().map(hint_item).collect(),
                    });
                }
            }
            let result = match prepared {
                Some(p) if !to_env => writer.commit_paste(p, false, None),
                _ => writer.paste_api_key_to_env(&input.provider, &input.secret, false, None),
            };
            this.finish_write(&actor, action, &audit_agent, provider, result).map(PasteOutcome::Saved)
        })
        .await??;
        if let PasteOutcome::Saved(done) = &mut outcome {
            self.apply_to_gateway(done, listened_before).await;
        }
        Ok(outcome)
    }

    /// What removing a profile would change, computed by the write engine (nothing is written).
    /// What `remove_profile` would delete for this agent and profile now, as the engine's own
    /// edits compute it (the remove dialog's lines), with the revision to base the removal on.
    pub async fn preview_remove(&self, agent: String, profile_id: String) -> Result<RemovePreviewView, ServiceError> {
        openclaw_state::ids::validate_agent_id(&agent).map_err(|_| ServiceError::BadAgentId(agent.clone()))?;
        let this = self.clone();
        let preview = crate::error::blocking("remove preview task failed", move || {
            this.writer().preview_remove(Some(&agent), &profile_id)
        })
        .await?
        .map_err(|e| ServiceError::from_write(&e))?;
        Ok(remove_preview_view(preview, &self.config().location))
    }

    #[tracing::instrument(skip_all, fields(agent = %agent, action = "order-set"))]
    pub async fn set_order(
        &self,
        actor: &str,
        agent: String,
        provider: String,
        ids: Vec<String>,
        base_version: Option<String>,
    ) -> Result<WriteOutcome, ServiceError> {
        let p = provider.clone();
        self.write(actor, AuditAction::OrderSet, agent.clone(), Some(provider), move |w| {
            w.order_set(Some(&agent), &p, &ids, base(base_version).as_ref())
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
    ) -> Result<WriteOutcome, ServiceError> {
        let p = provider.clone();
        self.write(actor, AuditAction::OrderClear, agent.clone(), Some(provider), move |w| {
            w.order_clear(Some(&agent), &p, base(base_version).as_ref())
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
    ) -> Result<WriteOutcome, ServiceError> {
        let provider = openclaw_state::ids::profile_provider(&profile_id).map(str::to_owned);
        self.write(actor, AuditAction::Remove, agent.clone(), provider, move |w| {
            w.remove(Some(&agent), &profile_id, base(base_version).as_ref())
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(agent = %agent, action = "clear-cooldown"))]
    pub async fn clear_cooldown(
        &self,
        actor: &str,
        agent: String,
        profile_id: String,
    ) -> Result<WriteOutcome, ServiceError> {
        let provider = openclaw_state::ids::profile_provider(&profile_id).map(str::to_owned);
        self.write(actor, AuditAction::ClearCooldown, agent.clone(), provider, move |w| {
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
    ) -> Result<WriteOutcome, ServiceError> {
        let value = SecretString::from(value);
        self.write(actor, AuditAction::EnvSet, String::new(), None, move |w| {
            w.env_set(&key, &value, base(base_version).as_ref())
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(action = "env-unset", key = %key))]
    pub async fn env_unset(
        &self,
        actor: &str,
        key: String,
        base_version: Option<String>,
    ) -> Result<WriteOutcome, ServiceError> {
        self.write(actor, AuditAction::EnvUnset, String::new(), None, move |w| {
            w.env_unset(&key, base(base_version).as_ref())
        })
        .await
    }

    /// The keys of `<state>/.env` with masked values.
    pub async fn env_file(&self) -> Result<EnvFileView, ServiceError> {
        let this = self.clone();
        crate::error::blocking("env file read task failed", move || {
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
            let version = this.writer().env_version().map(String::from).unwrap_or_default();
            EnvFileView { path: this.config().location.display(&path), keys, version }
        })
        .await
    }

    /// The audit log, newest first, optionally filtered.
    pub async fn history(
        &self,
        agent: Option<String>,
        provider: Option<String>,
    ) -> Result<Vec<HistoryEntry>, ServiceError> {
        let Some(dir) = self.config().data_dir.clone() else { return Ok(Vec::new()) };
        crate::error::blocking("history read task failed", move || {
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
    }
}
