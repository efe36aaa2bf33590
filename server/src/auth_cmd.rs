//! `auth …` and `env …`: the write engine on the command line. Secrets come from stdin (a
//! terminal prompt without echo, or a pipe), never argv. Exit codes: 0 written, 1 refused or
//! failed (nothing changed), 2 bad usage (clap).

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use openclaw_state::write::engine::{Revision, WriteError, WriteReport, Writer};
use openclaw_state::write::normalize::SecretKind;
use secrecy::SecretString;

use crate::cli::{AuthCommand, EnvCommand, KeyDestination, OrderCommand, WriteArgs};
use panel_service::audit::{AuditAction, AuditLog, AuditTarget, entry_for_write};

pub(crate) fn read_secret(prompt: &str) -> Result<SecretString, String> {
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).map(SecretString::from).map_err(|e| format!("cannot read the secret: {e}"))
    } else {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read stdin: {e}"))?;
        Ok(SecretString::from(text))
    }
}

impl WriteArgs {
    /// `--if-version`: the revision the change is based on (an opaque token printed earlier).
    fn base(&self) -> Option<Revision> {
        self.if_version.as_deref().map(Revision::from_token)
    }
}

/// With `--apply`: whether the gateway's port accepted a connection before the write (asked by
/// [`writer`], which every write command calls first, read by [`finish`]); a gateway that
/// restarts itself because of the write refuses the apply for a moment.
static GATEWAY_LISTENED_BEFORE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

fn writer(args: &WriteArgs) -> Writer {
    if args.apply {
        GATEWAY_LISTENED_BEFORE.get_or_init(|| crate::gateway_cmd::listening(&args.state));
    }
    let writer = Writer::new(crate::serve::panel_config(&args.state).location);
    // Said before the write: a JSON5 config loses its comments when OpenClaw (or we) rewrite it.
    let config = &writer.location().config_path;
    if let Ok(doc) = openclaw_state::write::config_edit::ConfigDoc::read(config)
        && doc.is_json5
    {
        eprintln!(
            "openclaw-auth-panel: note: {} uses JSON5 syntax (comments, trailing commas…). A change that touches \
             it rewrites it as plain JSON, as OpenClaw itself does on every config write; the old text is kept in \
             {}.bak.",
            config.display(),
            config.display()
        );
    }
    writer
}

/// `cli:<user>`: `$USER`/`$LOGNAME`, else the name of this process's uid in `/etc/passwd` (a
/// systemd unit or `sudo -u` may run without them), else `uid <n>`.
pub fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(user_from_passwd)
        .unwrap_or_else(|| "unknown".into());
    format!("cli:{user}")
}

#[cfg(unix)]
fn user_from_passwd() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid.to_string()).then(|| name.to_owned())
    });
    Some(name.unwrap_or_else(|| format!("uid {uid}")))
}

#[cfg(not(unix))]
fn user_from_passwd() -> Option<String> {
    None
}

