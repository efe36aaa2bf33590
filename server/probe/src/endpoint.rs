//! Which request checks a credential of a provider, and what it costs. The base URL is the one
//! OpenClaw uses: `models.providers.<id>.baseUrl` from `openclaw.json` when set (the caller
//! passes it), else the provider's default as OpenClaw's dist names it. Zero-token checks where
//! the provider has one (facts §11.4):
//! - Anthropic API keys: `GET {base}/v1/models` with `x-api-key` and `anthropic-version`;
//! - OpenAI and OpenAI-compatible providers: `GET {base}/models` with `Authorization: Bearer`;
//! - OpenRouter: `GET {base}/key` (its limit, remaining credit and expiry);
//! - Gemini: `GET {base}/models` with `x-goog-api-key` (the key stays out of the URL).
//!
//! Anthropic setup tokens have no documented free check: the only proof is a one-token
//! `POST /v1/messages` shaped as OpenClaw shapes it for a token (Claude Code's identity, OAuth
//! beta), which is billed and sent only when the caller allows it; an Anthropic OAuth login's
//! access token is checked the same way. Other OAuth providers' tokens are not checked here
//! (their APIs have no documented check; their refresh belongs to OpenClaw).

use serde::Serialize;

/// How a provider's API is spoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Anthropic,
    OpenAiCompatible,
    OpenRouter,
    Gemini,
    /// An OAuth login's usage or account endpoint (no tokens spent).
    OAuthUsage,
}

/// The provider's default base URL and family, as OpenClaw knows them.
fn known(provider: &str) -> Option<(Family, &'static str)> {
    Some(match provider {
        "anthropic" => (Family::Anthropic, "https://api.anthropic.com"),
        "openai" => (Family::OpenAiCompatible, "https://api.openai.com/v1"),
        "openrouter" => (Family::OpenRouter, "https://openrouter.ai/api/v1"),
        "google" | "gemini" => (Family::Gemini, "https://generativelanguage.googleapis.com/v1beta"),
        "xai" => (Family::OpenAiCompatible, "https://api.x.ai/v1"),
        "mistral" => (Family::OpenAiCompatible, "https://api.mistral.ai/v1"),
        "groq" => (Family::OpenAiCompatible, "https://api.groq.com/openai/v1"),
        "deepseek" => (Family::OpenAiCompatible, "https://api.deepseek.com"),
        "together" => (Family::OpenAiCompatible, "https://api.together.xyz/v1"),
        "cerebras" => (Family::OpenAiCompatible, "https://api.cerebras.ai/v1"),
        "moonshot" => (Family::OpenAiCompatible, "https://api.moonshot.ai/v1"),
        _ => return None,
    })
}

/// A custom provider's `api` in `openclaw.json` (`models.providers.<id>.api`).
fn family_of_api(api: &str) -> Option<Family> {
    match api {
        "anthropic-messages" => Some(Family::Anthropic),
        "openai-completions" | "openai-responses" | "openai-chat" => Some(Family::OpenAiCompatible),
        "google-generative-ai" => Some(Family::Gemini),
        _ => None,
    }
}

/// Where and how a provider is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub family: Family,
    /// Without a trailing slash.
    pub base_url: String,
    /// Where the base URL came from, in words.
    pub base_url_source: String,
}

/// The endpoint of `provider` with the config's `baseUrl` / `api` for it, when set. A provider
/// OpenClaw knows keeps its family (OpenRouter's key check stays `GET /key` whatever `api` says:
/// a public model list would answer 200 to any key); `api` decides for custom providers only.
pub fn endpoint(provider: &str, base_url: Option<&str>, api: Option<&str>) -> Option<Endpoint> {
    let default = known(provider);
    let family = default.map(|(f, _)| f).or_else(|| api.and_then(family_of_api))?;
    let (base, source) = match base_url.map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) => (b.to_owned(), format!("models.providers.{provider}.baseUrl in openclaw.json")),
        None => (default?.1.to_owned(), "OpenClaw's default".to_owned()),
    };
    Some(Endpoint { family, base_url: base.trim_end_matches('/').to_owned(), base_url_source: source })
}

