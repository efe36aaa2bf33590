//! Where OpenClaw keeps its state, resolved with OpenClaw's own precedence (facts file §1.1).

use std::path::{Path, PathBuf};

/// The state dir and config file the panel reads, plus the home dir used to expand `~`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateLocation {
    pub state_dir: PathBuf,
    pub config_path: PathBuf,
    pub home: PathBuf,
}

/// A view of the environment variables that decide the paths; a trait-free struct so tests pass
/// values in instead of mutating the process environment.
#[derive(Debug, Clone, Default)]
pub struct PathEnv {
    pub openclaw_home: Option<String>,
    pub home: Option<String>,
    pub state_dir: Option<String>,
    pub config_path: Option<String>,
}

impl PathEnv {
    pub fn from_process() -> Self {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Self {
            openclaw_home: get("OPENCLAW_HOME"),
            home: get("HOME").or_else(|| get("USERPROFILE")),
            state_dir: get("OPENCLAW_STATE_DIR"),
            config_path: get("OPENCLAW_CONFIG_PATH"),
        }
    }
}

/// Expands a leading `~` with `home`, as OpenClaw does for paths in env vars and config.
pub fn expand_tilde(path: &str, home: &Path) -> PathBuf {
    let path = path.trim();
    if path == "~" {
        home.to_path_buf()
    } else if let Some(rest) = path.strip_prefix("~/") {
        home.join(rest)
    } else {
        PathBuf::from(path)
    }
}

const LEGACY_STATE_DIRS: &[&str] = &[".clawdbot", ".moltbot", ".moldbot"];
const CONFIG_NAMES: &[&str] = &["openclaw.json", "clawdbot.json", "moltbot.json", "moldbot.json"];

impl StateLocation {
    /// Resolves the state dir and config path. Explicit values (command-line flags) win over the
    /// environment; then OpenClaw's rules: `OPENCLAW_STATE_DIR`, else `<home>/.openclaw` (or a legacy
    /// dir when only that exists); config `OPENCLAW_CONFIG_PATH`, else the first existing of
    /// `openclaw.json` / legacy names in the state dir, else `<state>/openclaw.json`.
    pub fn resolve(state_dir: Option<&Path>, config_path: Option<&Path>, env: &PathEnv) -> Self {
        let real_home = env.home.as_deref().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"));
        let home =
            env.openclaw_home.as_deref().map(|h| expand_tilde(h, &real_home)).unwrap_or_else(|| real_home.clone());
        let state_dir = match (state_dir, env.state_dir.as_deref()) {
            (Some(dir), _) => dir.to_path_buf(),
            (None, Some(dir)) => expand_tilde(dir, &home),
            (None, None) => {
                let default = home.join(".openclaw");
                if default.exists() {
                    default
                } else {
                    LEGACY_STATE_DIRS.iter().map(|name| home.join(name)).find(|p| p.is_dir()).unwrap_or(default)
                }
            }
        };
        let config_path = match (config_path, env.config_path.as_deref()) {
            (Some(path), _) => path.to_path_buf(),
            (None, Some(path)) => expand_tilde(path, &home),
            (None, None) => CONFIG_NAMES
                .iter()
                .map(|name| state_dir.join(name))
                .find(|p| p.is_file())
                .unwrap_or_else(|| state_dir.join("openclaw.json")),
        };
        // Relative paths are made absolute once, so every path shown or opened later is unambiguous.
        let absolute = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
        Self { state_dir: absolute(state_dir), config_path: absolute(config_path), home }
    }

    /// A location rooted at `state_dir` with the default config name, for tests and the demo
    /// (`~` still means the user's home when paths are shown).
    pub fn in_dir(state_dir: impl Into<PathBuf>) -> Self {
        let state_dir = state_dir.into();
        let home = PathEnv::from_process().home.map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"));
        Self { config_path: state_dir.join("openclaw.json"), home, state_dir }
    }

    /// `<state>/.env`, the global dotenv file OpenClaw trusts.
    pub fn dotenv_path(&self) -> PathBuf {
        self.state_dir.join(".env")
    }

    /// `<state>/state/openclaw.sqlite`, the shared store of era C.
    pub fn shared_db_path(&self) -> PathBuf {
        self.state_dir.join("state").join("openclaw.sqlite")
    }

    /// `<state>/agents`, where each agent has `<id>/agent`.
    pub fn agents_dir(&self) -> PathBuf {
        self.state_dir.join("agents")
    }

    /// Shortens a path under the home dir to `~/…` for display, as OpenClaw prints paths.
    pub fn display(&self, path: &Path) -> String {
        match path.strip_prefix(&self.home) {
            Ok(rest) if !self.home.as_os_str().is_empty() && self.home != Path::new("/") => {
                format!("~/{}", rest.display())
            }
            _ => path.display().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_openclaw() {
        let env = PathEnv { home: Some("/home/u".into()), ..Default::default() };
        let loc = StateLocation::resolve(None, None, &env);
        assert_eq!(loc.state_dir, PathBuf::from("/home/u/.openclaw"));
        assert_eq!(loc.config_path, PathBuf::from("/home/u/.openclaw/openclaw.json"));
    }

    #[test]
    fn env_and_flags_take_precedence() {
        let env = PathEnv {
            home: Some("/home/u".into()),
            openclaw_home: Some("~/alt".into()),
            state_dir: None,
            config_path: Some("~/cfg.json".into()),
        };
        let loc = StateLocation::resolve(None, None, &env);
        assert_eq!(loc.state_dir, PathBuf::from("/home/u/alt/.openclaw"));
        assert_eq!(loc.config_path, PathBuf::from("/home/u/alt/cfg.json"));

        let env = PathEnv { state_dir: Some("/srv/oc".into()), ..env };
        let loc = StateLocation::resolve(Some(Path::new("/flag")), None, &env);
        assert_eq!(loc.state_dir, PathBuf::from("/flag"));
        let loc = StateLocation::resolve(None, None, &PathEnv { config_path: None, ..env });
        assert_eq!(loc.state_dir, PathBuf::from("/srv/oc"));
        assert_eq!(loc.config_path, PathBuf::from("/srv/oc/openclaw.json"));
    }

    #[test]
    fn legacy_dir_used_when_only_it_exists() {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".clawdbot")).unwrap();
        std::fs::write(home.path().join(".clawdbot/clawdbot.json"), "{}").unwrap();
        let env = PathEnv { home: Some(home.path().display().to_string()), ..Default::default() };
        let loc = StateLocation::resolve(None, None, &env);
        assert_eq!(loc.state_dir, home.path().join(".clawdbot"));
        assert_eq!(loc.config_path, home.path().join(".clawdbot/clawdbot.json"));
    }

    #[test]
    fn display_shortens_home() {
        let loc = StateLocation {
            state_dir: "/h/.openclaw".into(),
            config_path: "/h/.openclaw/openclaw.json".into(),
            home: "/h".into(),
        };
        assert_eq!(loc.display(Path::new("/h/.openclaw/openclaw.json")), "~/.openclaw/openclaw.json");
        assert_eq!(loc.display(Path::new("/etc/x")), "/etc/x");
    }
}