/// Prints the result, writes the audit line, returns the exit code.
fn finish(
    args: &WriteArgs,
    action: AuditAction,
    target: AuditTarget,
    result: Result<WriteReport, WriteError>,
) -> ExitCode {
    let log = AuditLog::in_dir(&args.data.resolve());
    let code = match &result {
        Ok(report) => {
            // --apply: the running gateway is told (a change to one agent's credentials only;
            // `.env` is read by the gateway only when it starts).
            let applied = (args.apply && !report.agent.is_empty() && !report.files.is_empty()).then(|| {
                let before = GATEWAY_LISTENED_BEFORE.get().copied().unwrap_or(false);
                crate::gateway_cmd::apply_note(&args.state, &report.agent, report.profile_id.as_deref(), before)
            });
            if args.json {
                let mut body = serde_json::to_value(report).unwrap_or_default();
                if let Some((must_restart, note)) = &applied {
                    body["gateway"] = serde_json::json!({ "mustRestart": must_restart, "note": note });
                }
                println!("{}", serde_json::to_string_pretty(&body).unwrap_or_default());
            } else {
                for change in &report.changes {
                    println!("{change}");
                }
                for file in &report.files {
                    println!("  wrote {}", file.display());
                }
                for hint in &report.hints {
                    println!("hint: {}", hint.message);
                }
                for warning in &report.warnings {
                    println!("warning: {warning}");
                }
                match &applied {
                    Some((_, note)) => println!("{note}"),
                    None if !report.files.is_empty() => println!("{}", report.restart_note),
                    None => {}
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            if args.json {
                let mut body = serde_json::json!({ "ok": false, "error": error.to_string() });
                if let WriteError::Conflict { current, found, .. } = error {
                    body["conflict"] = serde_json::json!({ "current": current, "version": found });
                }
                println!("{}", serde_json::to_string_pretty(&body).unwrap_or_default());
            }
            eprintln!("openclaw-auth-panel: {error}");
            ExitCode::FAILURE
        }
    };
    let entry = entry_for_write(&actor(), action, target, &result, WriteError::to_string);
    if let Err(e) = log.append(&entry) {
        eprintln!("openclaw-auth-panel: warning: cannot write the audit log {}: {e}", log.path().display());
    }
    code
}

pub fn run_auth(command: AuthCommand) -> ExitCode {
    match command {
        AuthCommand::PasteToken(a) => {
            let secret = match read_secret(&format!("Paste token for {}: ", a.provider)) {
                Ok(s) => s,
                Err(e) => return usage(&e),
            };
            let result = writer(&a.write).paste(
                a.agent.as_deref(),
                &a.provider,
                a.profile_id.as_deref(),
                SecretKind::Token,
                &secret,
                a.expires_in.as_deref(),
                a.strict,
                a.write.base().as_ref(),
            );
            finish(
                &a.write,
                AuditAction::PasteToken,
                AuditTarget::new(a.agent.clone().unwrap_or_default(), Some(a.provider.clone()), None),
                result,
            )
        }
        AuthCommand::PasteApiKey(a) => {
            let secret = match read_secret(&format!("Paste API key for {}: ", a.provider)) {
                Ok(s) => s,
                Err(e) => return usage(&e),
            };
            let w = writer(&a.write);
            let result = match a.to {
                KeyDestination::Store => w.paste(
                    a.agent.as_deref(),
                    &a.provider,
                    a.profile_id.as_deref(),
                    SecretKind::ApiKey,
                    &secret,
                    None,
                    a.strict,
                    a.write.base().as_ref(),
                ),
                KeyDestination::Env => w.paste_api_key_to_env(&a.provider, &secret, a.strict, a.write.base().as_ref()),
            };
            finish(
                &a.write,
                AuditAction::PasteApiKey,
                AuditTarget::new(a.agent.clone().unwrap_or_default(), Some(a.provider.clone()), None),
                result,
            )
        }
        AuthCommand::Order(o) => match o.command {
            OrderCommand::Get { provider, agent, write } => match writer(&write).order_get(agent.as_deref(), &provider)
            {
                Ok(order) => {
                    if write.json {
                        println!("{}", serde_json::json!({ "provider": provider, "order": order }));
                    } else {
                        for id in order.unwrap_or_default() {
                            println!("{id}");
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("openclaw-auth-panel: {e}");
                    ExitCode::FAILURE
                }
            },
            OrderCommand::Set { provider, agent, ids, write } => {
                let result = writer(&write).order_set(agent.as_deref(), &provider, &ids, write.base().as_ref());
                finish(
                    &write,
                    AuditAction::OrderSet,
                    AuditTarget::new(agent.unwrap_or_default(), Some(provider), None),
                    result,
                )
            }
            OrderCommand::Clear { provider, agent, write } => {
                let result = writer(&write).order_clear(agent.as_deref(), &provider, write.base().as_ref());
                finish(
                    &write,
                    AuditAction::OrderClear,
                    AuditTarget::new(agent.unwrap_or_default(), Some(provider), None),
                    result,
                )
            }
        },
        AuthCommand::Remove(p) => {
            let result = writer(&p.write).remove(p.agent.as_deref(), &p.profile_id, p.write.base().as_ref());
            finish(
                &p.write,
                AuditAction::Remove,
                AuditTarget::new(p.agent.unwrap_or_default(), None, Some(p.profile_id)),
                result,
            )
        }
        AuthCommand::ClearCooldown(p) => {
            let result = writer(&p.write).clear_cooldown(p.agent.as_deref(), &p.profile_id, p.write.base().as_ref());
            finish(
                &p.write,
                AuditAction::ClearCooldown,
                AuditTarget::new(p.agent.unwrap_or_default(), None, Some(p.profile_id)),
                result,
            )
        }
    }
}

pub fn run_env(command: EnvCommand) -> ExitCode {
    match command {
        EnvCommand::Set { key, write } => {
            let value = match read_secret(&format!("Value for {key}: ")) {
                Ok(s) => s,
                Err(e) => return usage(&e),
            };
            // A trailing newline from `echo` is not part of the value; an inner one is refused.
            let value = {
                use secrecy::ExposeSecret;
                SecretString::from(value.expose_secret().trim_end_matches(['\n', '\r']).to_owned())
            };
            let result = writer(&write).env_set(&key, &value, write.base().as_ref());
            finish(&write, AuditAction::EnvSet, AuditTarget::default(), result)
        }
        EnvCommand::Unset { key, write } => {
            let result = writer(&write).env_unset(&key, write.base().as_ref());
            finish(&write, AuditAction::EnvUnset, AuditTarget::default(), result)
        }
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("openclaw-auth-panel: {message}");
    ExitCode::from(2)
}
