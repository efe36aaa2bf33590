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
use crate::endpoint::{Credential, Endpoint, Family, NoCheck, PlannedRequest, plan};

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
}

impl Checker {
    pub fn new(limits: Limits) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("openclaw-auth-panel/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self { client, permits: Arc::new(tokio::sync::Semaphore::new(limits.concurrency.max(1))), limits }
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
        let _permit = self.permits.acquire().await;
        let started = Instant::now();
        let described = format!("{} {}", request.method, without_query(&request.url));
        let sent = tokio::time::timeout(self.limits.deadline, self.send(&request, secret)).await;
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
                        endpoint.base_url
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
                    provider_message: Some(cut(&transport_words(&e))),
                    fix: format!(
                        "The panel could not reach {} ({}): check this host's network, DNS and proxy, and the base URL.",
                        endpoint.base_url, endpoint.base_url_source
                    ),
                    details: Vec::new(),
                    request: Some(described),
                    needs_billed: false,
                };
            }
            Ok(Ok(answer)) => answer,
        };
        let sent_as = match credential {
            Credential::ApiKey => SentAs::ApiKey,
            Credential::Token | Credential::OAuth => SentAs::Token,
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

    async fn send(&self, request: &PlannedRequest, secret: &SecretString) -> Result<(u16, String), reqwest::Error> {
        let mut builder = match request.method {
            "POST" => self.client.post(&request.url),
            _ => self.client.get(&request.url),
        };
        let (name, prefix) = request.secret_header;
        let mut value = reqwest::header::HeaderValue::from_str(&format!("{prefix}{}", secret.expose_secret()))
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("invalid"));
        value.set_sensitive(true);
        builder = builder.header(name, value);
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

fn without_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
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