/// What kind of credential is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    ApiKey,
    /// An Anthropic setup token (or another static bearer token).
    Token,
    /// An OAuth access token of a provider login.
    OAuth,
}

/// The request that checks a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRequest {
    pub method: &'static str,
    pub url: String,
    /// Header name that carries the secret, and its prefix (`Bearer `).
    pub secret_header: (&'static str, &'static str),
    /// Other headers.
    pub headers: Vec<(&'static str, String)>,
    /// A JSON body (billed requests only).
    pub body: Option<serde_json::Value>,
    /// It spends tokens (one output token).
    pub billed: bool,
}

/// Why a credential cannot be checked (for free).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoCheck {
    /// Only a billed request proves it; the caller did not allow one.
    NeedsBilled(Box<PlannedRequest>),
    /// No check exists here for this provider or credential type.
    Unsupported(String),
}

/// Claude Code's identity line: Anthropic accepts a setup token only on requests that carry it.
const CLAUDE_CODE: &str = "You are Claude Code, Anthropic's official CLI for Claude.";

/// The request that checks `credential` at `endpoint`; `model`: the model a billed request asks
/// for (the agent's, else the cheapest the provider has).
pub fn plan(endpoint: &Endpoint, credential: Credential, model: Option<&str>) -> Result<PlannedRequest, NoCheck> {
    let base = &endpoint.base_url;
    let get = |url: String, header: (&'static str, &'static str), headers: Vec<(&'static str, String)>| {
        PlannedRequest { method: "GET", url, secret_header: header, headers, body: None, billed: false }
    };
    match (endpoint.family, credential) {
        (Family::Anthropic, Credential::ApiKey) => Ok(get(
            format!("{}/v1/models?limit=1", base.trim_end_matches("/v1")),
            ("x-api-key", ""),
            vec![("anthropic-version", "2023-06-01".to_owned())],
        )),
        (Family::Anthropic, Credential::Token | Credential::OAuth) => {
            let model = model.unwrap_or("claude-haiku-4-5");
            Err(NoCheck::NeedsBilled(Box::new(PlannedRequest {
                method: "POST",
                url: format!("{}/v1/messages", base.trim_end_matches("/v1")),
                secret_header: ("authorization", "Bearer "),
                headers: vec![
                    ("anthropic-version", "2023-06-01".to_owned()),
                    ("anthropic-beta", "claude-code-20250219,oauth-2025-04-20".to_owned()),
                    ("x-app", "cli".to_owned()),
                    ("content-type", "application/json".to_owned()),
                ],
                body: Some(serde_json::json!({
                    "model": model,
                    "max_tokens": 1,
                    "system": [{"type": "text", "text": CLAUDE_CODE}],
                    "messages": [{"role": "user", "content": "Reply with OK."}],
                })),
                billed: true,
            })))
        }
        (Family::OpenAiCompatible, Credential::ApiKey | Credential::Token) => {
            Ok(get(format!("{base}/models"), ("authorization", "Bearer "), Vec::new()))
        }
        (Family::OpenRouter, Credential::ApiKey | Credential::Token) => {
            Ok(get(format!("{base}/key"), ("authorization", "Bearer "), Vec::new()))
        }
        (Family::Gemini, Credential::ApiKey) => {
            Ok(get(format!("{base}/models?pageSize=1"), ("x-goog-api-key", ""), Vec::new()))
        }
        // OAuth logins are checked on their account endpoints ([`plan_oauth`]).
        (_, Credential::OAuth) | (Family::OAuthUsage, _) => Err(NoCheck::Unsupported(
            "An OAuth login is checked on its account endpoint, not on the model API.".to_owned(),
        )),
        (Family::Gemini, Credential::Token) => {
            Err(NoCheck::Unsupported("Gemini takes API keys; a token stored for it has no check here.".to_owned()))
        }
    }
}

