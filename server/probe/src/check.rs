//! Sending one check and sorting its answer: one deadline for the whole exchange, no retry, no
//! redirect followed (a key must not travel to another host), a bounded number at a time.
//!
//! Invariants: the secret goes into the one header the provider expects and nowhere else (not
//! the URL, not a log, not the result); nothing is written anywhere; a slow provider costs at
//! most the deadline.

use std::sync::Arc;
use std::time::{Duration, Instant};

use panel_common::ProbeClass;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

use crate::classify::{SentAs, Shape, Verdict, classify, cut};
use crate::endpoint::{
    Credential, Endpoint, Family, NoCheck, OAuthFacts, PlannedRequest, chatgpt_account_id, plan, plan_oauth,
};

/// How many checks run at once, and how long each may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub concurrency: usize,
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self { concurrency: 4, deadline: Duration::from_secs(10) }
    }
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub class: ProbeClass,
    /// From sending to the answer (absent when nothing was sent).
    pub latency_ms: Option<u64>,
    /// `free` (zero tokens), `billed` (one output token) or `none` (nothing sent).
    pub cost: &'static str,
    pub http_status: Option<u16>,
    pub provider_message: Option<String>,
    pub fix: String,
    /// What the answer says about the account, e.g. OpenRouter's limit and remaining credit.
    pub details: Vec<(String, String)>,
    /// `GET https://…/v1/models` (no secret).
    pub request: Option<String>,
    /// Not checked only because a billed request was not allowed: allowing one would check it.
    pub needs_billed: bool,
}

/// Sends checks; one per credential, each with its own deadline.
#[derive(Debug, Clone)]
pub struct Checker {
    client: reqwest::Client,
    permits: Arc<tokio::sync::Semaphore>,
    limits: Limits,
    /// Origins replaced before sending (tests point providers' fixed hosts at a stand-in).
    origins: Vec<(String, String)>,
}

impl Checker {
    pub fn new(limits: Limits) -> Self {
        // No fallback to a default client: that one follows redirects, and a redirect would carry
        // an `x-api-key` to the other host.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("openclaw-auth-panel/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client (rustls, webpki roots) is built from static parts");
        Self {
            client,
            permits: Arc::new(tokio::sync::Semaphore::new(limits.concurrency.max(1))),
            limits,
            origins: Vec::new(),
        }
    }

    /// Checks `secret`, a `credential` of the provider at `endpoint`. A billed request is sent
    /// only with `allow_billed`; without, such a credential is [`ProbeClass::NotChecked`].
    pub async fn check(
        &self,
        endpoint: &Endpoint,
        credential: Credential,
        secret: &SecretString,
        model: Option<&str>,
        allow_billed: bool,
    ) -> CheckResult {
        let request = match plan(endpoint, credential, model) {
            Ok(r) => r,
            Err(NoCheck::NeedsBilled(r)) if allow_billed => *r,
            Err(NoCheck::NeedsBilled(r)) => {
                let mut result = not_checked(format!(
                    "Only a billed request proves this credential (one output token: {} {}). Allow billed checks to check it.",
                    r.method,
                    without_query(&r.url)
                ));
                result.needs_billed = true;
                return result;
            }
            Err(NoCheck::Unsupported(why)) => return not_checked(why),
        };
        let sent_as = match credential {
            Credential::ApiKey => SentAs::ApiKey,
            Credential::Token | Credential::OAuth => SentAs::Token,
        };
        self.run(endpoint, request, sent_as, secret).await
    }

    /// Checks an OAuth login's access token of `provider` on its account endpoint (free).
    pub async fn check_oauth(&self, provider: &str, secret: &SecretString, facts: &OAuthFacts) -> CheckResult {
        let mut facts = facts.clone();
        if facts.account_id.is_none() && matches!(provider, "openai" | "openai-codex") {
            facts.account_id = chatgpt_account_id(secret.expose_secret());
        }
        match plan_oauth(provider, &facts) {
            Ok((endpoint, request)) => self.run(&endpoint, request, SentAs::Token, secret).await,
            Err(NoCheck::Unsupported(why)) => not_checked(why),
            Err(NoCheck::NeedsBilled(_)) => not_checked("No free check for this login.".to_owned()),
        }
    }

    /// For tests: requests for `from` (an origin such as `https://chatgpt.com`) go to `to`.
    pub fn with_origin(mut self, from: &str, to: &str) -> Self {
        self.origins.push((from.to_owned(), to.to_owned()));
        self
    }

