//! Where the gateway of a state dir listens and which credential it accepts, read as the gateway
//! itself resolves them (OpenClaw 2026.3.31–2026.9.6 agree, read in their dist):
//! - port: `OPENCLAW_GATEWAY_PORT`, else `gateway.port` in `openclaw.json`, else 18789 (a
//!   `--port` on the gateway's own command line cannot be seen from here);
//! - auth mode: `gateway.auth.mode`, else `password` when a password resolves, else `token`;
//! - secret: `gateway.auth.token` / `.password` from the config first (a string, `${VAR}`, or an
//!   env SecretRef), then `OPENCLAW_GATEWAY_TOKEN` / `OPENCLAW_GATEWAY_PASSWORD` from the
//!   environment (the panel's own, then `<state>/.env`).
//!
//! The panel always dials 127.0.0.1: `loopback` and `lan` binds listen there. Only where a secret
//! came from is ever shown.

use openclaw_state::StateLocation;
use openclaw_state::config::Config;
use secrecy::SecretString;
use serde::Serialize;
use serde_json::Value;

/// OpenClaw's default gateway port.
pub const DEFAULT_PORT: u16 = 18789;

/// How the gateway checks its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMode {
    None,
    Token,
    Password,
    TrustedProxy,
}

/// The gateway of one state dir: where to reach it and how to log in.
#[derive(Debug, Clone)]
pub struct GatewayTarget {
    pub port: u16,
    /// Where the port came from, in words.
    pub port_source: String,
    /// `gateway.bind` (default `loopback`).
    pub bind: String,
    /// `gateway.tls.enabled`: the panel does not speak TLS to the gateway.
    pub tls: bool,
    pub auth_mode: AuthMode,
    /// The token or password the gateway accepts, when the panel can know it.
    pub secret: Option<SecretString>,
    /// Where the secret came from (or why there is none), in words; never the value.
    pub secret_source: String,
    /// The panel's device key file for protocol-3 gateways (2026.3.x); `None`: connect without.
    pub device_key: Option<std::path::PathBuf>,
}

/// An environment to look variables up in (the panel's own, then `.env`'s).
pub trait Lookup {
    fn var(&self, name: &str) -> Option<(String, &'static str)>;
}

/// The panel's process environment (unless left out), then `<state>/.env`.
pub struct StateEnv {
    process: bool,
    dotenv: Vec<(String, String)>,
}

impl StateEnv {
    /// `process`: look in the panel's own environment first (`--no-process-env` says no).
    pub fn read(location: &StateLocation, process: bool) -> Self {
        let (dotenv, _problems) = openclaw_state::env::read_dotenv(&location.dotenv_path());
        Self { process, dotenv }
    }

    /// Only these `.env` values (tests).
    pub fn from_dotenv(dotenv: Vec<(String, String)>) -> Self {
        Self { process: false, dotenv }
    }
}

impl Lookup for StateEnv {
    fn var(&self, name: &str) -> Option<(String, &'static str)> {
        if self.process
            && let Ok(v) = std::env::var(name)
            && !v.trim().is_empty()
        {
            return Some((v, "the panel's environment"));
        }
        self.dotenv.iter().rev().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| (v.clone(), ".env"))
    }
}

impl GatewayTarget {
    /// The gateway of the state at `location` with config `config`, variables from `env`.
    pub fn resolve(config: Option<&Config>, env: &dyn Lookup) -> Self {
        let raw = config.map(|c| &c.raw).unwrap_or(&Value::Null);
        let gateway = raw.get("gateway").unwrap_or(&Value::Null);
        let (port, port_source) =
            match env.var("OPENCLAW_GATEWAY_PORT").and_then(|(v, from)| Some((v.trim().parse::<u16>().ok()?, from))) {
                Some((port, from)) => (port, format!("OPENCLAW_GATEWAY_PORT in {from}")),
                None => match gateway.get("port").and_then(Value::as_u64).and_then(|p| u16::try_from(p).ok()) {
                    Some(port) => (port, "gateway.port in openclaw.json".to_owned()),
                    None => (DEFAULT_PORT, "OpenClaw's default".to_owned()),
                },
            };
        let bind = gateway.get("bind").and_then(Value::as_str).unwrap_or("loopback").to_owned();
        let tls = gateway.pointer("/tls/enabled").and_then(Value::as_bool).unwrap_or(false);
        let auth = gateway.get("auth").unwrap_or(&Value::Null);
        let token = secret_of(auth.get("token"), "gateway.auth.token", "OPENCLAW_GATEWAY_TOKEN", env);
        let password = secret_of(auth.get("password"), "gateway.auth.password", "OPENCLAW_GATEWAY_PASSWORD", env);
        let auth_mode = match auth.get("mode").and_then(Value::as_str) {
            Some("none") => AuthMode::None,
            Some("password") => AuthMode::Password,
            Some("trusted-proxy") => AuthMode::TrustedProxy,
            Some(_) => AuthMode::Token,
            None if password.0.is_some() => AuthMode::Password,
            None => AuthMode::Token,
        };
        let (secret, secret_source) = match auth_mode {
            AuthMode::None => (None, "none needed (gateway.auth.mode is none)".to_owned()),
            AuthMode::TrustedProxy => (
                None,
                "the gateway trusts a proxy's headers (gateway.auth.mode trusted-proxy); the panel cannot log in"
                    .to_owned(),
            ),
            AuthMode::Token => token,
            AuthMode::Password => password,
        };
        Self { port, port_source, bind, tls, auth_mode, secret, secret_source, device_key: None }
    }

