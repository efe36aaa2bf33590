//! Checks on the files themselves: modes, stale locks, leftover temp files, `.env` lines that do
//! not parse, legacy files OpenClaw no longer reads, and whatever the reader could not read.

use std::collections::{BTreeSet, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{Finding, FindingDraft, Fix, shown};
use crate::problem::Severity;
use crate::snapshot::StateSnapshot;
use crate::write::lock::{LockState, inspect};

/// A temp file younger than this may belong to a writer still at work.
const TEMP_GRACE: Duration = Duration::from_secs(60);

/// Findings about files are keyed by the file.
fn draft(check: &'static str, subject: &Path) -> FindingDraft<'static> {
    FindingDraft { check, agent: None, provider: None, profile_id: None, subject: Some(subject.display().to_string()) }
}

pub(super) fn run(snapshot: &StateSnapshot, out: &mut Vec<Finding>) {
    if !snapshot.state_dir_exists {
        return;
    }
    let files = credential_files(snapshot);
    permissions(snapshot, &files, out);
    locks_and_temps(snapshot, &files, out);
    dotenv(snapshot, out);
    legacy(snapshot, out);
    read_problems(snapshot, out);
}

/// Every file that holds credentials, state or config, and exists, with its metadata (one
/// `stat` each: the permission check reads the mode from it).
fn credential_files(snapshot: &StateSnapshot) -> Vec<(PathBuf, std::fs::Metadata)> {
    let loc = &snapshot.location;
    let mut files: BTreeSet<PathBuf> = BTreeSet::new();
    files.insert(loc.config_path.clone());
    files.insert(loc.dotenv_path());
    files.insert(loc.shared_db_path());
    files.insert(loc.state_dir.join("credentials").join("oauth.json"));
    for agent in &snapshot.agents {
        files.insert(agent.store_path.clone());
        files.insert(agent.state_path.clone());
        for name in ["auth-profiles.json", "auth-state.json", "openclaw-agent.sqlite", "auth.json"] {
            files.insert(agent.dir.join(name));
        }
    }
    files
        .into_iter()
        .filter_map(|p| std::fs::metadata(&p).ok().filter(std::fs::Metadata::is_file).map(|m| (p, m)))
        .collect()
}

#[cfg(unix)]
fn mode_of(metadata: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(metadata.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn mode_of(_: &std::fs::Metadata) -> Option<u32> {
    None
}

fn permissions(snapshot: &StateSnapshot, files: &[(PathBuf, std::fs::Metadata)], out: &mut Vec<Finding>) {
    let dir = &snapshot.location.state_dir;
    if let Some(mode) = std::fs::metadata(dir).ok().as_ref().and_then(mode_of).filter(|m| m & 0o077 != 0) {
        out.push(draft("state-dir-permissions", dir).finish(
            format!("the state dir has mode {mode:o}: other users of this host can look inside"),
            shown(snapshot, dir),
            "chmod 700 the state dir (the fix does it).".to_owned(),
            Some(Fix::Chmod { path: dir.clone(), mode: 0o700 }),
        ));
    }
    for (file, metadata) in files {
        let Some(mode) = mode_of(metadata).filter(|m| m & 0o077 != 0) else { continue };
        out.push(draft("file-permissions", file).finish(
            format!("{} has mode {mode:o}: readable by group or others, and it holds secrets", shown(snapshot, file)),
            shown(snapshot, file),
            "chmod 600 the file (the fix does it).".to_owned(),
            Some(Fix::Chmod { path: file.clone(), mode: 0o600 }),
        ));
    }
}

fn locks_and_temps(snapshot: &StateSnapshot, files: &[(PathBuf, std::fs::Metadata)], out: &mut Vec<Finding>) {
    let now = SystemTime::now();
    // Each directory listed once (an agent's dir holds several of these files): a lock or a
    // temp file can only sit beside its file, so the listing says whether to look closer.
    let mut listings: HashMap<&Path, Option<Vec<OsString>>> = HashMap::new();
    for (file, _) in files {
        let Some(dir) = file.parent() else { continue };
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let listing = listings.entry(dir).or_insert_with(|| {
            std::fs::read_dir(dir).ok().map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        });
        // Unlisted (unreadable dir): look anyway, as for a lock that is there.
        let lock_name = OsString::from(format!("{name}.lock"));
        let lock_there = listing.as_ref().is_none_or(|names| names.contains(&lock_name));
        if lock_there
            && let lock = crate::write::lock::lock_path_for(file)
            && let Ok(Some(LockState::Stale)) = inspect(&lock)
        {
            out.push(draft("stale-lock", &lock).finish(
                format!(
                    "{} is a lock its writer left behind (the process is gone, or it is older than 30 s); OpenClaw \
                     and the panel wait for it before each write of {}",
                    shown(snapshot, &lock),
                    shown(snapshot, file)
                ),
                shown(snapshot, &lock),
                "Remove it (the fix checks again that it is stale first).".to_owned(),
                Some(Fix::RemoveStaleLock { path: lock.clone() }),
            ));
        }
        // Temp files are found only by listing (an unlistable dir hides them from any look).
        let temps = listing.as_deref().map(|names| crate::write::atomic::leftover_temps_among(dir, names, &name));
        for temp in temps.unwrap_or_default() {
            let old_enough = std::fs::metadata(&temp)
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > TEMP_GRACE);
            if !old_enough {
                continue;
            }
            out.push(draft("leftover-temp-file", &temp).finish(
                format!(
                    "{} is a temp file a killed writer left beside {}; it may hold a copy of the secrets",
                    shown(snapshot, &temp),
                    shown(snapshot, file)
                ),
                shown(snapshot, &temp),
                "Remove it (the fix does it).".to_owned(),
                Some(Fix::RemoveTempFile { path: temp.clone() }),
            ));
        }
    }
}

/// `.env` lines that do not parse, by line number (never the line: it may hold a secret).
fn dotenv(snapshot: &StateSnapshot, out: &mut Vec<Finding>) {
    let path = snapshot.location.dotenv_path();
    let Ok(text) = crate::bounded::read_to_string(&path) else { return };
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if dotenvy::from_read_iter(trimmed.as_bytes()).all(|item| item.is_ok()) {
            continue;
        }
        let number = index + 1;
        out.push(
            FindingDraft {
                check: "dotenv-unparsable",
                agent: None,
                provider: None,
                profile_id: None,
                subject: Some(format!("line {number}")),
            }
            .finish(
                format!(
                    "line {number} of {} does not parse; OpenClaw stops reading the file there or skips the line",
                    shown(snapshot, &path)
                ),
                format!("{}:{number}", shown(snapshot, &path)),
                "Write it as KEY=value; quote a value with spaces or '#' (\"…\"); or remove it (.env keys page)."
                    .to_owned(),
                None,
            ),
        );
    }
}

fn legacy(snapshot: &StateSnapshot, out: &mut Vec<Finding>) {
    for agent in &snapshot.agents {
        if agent.migration_required {
            let legacy = agent.dir.join("auth-profiles.json");
            out.push(
                FindingDraft {
                    check: "migration-required",
                    agent: Some(&agent.id),
                    provider: None,
                    profile_id: None,
                    subject: None,
                }
                .finish(
                    format!(
                        "agent {} still has credentials in a JSON store beside SQLite; OpenClaw 2026.6+ refuses its \
                         providers until they are imported",
                        agent.id
                    ),
                    shown(snapshot, &legacy),
                    "Run `openclaw doctor --fix` on the gateway host: it imports the JSON files into SQLite and \
                     archives them."
                        .to_owned(),
                    None,
                ),
            );
        }
        let auth_json = agent.dir.join("auth.json");
        if auth_json.is_file() {
            out.push(draft("legacy-auth-json", &auth_json).finish(
                format!(
                    "{} is a pre-2026 credential file OpenClaw no longer reads as a store",
                    shown(snapshot, &auth_json)
                ),
                shown(snapshot, &auth_json),
                "Run `openclaw doctor --fix` to move its keys into auth profiles, then delete it.".to_owned(),
                None,
            ));
        }
    }
    let oauth = snapshot.location.state_dir.join("credentials").join("oauth.json");
    if oauth.is_file() {
        out.push(draft("legacy-oauth-json", &oauth).finish(
            format!("{} is a legacy OAuth file; current OpenClaw keeps OAuth in auth profiles", shown(snapshot, &oauth)),
            shown(snapshot, &oauth),
            "Run `openclaw doctor --fix` to import it, or log in again with `openclaw models auth login`; then delete it."
                .to_owned(),
            None,
        ));
    }
}

/// What the reader could not read, except what the checks above say better.
fn read_problems(snapshot: &StateSnapshot, out: &mut Vec<Finding>) {
    let dotenv = snapshot.location.dotenv_path();
    let legacy: BTreeSet<PathBuf> =
        snapshot.agents.iter().filter(|a| a.migration_required).map(|a| a.dir.join("auth-profiles.json")).collect();
    for problem in &snapshot.problems {
        if problem.path == dotenv || legacy.contains(&problem.path) {
            continue;
        }
        let subject = format!("{}|{}", problem.path.display(), problem.message);
        out.push(
            FindingDraft {
                check: "unreadable-file",
                agent: None,
                provider: None,
                profile_id: None,
                subject: Some(subject),
            }
            .finish_as(
                if problem.severity == Severity::Info { Severity::Info } else { problem.severity },
                problem.message.clone(),
                shown(snapshot, &problem.path),
                problem.hint.clone(),
                None,
            ),
        );
    }
}
