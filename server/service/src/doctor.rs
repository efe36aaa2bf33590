//! The Doctor page's services: the native checks (and their fixes, audited), and OpenClaw's own
//! doctor run in the background.

use openclaw_state::doctor::{DoctorReport, fix};

use super::PanelService;
use super::audit::{AuditAction, AuditEntry, AuditLog, AuditTarget};
use crate::error::ServiceError;
use panel_views::{DoctorView, FindingView, FixOutcome, NativeDoctorView, OpenClawDoctorView};

fn native_view(
    report: DoctorReport,
    location: &openclaw_state::StateLocation,
    took_us: u64,
    read_at: String,
) -> NativeDoctorView {
    NativeDoctorView {
        state_dir: report.state_dir,
        checks_run: report.checks_run,
        errors: report.errors,
        warnings: report.warnings,
        infos: report.infos,
        findings: report
            .findings
            .into_iter()
            .map(|f| FindingView {
                check: f.check.to_owned(),
                severity: f.severity,
                agent: f.agent,
                provider: f.provider,
                profile_id: f.profile_id,
                message: f.message,
                path: f.path,
                fix_hint: f.fix_hint,
                fix: f.fix.map(|x| x.describe(location)),
                key: f.key,
            })
            .collect(),
        took_us,
        read_at,
    }
}

impl PanelService {
    /// The native doctor now, and where OpenClaw's doctor stands.
    pub async fn doctor(&self) -> Result<DoctorView, ServiceError> {
        let this = self.clone();
        let native = crate::error::blocking("native doctor task failed", move || {
            let started = std::time::Instant::now();
            let snapshot = this.snapshot_blocking();
            let report = openclaw_state::doctor::run(&snapshot);
            let took = started.elapsed().as_micros() as u64;
            native_view(report, &snapshot.location, took, super::format_utc(snapshot.now_ms))
        })
        .await?;
        Ok(DoctorView { native, openclaw: self.openclaw_doctor.view() })
    }

    /// Applies the fix of finding `key` (found again on a fresh read first), and logs it.
    #[tracing::instrument(skip_all, fields(action = "doctor-fix"))]
    pub async fn doctor_fix(&self, actor: &str, key: String) -> Result<FixOutcome, ServiceError> {
        let this = self.clone();
        let actor = actor.to_owned();
        let (mut outcome, written) = crate::error::blocking("doctor fix task failed", move || {
            let snapshot = this.snapshot_blocking();
            let result = fix::apply(&this.writer(), &snapshot, &key);
            if let Some(dir) = &this.config().data_dir {
                let entry = match &result {
                    Ok(applied) => {
                        let mut changes = vec![applied.did.clone()];
                        if let Some(r) = &applied.report {
                            changes.extend(r.changes.iter().cloned());
                        }
                        let target = AuditTarget::new(
                            applied.finding.agent.clone().unwrap_or_default(),
                            applied.finding.provider.clone(),
                            applied.finding.profile_id.clone(),
                        );
                        AuditEntry::new(&actor, AuditAction::DoctorFix, target, Ok(changes))
                    }
                    Err(e) => {
                        AuditEntry::new(&actor, AuditAction::DoctorFix, AuditTarget::default(), Err(e.to_string()))
                    }
                };
                if let Err(e) = AuditLog::in_dir(dir).append(&entry) {
                    tracing::error!(error = %e, "cannot write the audit log");
                }
            }
            match result {
                Ok(applied) => {
                    // A fix that changed an agent's credentials (not a file mode or a lock).
                    let written = applied.report.as_ref().map(|r| (r.agent.clone(), r.profile_id.clone()));
                    let changes = applied.report.map(|r| r.changes).unwrap_or_default();
                    Ok((FixOutcome { did: applied.did, changes }, written))
                }
                Err(fix::FixError::Write(e)) => {
                    tracing::warn!(error = %e, "a doctor fix was refused");
                    Err(ServiceError::Refused(e.to_string()))
                }
                Err(e) => Err(ServiceError::Refused(e.to_string())),
            }
        })
        .await??;
        // The running gateway is told, as after a change from the profiles page.
        if let Some((agent, profile_id)) = written.filter(|(agent, _)| !agent.is_empty())
            && let Ok(target) = self.gateway_target().await
        {
            let (_, note) = self.apply_note_recorded(target, &agent, profile_id.as_deref(), false).await;
            outcome.changes.push(note);
        }
        Ok(outcome)
    }

    /// Starts OpenClaw's doctor in the background (if none runs); returns where it stands.
    pub async fn openclaw_doctor_start(&self) -> Result<OpenClawDoctorView, ServiceError> {
        let this = self.clone();
        let scrubber = crate::error::blocking("state read task failed", move || {
            crate::scrub::Scrubber::from_snapshot(&this.snapshot_blocking())
        })
        .await?;
        let scrub = move |text: String| scrubber.scrub(&text);
        self.openclaw_doctor.start(scrub).map_err(ServiceError::Refused)?;
        Ok(self.openclaw_doctor.view())
    }

    pub fn openclaw_doctor_status(&self) -> OpenClawDoctorView {
        self.openclaw_doctor.view()
    }
}
