//! An agent's `models.json` (`<agentDir>/models.json`): the provider catalogue OpenClaw keeps per
//! agent, whose `providers.<id>.apiKey` is a credential source `models status` reports.
//!
//! Read once, by [`crate::snapshot::read_state`], never during status: the analysis and every
//! renderer work on what was read. Only the `apiKey` strings are kept, wrapped as secrets; an
//! env-var name marker (`"OPENROUTER_API_KEY"`) is kept as written and resolved by the analysis.
//! A missing file is normal; one that cannot be read or parsed is a [`Problem`], never a failure.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::problem::Problem;
use crate::providers::normalize_provider;

/// The file name inside an agent dir.
pub const MODELS_JSON: &str = "models.json";

/// What the panel keeps of one agent's `models.json`.
#[derive(Debug, Clone)]
pub struct ModelsJson {
    pub path: PathBuf,
    /// `providers.<id>.apiKey` string values, provider ids normalised, in file order.
    pub api_keys: Vec<(String, SecretString)>,
}

/// Reads `<dir>/models.json`; `Ok(None)` when there is none.
pub fn read(dir: &Path) -> Result<Option<ModelsJson>, Problem> {
    let path = dir.join(MODELS_JSON);
    let bytes = match crate::bounded::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Problem::warning(
                &path,
                format!("cannot read: {e}"),
                "Check the file's permissions; until then its provider keys are not counted.",
            ));
        }
    };
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        // serde_json's message names a line and column, never the content.
        Problem::warning(
            &path,
            format!("not valid JSON: {e}"),
            "OpenClaw regenerates models.json; fix or remove it. Until then its provider keys are not counted.",
        )
    })?;
    let api_keys = value
        .get("providers")
        .and_then(|v| v.as_object())
        .map(|providers| {
            providers
                .iter()
                .filter_map(|(id, cfg)| {
                    let key = cfg.get("apiKey")?.as_str()?;
                    Some((normalize_provider(id), SecretString::from(key.to_owned())))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(ModelsJson { path, api_keys }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn missing_is_none_broken_is_a_problem_without_content() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path()).unwrap().is_none());
        std::fs::write(dir.path().join(MODELS_JSON), "{\"providers\": {\"x\": {\"apiKey\": \"sk-secret-1234").unwrap();
        let problem = read(dir.path()).unwrap_err();
        assert!(!problem.message.contains("sk-secret"), "{}", problem.message);
        std::fs::write(
            dir.path().join(MODELS_JSON),
            r#"{"providers":{"OpenRouter":{"apiKey":"OPENROUTER_API_KEY"},"x":{"apiKey":7},"y":{}}}"#,
        )
        .unwrap();
        let read = read(dir.path()).unwrap().unwrap();
        assert_eq!(read.api_keys.len(), 1);
        assert_eq!(read.api_keys[0].0, "openrouter");
        assert_eq!(read.api_keys[0].1.expose_secret(), "OPENROUTER_API_KEY");
    }
}