    /// Sends `request` with `secret` and sorts the answer.
    async fn run(
        &self,
        endpoint: &Endpoint,
        mut request: PlannedRequest,
        sent_as: SentAs,
        secret: &SecretString,
    ) -> CheckResult {
        if let Some((from, to)) = self.origins.iter().find(|(from, _)| request.url.starts_with(from.as_str())) {
            request.url = format!("{to}{}", &request.url[from.len()..]);
        }
        let (name, prefix) = request.secret_header;
        let Ok(mut header) = reqwest::header::HeaderValue::from_str(&format!("{prefix}{}", secret.expose_secret()))
        else {
            return CheckResult {
                class: ProbeClass::Invalid,
                latency_ms: None,
                cost: "none",
                http_status: None,
                provider_message: None,
                fix: "The stored secret holds a line break or another character no HTTP header can carry (a value cut or joined when pasted): paste it again in one line.".to_owned(),
                details: Vec::new(),
                request: None,
                needs_billed: false,
            };
        };
        header.set_sensitive(true);
        let _permit = self.permits.acquire().await;
        let started = Instant::now();
        let described = format!("{} {}", request.method, without_query(&request.url));
        let sent = tokio::time::timeout(self.limits.deadline, self.send(&request, name, header)).await;
        let latency_ms = Some(started.elapsed().as_millis() as u64);
        let cost = if request.billed { "billed" } else { "free" };
        let (status, body) = match sent {
            Err(_) => {
                return CheckResult {
                    class: ProbeClass::Timeout,
                    latency_ms,
                    cost,
                    http_status: None,
                    provider_message: None,
                    fix: format!(
                        "The provider did not answer within {} s: check this host's network and the base URL ({}).",
                        self.limits.deadline.as_secs(),
                        display_url(&endpoint.base_url)
                    ),
                    details: Vec::new(),
                    request: Some(described),
                    needs_billed: false,
                };
            }
            Ok(Err(e)) => {
                return CheckResult {
                    class: ProbeClass::Unreachable,
                    latency_ms,
                    cost,
                    http_status: None,
                    provider_message: Some(cut(&scrub(&transport_words(&e), secret))),
                    fix: format!(
                        "The panel could not reach {} ({}): check this host's network, DNS and proxy, and the base URL.",
                        display_url(&endpoint.base_url),
                        endpoint.base_url_source
                    ),
                    details: Vec::new(),
                    request: Some(described),
                    needs_billed: false,
                };
            }
            // The provider's words are shown: a body that echoes the secret loses it first.
            Ok(Ok((status, body))) => (status, scrub(&body, secret)),
        };
        let Verdict { class, provider_message, fix } =
            classify(endpoint.family, sent_as, Shape::of(secret.expose_secret()), status, &body);
        let mut result = CheckResult {
            class,
            latency_ms,
            cost,
            http_status: Some(status),
            provider_message,
            fix,
            details: Vec::new(),
            request: Some(described),
            needs_billed: false,
        };
        if endpoint.family == Family::OpenRouter && class == ProbeClass::Ok {
            openrouter_details(&body, &mut result);
        }
        result
    }

    async fn send(
        &self,
        request: &PlannedRequest,
        name: &'static str,
        secret: reqwest::header::HeaderValue,
    ) -> Result<(u16, String), reqwest::Error> {
        let mut builder = match request.method {
            "POST" => self.client.post(&request.url),
            _ => self.client.get(&request.url),
        };
        builder = builder.header(name, secret);
        for (k, v) in &request.headers {
            builder = builder.header(*k, v);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.to_string());
        }
        let answer = builder.send().await?;
        let status = answer.status().as_u16();
        // Error bodies are short; a model list may be long: only the first 64 KiB matter.
        let bytes = answer.bytes().await?;
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]).into_owned();
        Ok((status, text))
    }
}

fn not_checked(fix: String) -> CheckResult {
    CheckResult {
        class: ProbeClass::NotChecked,
        latency_ms: None,
        cost: "none",
        http_status: None,
        provider_message: None,
        fix,
        details: Vec::new(),
        request: None,
        needs_billed: false,
    }
}

fn without_query(url: &str) -> String {
    display_url(url.split('?').next().unwrap_or(url))
}

/// A URL as shown: without a query and without `user:password@`.
pub fn display_url(url: &str) -> String {
    let url = url.split('?').next().unwrap_or(url);
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_owned(),
    }
}

/// `text` with every occurrence of the secret (and of its longer pieces) replaced.
fn scrub(text: &str, secret: &SecretString) -> String {
    let secret = secret.expose_secret();
    if secret.len() < 8 {
        return text.to_owned();
    }
    text.replace(secret, "[redacted]")
}

/// A transport error in words, without the URL's query.
fn transport_words(e: &reqwest::Error) -> String {
    let mut words = if e.is_connect() {
        "connection failed".to_owned()
    } else if e.is_timeout() {
        "timed out".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        words = format!("{words}: {s}");
        source = s.source();
    }
    words
}

/// OpenRouter's `GET /key`: `{"data":{"label","limit","limit_remaining","usage","is_free_tier","expires_at"?}}`.
fn openrouter_details(body: &str, result: &mut CheckResult) {
    let Ok(json) = serde_json::from_str::<Value>(body) else { return };
    let Some(data) = json.get("data") else { return };
    let text = |v: &Value| match v {
        Value::Null => "none".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (key, label) in [
        ("limit", "limit"),
        ("limit_remaining", "remaining"),
        ("usage", "used"),
        ("is_free_tier", "free tier"),
        ("expires_at", "expires"),
    ] {
        if let Some(v) = data.get(key) {
            result.details.push((label.to_owned(), text(v)));
        }
    }
    if data.get("limit_remaining").and_then(Value::as_f64).is_some_and(|r| r <= 0.0) {
        result.class = ProbeClass::Billing;
        result.fix =
            "This key has no credit left under its limit: raise the key's limit at openrouter.ai/keys.".to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_shown_without_its_credentials_and_query_and_a_body_without_the_secret() {
        assert_eq!(display_url("https://user:pw@proxy.example:8443/v1?key=abc"), "https://proxy.example:8443/v1");
        assert_eq!(display_url("http://127.0.0.1:9"), "http://127.0.0.1:9");
        let secret = SecretString::from("sk-live-0123456789".to_owned());
        assert_eq!(
            scrub("bad key=sk-live-0123456789 `sk-live-0123456789`", &secret),
            "bad key=[redacted] `[redacted]`"
        );
    }
}