    /// `ws://127.0.0.1:<port>`.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }
}

/// A token or password: the config's value first (a string, `${VAR}`, or `{source: "env", id}`),
/// then the environment variable `fallback`.
fn secret_of(value: Option<&Value>, key: &str, fallback: &str, env: &dyn Lookup) -> (Option<SecretString>, String) {
    let from_env = |name: &str, what: String| match env.var(name) {
        Some((v, from)) => (Some(SecretString::from(v)), format!("{what} ({name} in {from})")),
        None => (None, format!("{what} names {name}, which is not set where the panel can see it")),
    };
    match value {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            match s.trim().strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                Some(name) => from_env(name, key.to_owned()),
                None => (Some(SecretString::from(s.clone())), format!("{key} in openclaw.json")),
            }
        }
        Some(Value::Object(r)) => {
            match (r.get("source").and_then(Value::as_str), r.get("id").and_then(Value::as_str)) {
                (Some("env"), Some(name)) => from_env(name, format!("{key} (a SecretRef)")),
                (Some(source), _) => (None, format!("{key} is a {source} SecretRef, which the panel does not resolve")),
                _ => (None, format!("{key} is an object the panel does not understand")),
            }
        }
        _ => match env.var(fallback) {
            Some((v, from)) => (Some(SecretString::from(v)), format!("{fallback} in {from}")),
            None => (None, format!("neither {key} in openclaw.json nor {fallback} is set")),
        },
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    struct Vars(Vec<(&'static str, &'static str)>);
    impl Lookup for Vars {
        fn var(&self, name: &str) -> Option<(String, &'static str)> {
            self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| ((*v).to_owned(), ".env"))
        }
    }

    fn target(config: Value, vars: Vec<(&'static str, &'static str)>) -> GatewayTarget {
        let config = Config { path: "openclaw.json".into(), raw: config };
        GatewayTarget::resolve(Some(&config), &Vars(vars))
    }

    fn secret(t: &GatewayTarget) -> Option<String> {
        t.secret.as_ref().map(|s| s.expose_secret().to_owned())
    }

    #[test]
    fn port_from_env_then_config_then_default() {
        assert_eq!(target(serde_json::json!({}), vec![]).port, DEFAULT_PORT);
        assert_eq!(target(serde_json::json!({"gateway": {"port": 19001}}), vec![]).port, 19001);
        let t = target(serde_json::json!({"gateway": {"port": 19001}}), vec![("OPENCLAW_GATEWAY_PORT", "19002")]);
        assert_eq!((t.port, t.port_source.as_str()), (19002, "OPENCLAW_GATEWAY_PORT in .env"));
        assert_eq!(t.ws_url(), "ws://127.0.0.1:19002");
    }

    #[test]
    fn the_configured_secret_comes_first_then_the_environment() {
        let t = target(
            serde_json::json!({"gateway": {"auth": {"mode": "token", "token": "from-config"}}}),
            vec![("OPENCLAW_GATEWAY_TOKEN", "from-env")],
        );
        assert_eq!(
            (secret(&t).as_deref(), t.secret_source.as_str()),
            (Some("from-config"), "gateway.auth.token in openclaw.json")
        );
        let t = target(serde_json::json!({"gateway": {}}), vec![("OPENCLAW_GATEWAY_TOKEN", "from-env")]);
        assert_eq!((t.auth_mode, secret(&t).as_deref()), (AuthMode::Token, Some("from-env")));
        let t = target(serde_json::json!({"gateway": {"auth": {"token": "${GW}"}}}), vec![("GW", "substituted")]);
        assert_eq!(secret(&t).as_deref(), Some("substituted"));
        let t = target(
            serde_json::json!({"gateway": {"auth": {"token": {"source": "env", "id": "GW"}}}}),
            vec![("GW", "by-ref")],
        );
        assert_eq!(secret(&t).as_deref(), Some("by-ref"));
        let t = target(serde_json::json!({"gateway": {"auth": {"token": {"source": "file", "id": "/x"}}}}), vec![]);
        assert!(t.secret.is_none() && t.secret_source.contains("does not resolve"), "{}", t.secret_source);
        assert!(!t.secret_source.contains("from-config"));
    }

    #[test]
    fn the_mode_is_password_when_only_a_password_resolves() {
        let t = target(serde_json::json!({"gateway": {"auth": {"password": "pw"}}}), vec![]);
        assert_eq!((t.auth_mode, secret(&t).as_deref()), (AuthMode::Password, Some("pw")));
        let t = target(serde_json::json!({"gateway": {"auth": {"mode": "none", "token": "x"}}}), vec![]);
        assert_eq!((t.auth_mode, t.secret.is_none()), (AuthMode::None, true));
        let t = target(serde_json::json!({}), vec![]);
        assert!(t.secret.is_none() && t.secret_source.contains("neither gateway.auth.token"), "{}", t.secret_source);
    }
}