/// What an OAuth login's check needs besides its access token.
#[derive(Debug, Clone, Default)]
pub struct OAuthFacts {
    /// ChatGPT's account id (`accountId`, else the access token's JWT claim).
    pub account_id: Option<String>,
    /// The provider's `models.providers.<id>.baseUrl` (MiniMax keeps its region there).
    pub config_base_url: Option<String>,
}

/// The zero-token check of an OAuth login's access token, as OpenClaw's own usage readers call
/// them (read in OpenClaw 2026.9.6's dist, `/work` research note): ChatGPT `GET
/// /backend-api/wham/usage`, Anthropic `GET /api/oauth/usage`, GitHub Copilot `GET
/// /copilot_internal/user`, MiniMax `GET /v1/token_plan/remains`, xAI `GET /v1/billing`.
pub fn plan_oauth(provider: &str, facts: &OAuthFacts) -> Result<(Endpoint, PlannedRequest), NoCheck> {
    let get = |base: &str, path: &str, header: (&'static str, &'static str), headers: Vec<(&'static str, String)>| {
        let endpoint = Endpoint {
            family: Family::OAuthUsage,
            base_url: base.to_owned(),
            base_url_source: "the provider's account endpoint, as OpenClaw's usage reader calls it".to_owned(),
        };
        let request = PlannedRequest {
            method: "GET",
            url: format!("{base}{path}"),
            secret_header: header,
            headers,
            body: None,
            billed: false,
        };
        Ok((endpoint, request))
    };
    let json = ("accept", "application/json".to_owned());
    match provider {
        "openai" | "openai-codex" => {
            let mut headers = vec![json, ("originator", "openclaw".to_owned())];
            if let Some(id) = &facts.account_id {
                headers.push(("chatgpt-account-id", id.clone()));
            }
            get("https://chatgpt.com", "/backend-api/wham/usage", ("authorization", "Bearer "), headers)
        }
        "anthropic" => get(
            "https://api.anthropic.com",
            "/api/oauth/usage",
            ("authorization", "Bearer "),
            vec![json, ("anthropic-version", "2023-06-01".to_owned()), ("anthropic-beta", "oauth-2025-04-20".to_owned())],
        ),
        "github-copilot" => get(
            "https://api.github.com",
            "/copilot_internal/user",
            ("authorization", "token "),
            vec![
                json,
                ("editor-version", "vscode/1.107.0".to_owned()),
                ("editor-plugin-version", "copilot-chat/0.35.0".to_owned()),
                ("x-github-api-version", "2025-04-01".to_owned()),
            ],
        ),
        "minimax-portal" => {
            let origin = facts
                .config_base_url
                .as_deref()
                .and_then(|b| b.split_once("://").map(|(scheme, rest)| format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest))))
                .unwrap_or_else(|| "https://api.minimax.io".to_owned());
            get(&origin, "/v1/token_plan/remains", ("authorization", "Bearer "), vec![json, ("mm-api-source", "OpenClaw".to_owned())])
        }
        "xai" => get(
            "https://cli-chat-proxy.grok.com",
            "/v1/billing?format=credits",
            ("authorization", "Bearer "),
            vec![json, ("x-grok-client-mode", "cli".to_owned()), ("x-grok-client-version", "1.0.4".to_owned())],
        ),
        "google-gemini-cli" => Err(NoCheck::Unsupported(
            "OpenClaw hands this login to the `gemini` CLI and sends no request with it itself; the panel has no check for it.".to_owned(),
        )),
        _ => Err(NoCheck::Unsupported(
            "An OAuth login's token of this provider has no documented check; OpenClaw refreshes it itself, and `openclaw models status --probe` checks it.".to_owned(),
        )),
    }
}

