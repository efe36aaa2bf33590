//! Eras A and B: `auth-profiles.json` and (from 2026.4.6) `auth-state.json` in the agent dir.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{AuthStore, StoreError};

/// The credential file in an agent dir.
pub const PROFILES_FILE: &str = "auth-profiles.json";
/// The era-B state file beside it.
pub const STATE_FILE: &str = "auth-state.json";

/// Reads a JSON document; `Ok(None)` when the file does not exist.
pub fn read_json(path: &Path) -> Result<Option<Value>, StoreError> {
    let bytes = match crate::bounded::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(StoreError::Io { path: path.to_path_buf(), source }),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| StoreError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// What the JSON files of one agent dir hold.
#[derive(Debug, Default)]
pub struct JsonStore {
    pub store: AuthStore,
    /// Whether `auth-profiles.json` exists (and holds a store).
    pub has_profiles_file: bool,
    /// Whether `auth-state.json` exists: the mark of era B.
    pub has_state_file: bool,
    pub profiles_path: PathBuf,
    pub state_path: PathBuf,
}

/// Reads the JSON store of an agent dir. Each file's error is returned beside whatever the other
/// file gave, so a broken `auth-state.json` still shows the profiles.
pub fn read_agent_dir(dir: &Path) -> (JsonStore, Vec<StoreError>) {
    let profiles_path = dir.join(PROFILES_FILE);
    let state_path = dir.join(STATE_FILE);
    let mut errors = Vec::new();
    let profiles_doc = match read_json(&profiles_path) {
        Ok(Some(doc)) if doc.get("profiles").is_some_and(Value::is_object) => Some(doc),
        Ok(Some(_)) => {
            errors.push(StoreError::NotAStore { path: profiles_path.clone() });
            None
        }
        Ok(None) => None,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let state_exists = state_path.exists();
    let state_doc = match read_json(&state_path) {
        Ok(doc) => doc,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let profiles_file_exists = profiles_path.exists();
    let store = AuthStore::from_values(profiles_doc.as_ref(), state_doc.as_ref());
    (
        JsonStore {
            store,
            has_profiles_file: profiles_file_exists,
            has_state_file: state_exists,
            profiles_path,
            state_path,
        },
        errors,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_state_file_keeps_profiles() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PROFILES_FILE),
            r#"{"version":1,"profiles":{"openai:default":{"type":"api_key","provider":"openai","key":"sk-1"}}}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join(STATE_FILE), "{\"version\":1,").unwrap();
        let (json, errors) = read_agent_dir(dir.path());
        assert_eq!(json.store.profiles.len(), 1);
        assert!(json.has_state_file);
        assert_eq!(errors.len(), 1);
        let msg = errors[0].to_string();
        assert!(msg.contains("auth-state.json is not valid JSON (line 1"), "{msg}");
    }

    #[test]
    fn flat_legacy_file_is_not_a_store() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PROFILES_FILE), r#"{"anthropic":{"apiKey":"x"}}"#).unwrap();
        let (json, errors) = read_agent_dir(dir.path());
        assert!(json.store.is_empty());
        assert!(matches!(errors[0], StoreError::NotAStore { .. }));
        assert!(errors[0].hint().contains("doctor --fix"));
    }

    #[test]
    fn missing_files_are_not_errors() {
        let dir = tempfile::tempdir().unwrap();
        let (json, errors) = read_agent_dir(dir.path());
        assert!(errors.is_empty());
        assert!(!json.has_profiles_file && !json.has_state_file);
    }
}
