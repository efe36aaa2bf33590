//! `env set | unset` and `paste-api-key --to env`: one line of `<state>/.env`, every other byte
//! kept. OpenClaw takes no lock for `.env`; ours keeps two panel writers apart. The file's
//! revision is the [`Revision`] of its bytes, checked under that lock.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Map;

use crate::write::engine::Writer;
use crate::write::engine::report::{ConflictView, HintView, WriteError, WriteReport};
use crate::write::engine::revision::Revision;
use crate::write::env_file::EnvChange;
use crate::write::lock::SidecarLock;
use crate::write::normalize::{self, InputError, SecretKind};
use crate::write::{atomic, env_file};

fn read_text(path: &Path) -> Result<Option<String>, WriteError> {
    match crate::bounded::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(WriteError::Io { path: path.to_owned(), source }),
    }
}

impl Writer {
    /// `env set KEY`: one line of `<state>/.env` added or replaced, every other byte kept.
    pub fn env_set(
        &self,
        key: &str,
        value: &SecretString,
        expected: Option<&Revision>,
    ) -> Result<WriteReport, WriteError> {
        let path = self.location.dotenv_path();
        let value = value.expose_secret();
        // The gateway loads this file into its own process: only credential variables are
        // written (what else is wrong with the input is reported first, by the edit itself).
        if env_file::valid_key(key)
            && !value.is_empty()
            && env_file::quote_value(value).is_ok()
            && !env_file::is_writable_credential_key(key)
        {
            return Err(WriteError::Env(env_file::EnvEditError::NotACredential(key.to_owned())));
        }
        let mask = crate::mask::mask_secret(value);
        let mut report = self.edit_env(&path, expected, |text| {
            let (out, change) = env_file::set(text, key, value).map_err(WriteError::Env)?;
            Ok((out, change, format!("{change} {key}={mask} in {}", path.display())))
        })?;
        report.masked = Some(mask);
        Ok(report)
    }

    /// `env unset KEY`: every line defining it removed.
    pub fn env_unset(&self, key: &str, expected: Option<&Revision>) -> Result<WriteReport, WriteError> {
        let path = self.location.dotenv_path();
        self.edit_env(&path, expected, |text| {
            let (out, change) = env_file::unset(text, key).map_err(WriteError::Env)?;
            Ok((out, change, format!("{change} {key} in {}", path.display())))
        })
    }

    /// The revision of `<state>/.env` now.
    pub fn env_version(&self) -> Result<Revision, WriteError> {
        let text = read_text(&self.location.dotenv_path())?;
        Ok(Revision::of(&[text.as_deref()]))
    }

    /// `paste-api-key --to env`: the provider's `*_API_KEY` variable in `<state>/.env`.
    pub fn paste_api_key_to_env(
        &self,
        provider: &str,
        raw_secret: &SecretString,
        strict: bool,
        expected: Option<&Revision>,
    ) -> Result<WriteReport, WriteError> {
        let provider = crate::providers::normalize_provider(provider);
        if provider.is_empty() {
            return Err(InputError::EmptyProvider.into());
        }
        let prepared = normalize::prepare_secret(&provider, SecretKind::ApiKey, raw_secret.expose_secret())?;
        if strict && let Some(h) = prepared.hints.iter().find(|h| h.needs_confirmation()) {
            return Err(InputError::Strict(h.message()).into());
        }
        let var = crate::providers::api_key_env_var(&provider);
        let mut report = self.env_set(&var, &prepared.value, expected)?;
        report.hints = prepared.hints.into_iter().map(HintView::from).collect();
        Ok(report)
    }

    fn edit_env(
        &self,
        path: &Path,
        expected: Option<&Revision>,
        edit: impl FnOnce(&str) -> Result<(String, EnvChange, String), WriteError>,
    ) -> Result<WriteReport, WriteError> {
        let _lock = SidecarLock::acquire(path, self.retry)?;
        atomic::remove_own_leftovers(path);
        let before = read_text(path)?;
        let found = Revision::of(&[before.as_deref()]);
        if let Some(e) = expected
            && *e != found
        {
            return Err(WriteError::Conflict {
                expected: e.clone(),
                found,
                current: Box::new(ConflictView { orders: Map::new(), profile_ids: Vec::new() }),
            });
        }
        let (after, kind, change) = edit(before.as_deref().unwrap_or(""))?;
        let mut files = Vec::new();
        if before.as_deref() != Some(after.as_str()) {
            atomic::replace_file(path, after.as_bytes()).map_err(WriteError::io(path))?;
            files.push(path.to_owned());
        }
        Ok(WriteReport {
            agent: String::new(),
            era: "env",
            changes: vec![change],
            files,
            hints: Vec::new(),
            warnings: Vec::new(),
            restart_gateway: true,
            restart_note: "Restart the gateway (`openclaw gateway restart`): it reads .env only when it starts.".into(),
            version: Revision::of(&[Some(after.as_str())]),
            profile_id: None,
            masked: None,
            env_change: Some(kind),
        })
    }
}
