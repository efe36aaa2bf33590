//! A model-provider stand-in on 127.0.0.1 for tests: it answers as Anthropic, OpenAI (and
//! OpenAI-compatible), OpenRouter and Gemini answer, from their documented bodies (facts §11.4),
//! and records every request with all its headers, so a test can say which secret arrived in
//! which header, and that nothing else was asked (no completion unless allowed).
//!
//! The answer is chosen by the end of the secret: `…-INVALID`, `-EXPIRED`, `-CCONLY`,
//! `-BILLING`, `-RATE`, `-REGION`, `-QUOTA`, `-LIMIT`, `-ERROR500` give that error, `-SLOW`
//! answers after 5 s, anything else is accepted. Anthropic's `POST /v1/messages` streams when
//! asked (OpenClaw always asks; a plain JSON answer makes its probe fail).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// With the query.
    pub path: String,
    /// Every header, names lowercase.
    pub headers: Vec<(String, String)>,
    /// The credential: `bearer <value>`, `x-api-key <value>` or `x-goog-api-key <value>`.
    pub credential: String,
    pub stream: bool,
    pub body: String,
}

pub struct FakeProvider {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeProvider {
    /// Listens on a free loopback port, serving each connection on its own thread.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                std::thread::spawn(move || serve(stream, &log));
            }
        });
        Self { port, seen }
    }

    /// `http://127.0.0.1:<port>` (OpenClaw adds `/v1/messages` for Anthropic).
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Forgets what was seen so far.
    pub fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = request_line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
        let (mut length, mut credential, mut close, mut headers) = (0usize, String::new(), false, Vec::new());
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else { continue };
            let (name, value) = (name.to_ascii_lowercase(), value.trim().to_owned());
            match name.as_str() {
                "content-length" => length = value.parse().unwrap_or(0),
                "authorization" => credential = format!("bearer {}", value.trim_start_matches("Bearer ")),
                "x-api-key" | "x-goog-api-key" => credential = format!("{name} {value}"),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
            headers.push((name, value));
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body).into_owned();
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let stream_wanted = json["stream"].as_bool().unwrap_or(false);
        log.lock().unwrap().push(Seen {
            method: method.clone(),
            path: path.clone(),
            headers,
            credential: credential.clone(),
            stream: stream_wanted,
            body: body.clone(),
        });
        let model = json["model"].as_str().unwrap_or("claude-sonnet-4-5").to_owned();
        if credential.ends_with("-SLOW") {
            std::thread::sleep(Duration::from_secs(5));
        }
        let (status, content_type, out) = answer(&method, &path, &credential, &model, stream_wanted);
        let reason = match status {
            200 => "OK",
            400 => "Bad Request",
            401 => "Unauthorized",
            402 => "Payment Required",
            403 => "Forbidden",
            404 => "Not Found",
            429 => "Too Many Requests",
            _ => "Error",
        };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncache-control: no-cache\r\ncontent-length: {}\r\n\r\n",
            out.len()
        );
        // One write: a head and a body written apart wait on the peer's delayed ACK (Nagle).
        if stream.write_all(format!("{head}{out}").as_bytes()).is_err() || close {
            return;
        }
    }
}

/// Which API a path belongs to.
fn family(path: &str) -> &'static str {
    if path.starts_with("/api/v1/") {
        "openrouter"
    } else if path.starts_with("/v1beta/") {
        "gemini"
    } else if path.starts_with("/v1/messages") || path.starts_with("/v1/models") && !path.contains("openai") {
        "anthropic"
    } else {
        "openai"
    }
}