/// ChatGPT's account id from an access token (a JWT): its `https://api.openai.com/auth`
/// claim's `chatgpt_account_id`.
pub fn chatgpt_account_id(access_token: &str) -> Option<String> {
    use base64::Engine;
    let payload = access_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.pointer("/https:~1~1api.openai.com~1auth/chatgpt_account_id")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_base_url_wins_and_each_family_has_its_zero_token_check() {
        let e = endpoint("anthropic", Some("http://127.0.0.1:9/"), None).unwrap();
        assert_eq!(e.base_url, "http://127.0.0.1:9");
        assert!(e.base_url_source.contains("models.providers.anthropic.baseUrl"));
        let key = plan(&e, Credential::ApiKey, None).unwrap();
        assert_eq!((key.method, key.url.as_str(), key.billed), ("GET", "http://127.0.0.1:9/v1/models?limit=1", false));
        assert_eq!(key.secret_header, ("x-api-key", ""));
        let Err(NoCheck::NeedsBilled(token)) = plan(&e, Credential::Token, None) else {
            panic!("a token needs a billed check")
        };
        assert_eq!((token.method, token.url.as_str(), token.billed), ("POST", "http://127.0.0.1:9/v1/messages", true));
        assert_eq!(token.body.as_ref().unwrap()["max_tokens"], 1);

        let openai = endpoint("openai", None, None).unwrap();
        assert_eq!(plan(&openai, Credential::ApiKey, None).unwrap().url, "https://api.openai.com/v1/models");
        let router = endpoint("openrouter", None, None).unwrap();
        assert_eq!(plan(&router, Credential::ApiKey, None).unwrap().url, "https://openrouter.ai/api/v1/key");
        let gemini = endpoint("google", None, None).unwrap();
        let g = plan(&gemini, Credential::ApiKey, None).unwrap();
        assert!(
            g.url.starts_with("https://generativelanguage.googleapis.com/v1beta/models") && !g.url.contains("key=")
        );
        let custom = endpoint("my-llm", Some("http://10.0.0.2:8000/v1"), Some("openai-completions")).unwrap();
        assert_eq!(plan(&custom, Credential::ApiKey, None).unwrap().url, "http://10.0.0.2:8000/v1/models");
        assert_eq!(endpoint("my-llm", None, None), None, "an unknown provider without a base URL");
        let router_as_openai = endpoint("openrouter", None, Some("openai-completions")).unwrap();
        assert_eq!(plan(&router_as_openai, Credential::ApiKey, None).unwrap().url, "https://openrouter.ai/api/v1/key");
        assert!(matches!(plan(&openai, Credential::OAuth, None), Err(NoCheck::Unsupported(_))));
    }

    #[test]
    fn oauth_logins_are_checked_on_their_account_endpoints_for_free() {
        use base64::Engine;
        let claims = serde_json::json!({"https://api.openai.com/auth": {"chatgpt_account_id": "acc-123"}});
        let jwt = format!(
            "eyJhbGciOiJub25lIn0.{}.sig",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        assert_eq!(chatgpt_account_id(&jwt).as_deref(), Some("acc-123"));
        assert_eq!(chatgpt_account_id("not-a-jwt"), None);
        let facts = OAuthFacts { account_id: Some("acc-123".into()), config_base_url: None };
        let (_, chatgpt) = plan_oauth("openai", &facts).unwrap();
        assert_eq!(
            (chatgpt.method, chatgpt.url.as_str(), chatgpt.billed),
            ("GET", "https://chatgpt.com/backend-api/wham/usage", false)
        );
        assert!(chatgpt.headers.contains(&("chatgpt-account-id", "acc-123".to_owned())));
        let (_, copilot) = plan_oauth("github-copilot", &OAuthFacts::default()).unwrap();
        assert_eq!(copilot.secret_header, ("authorization", "token "));
        let minimax =
            OAuthFacts { account_id: None, config_base_url: Some("https://api.minimaxi.com/anthropic".into()) };
        assert_eq!(
            plan_oauth("minimax-portal", &minimax).unwrap().1.url,
            "https://api.minimaxi.com/v1/token_plan/remains"
        );
        assert_eq!(
            plan_oauth("xai", &OAuthFacts::default()).unwrap().1.url,
            "https://cli-chat-proxy.grok.com/v1/billing?format=credits"
        );
        assert!(matches!(plan_oauth("google-gemini-cli", &OAuthFacts::default()), Err(NoCheck::Unsupported(_))));
    }
}
