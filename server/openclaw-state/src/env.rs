//! Credentials OpenClaw takes from the environment (facts file §1.4): the process environment,
//! `<state>/.env`, and the config's `env` block, in that precedence ("never override an existing
//! value").

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use secrecy::{ExposeSecret, SecretString};

use crate::problem::Problem;
use crate::providers::PROVIDER_ENV_VARS;

/// Where an environment credential came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvSource {
    /// The environment of the process reading the state.
    Process,
    /// `<state>/.env`.
    DotEnv(PathBuf),
    /// `env.vars` / `env.KEY` in `openclaw.json`.
    Config(PathBuf),
}

impl EnvSource {
    /// A short name for the page: `env`, `.env`, `config env`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Process => "process env",
            Self::DotEnv(_) => ".env",
            Self::Config(_) => "config env",
        }
    }
}

/// One variable's value and origin.
#[derive(Debug, Clone)]
pub struct EnvValue {
    pub value: SecretString,
    pub source: EnvSource,
}

/// All environment values that matter for model auth, with their winning source.
#[derive(Debug, Clone, Default)]
pub struct EnvCredentials {
    pub values: IndexMap<String, EnvValue>,
    /// Every variable set in `.env`, in file order (names only matter to the page).
    pub dotenv_keys: Vec<String>,
}

impl EnvCredentials {
    /// The first non-empty variable for `provider` from `vars`, with its name.
    pub fn for_provider<'a>(&'a self, vars: &[&'a str]) -> Option<(&'a str, &'a EnvValue)> {
        vars.iter().find_map(|var| {
            self.values.get(*var).filter(|v| !v.value.expose_secret().trim().is_empty()).map(|v| (*var, v))
        })
    }
}

/// The process environment, passed in so tests and the demo control it.
pub type ProcessEnv = HashMap<String, String>;

/// Reads the process environment. All of it: a SecretRef may name any variable.
pub fn process_env() -> ProcessEnv {
    std::env::vars().collect()
}

/// Whether a variable name is one OpenClaw reads a provider credential from.
pub fn is_credential_var(name: &str) -> bool {
    PROVIDER_ENV_VARS.iter().any(|(_, vars)| vars.contains(&name))
}

/// Reads a `.env` file with the `dotenv` grammar OpenClaw uses. Lines that do not parse are
/// reported and skipped; the rest is kept.
pub fn read_dotenv(path: &Path) -> (Vec<(String, String)>, Vec<Problem>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    // Read with the size cap first, then parsed from memory.
    let bytes = match crate::bounded::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (out, problems),
        Err(e) => {
            let hint = if e.kind() == std::io::ErrorKind::InvalidData {
                "Look at what filled the file; OpenClaw's .env holds a few KEY=value lines."
            } else {
                "Check the file's permissions."
            };
            problems.push(Problem::error(path, format!("cannot read: {e}"), hint));
            return (out, problems);
        }
    };
    for item in dotenvy::from_read_iter(bytes.as_slice()) {
        match item {
            Ok(pair) => out.push(pair),
            Err(e) => problems.push(Problem::warning(
                path,
                format!("a line does not parse: {}", describe(&e)),
                "Write each setting as KEY=value on its own line; quote values with spaces or '#'.",
            )),
        }
    }
    (out, problems)
}

/// Describes a dotenv error without echoing the line (it may hold a secret).
fn describe(e: &dotenvy::Error) -> String {
    match e {
        dotenvy::Error::LineParse(_, index) => format!("syntax error at character {index} of the line"),
        dotenvy::Error::Io(io) => io.to_string(),
        dotenvy::Error::EnvVar(v) => v.to_string(),
        _ => "unrecognised content".to_owned(),
    }
}

/// Merges the three sources with OpenClaw's precedence.
pub fn collect(
    process: &ProcessEnv,
    dotenv_path: &Path,
    config_path: &Path,
    config_vars: &[(String, String)],
) -> (EnvCredentials, Vec<Problem>) {
    let mut creds = EnvCredentials::default();
    for (k, v) in process {
        creds.values.insert(k.clone(), EnvValue { value: SecretString::from(v.clone()), source: EnvSource::Process });
    }
    let (dotenv, problems) = read_dotenv(dotenv_path);
    for (k, v) in dotenv {
        creds.dotenv_keys.push(k.clone());
        creds.values.entry(k).or_insert_with(|| EnvValue {
            value: SecretString::from(v),
            source: EnvSource::DotEnv(dotenv_path.to_path_buf()),
        });
    }
    for (k, v) in config_vars {
        creds.values.entry(k.clone()).or_insert_with(|| EnvValue {
            value: SecretString::from(v.clone()),
            source: EnvSource::Config(config_path.to_path_buf()),
        });
    }
    (creds, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_process_then_dotenv_then_config() {
        let dir = tempfile::tempdir().unwrap();
        let dotenv = dir.path().join(".env");
        std::fs::write(&dotenv, "# keys\nOPENAI_API_KEY=from-dotenv\nGROQ_API_KEY=\"quoted value\"\n").unwrap();
        let process: ProcessEnv = [("OPENAI_API_KEY".to_owned(), "from-process".to_owned())].into();
        let config =
            vec![("GROQ_API_KEY".to_owned(), "from-config".to_owned()), ("XAI_API_KEY".to_owned(), "x".to_owned())];
        let (creds, problems) = collect(&process, &dotenv, Path::new("cfg"), &config);
        assert!(problems.is_empty());
        assert_eq!(creds.values["OPENAI_API_KEY"].source, EnvSource::Process);
        assert_eq!(creds.values["GROQ_API_KEY"].value.expose_secret(), "quoted value");
        assert!(matches!(creds.values["XAI_API_KEY"].source, EnvSource::Config(_)));
        assert_eq!(creds.dotenv_keys, ["OPENAI_API_KEY", "GROQ_API_KEY"]);
        let (var, _) = creds.for_provider(&["ANTHROPIC_OAUTH_TOKEN", "OPENAI_API_KEY"]).unwrap();
        assert_eq!(var, "OPENAI_API_KEY");
    }

    #[test]
    fn bad_lines_are_reported_without_their_content() {
        let dir = tempfile::tempdir().unwrap();
        let dotenv = dir.path().join(".env");
        std::fs::write(&dotenv, "GOOD=1\nthis is not a setting sk-secret-value\nLATER=2\n").unwrap();
        let (pairs, problems) = read_dotenv(&dotenv);
        assert!(pairs.iter().any(|(k, _)| k == "GOOD"));
        assert_eq!(problems.len(), 1);
        assert!(!problems[0].message.contains("sk-secret"));
    }
}