fn answer(method: &str, path: &str, credential: &str, model: &str, stream: bool) -> (u16, &'static str, String) {
    let json = "application/json";
    let outcome = ["INVALID", "EXPIRED", "CCONLY", "BILLING", "RATE", "REGION", "QUOTA", "LIMIT", "ERROR500"]
        .into_iter()
        .find(|s| credential.ends_with(&format!("-{s}")));
    // OpenAI-compatible stand-ins live under /openai/v1 so one port serves every family.
    let fam = if path.starts_with("/openai/") { "openai" } else { family(path) };
    let anthropic_error = |status: u16, kind: &str, message: &str| {
        (status, json, serde_json::json!({"type": "error", "error": {"type": kind, "message": message}}).to_string())
    };
    let openai_error = |status: u16, code: &str, message: &str| {
        (status, json, serde_json::json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": code}}).to_string())
    };
    let google_error = |status: u16, state: &str, reason: Option<&str>, message: &str| {
        let mut error = serde_json::json!({"code": status, "message": message, "status": state});
        if let Some(r) = reason {
            error["details"] = serde_json::json!([{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": r}]);
        }
        (status, json, serde_json::json!({"error": error}).to_string())
    };
    // OAuth logins' account endpoints (ChatGPT, Anthropic, Copilot, MiniMax, xAI): 401 when the
    // access token ends in -EXPIRED.
    let oauth = [
        "/backend-api/wham/usage",
        "/api/oauth/usage",
        "/copilot_internal/user",
        "/v1/token_plan/remains",
        "/v1/billing",
    ];
    if oauth.iter().any(|p| path.starts_with(p)) {
        return match outcome {
            Some("EXPIRED" | "INVALID") => {
                (401, json, r#"{"error":{"message":"Provided authentication token is expired."}}"#.to_owned())
            }
            _ => (200, json, r#"{"plan_type":"plus","rate_limit":{"primary_window":{"used_percent":12}}}"#.to_owned()),
        };
    }
    match (fam, outcome) {
        (_, Some("ERROR500")) => (500, "text/plain", "upstream connect error".to_owned()),
        ("anthropic", Some("INVALID")) if credential.starts_with("bearer ") => {
            anthropic_error(401, "authentication_error", "Invalid bearer token")
        }
        ("anthropic", Some("INVALID")) => anthropic_error(401, "authentication_error", "invalid x-api-key"),
        ("anthropic", Some("EXPIRED")) => anthropic_error(
            401,
            "authentication_error",
            "OAuth token has expired. Please obtain a new token or refresh your existing token.",
        ),
        ("anthropic", Some("CCONLY")) => anthropic_error(
            400,
            "invalid_request_error",
            "This credential is only authorized for use with Claude Code and cannot be used for other API requests.",
        ),
        ("anthropic", Some("BILLING")) => anthropic_error(
            400,
            "invalid_request_error",
            "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
        ),
        ("anthropic", Some("RATE")) => {
            anthropic_error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
        }
        ("anthropic", Some("REGION")) => anthropic_error(403, "forbidden", "Request not allowed: this region is not supported"),
        ("anthropic", _) if method == "POST" && stream => (200, "text/event-stream", sse_answer(model)),
        ("anthropic", _) if method == "POST" => (
            200,
            json,
            serde_json::json!({"id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                "content": [{"type": "text", "text": "OK"}], "stop_reason": "end_turn", "stop_sequence": null,
                "usage": {"input_tokens": 10, "output_tokens": 1}})
            .to_string(),
        ),
        ("anthropic", _) => (
            200,
            json,
            r#"{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5"}],"has_more":false,"first_id":"claude-sonnet-4-5","last_id":"claude-sonnet-4-5"}"#.to_owned(),
        ),
        ("openai", Some("INVALID")) => openai_error(
            401,
            "invalid_api_key",
            &format!("Incorrect API key provided: {}. You can find your API key at https://platform.openai.com/account/api-keys.", credential.trim_start_matches("bearer ")),
        ),
        ("openai", Some("QUOTA" | "BILLING")) => {
            openai_error(429, "insufficient_quota", "You exceeded your current quota, please check your plan and billing details.")
        }
        ("openai", Some("RATE")) => openai_error(429, "rate_limit_exceeded", "Rate limit reached for requests"),
        ("openai", Some("REGION")) => {
            openai_error(403, "unsupported_country_region_territory", "Country, region, or territory not supported")
        }
        ("openai", _) => (200, json, r#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","owned_by":"system"}]}"#.to_owned()),
        ("openrouter", Some("INVALID")) => (401, json, r#"{"error":{"code":401,"message":"No auth credentials found"}}"#.to_owned()),
        ("openrouter", Some("BILLING")) => (402, json, r#"{"error":{"code":402,"message":"Insufficient credits"}}"#.to_owned()),
        ("openrouter", Some("LIMIT")) => (403, json, r#"{"error":{"code":403,"message":"Key limit exceeded"}}"#.to_owned()),
        ("openrouter", Some("RATE")) => (429, json, r#"{"error":{"code":429,"message":"Rate limit exceeded"}}"#.to_owned()),
        ("openrouter", _) => (
            200,
            json,
            r#"{"data":{"label":"sk-or-v1-abc...xyz","limit":25,"limit_remaining":17.5,"usage":7.5,"is_free_tier":false,"expires_at":"2027-01-31T00:00:00Z"}}"#.to_owned(),
        ),
        ("gemini", Some("INVALID")) => google_error(400, "INVALID_ARGUMENT", Some("API_KEY_INVALID"), "API key not valid. Please pass a valid API key."),
        ("gemini", Some("REGION")) => google_error(400, "FAILED_PRECONDITION", None, "User location is not supported for the API use."),
        ("gemini", Some("RATE")) => google_error(429, "RESOURCE_EXHAUSTED", None, "Resource has been exhausted (e.g. check quota)."),
        ("gemini", _) => (200, json, r#"{"models":[{"name":"models/gemini-2.5-flash","displayName":"Gemini 2.5 Flash"}]}"#.to_owned()),
        _ => (404, json, r#"{"error":"not found"}"#.to_owned()),
    }
}

/// Anthropic's streamed answer "OK", event by event.
fn sse_answer(model: &str) -> String {
    let events = [
        (
            "message_start",
            serde_json::json!({"type": "message_start", "message": {"id": "msg_fake", "type": "message",
            "role": "assistant", "model": model, "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 10, "output_tokens": 1}}}),
        ),
        (
            "content_block_start",
            serde_json::json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        ("ping", serde_json::json!({"type": "ping"})),
        (
            "content_block_delta",
            serde_json::json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "OK"}}),
        ),
        ("content_block_stop", serde_json::json!({"type": "content_block_stop", "index": 0})),
        (
            "message_delta",
            serde_json::json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 2}}),
        ),
        ("message_stop", serde_json::json!({"type": "message_stop"})),
    ];
    events.iter().map(|(name, data)| format!("event: {name}\ndata: {data}\n\n")).collect()
}
