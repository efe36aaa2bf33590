//! The one table from a provider's answer to a [`ProbeClass`], with the provider's own words
//! (secret-free) and the fix in words. Rows are tried in order; the first whose family, status
//! and body text match wins. Bodies are matched on the documented error texts and codes
//! (facts §11.4): Anthropic `{"type":"error","error":{"type","message"}}`, OpenAI and
//! compatible `{"error":{"message","type","code"}}`, OpenRouter `{"error":{"code","message"}}`,
//! Gemini `{"error":{"code","message","status","details":[{"reason"}]}}`.
//!
//! Invariant: the message shown never holds a secret: anything shaped like a key is masked
//! (OpenAI echoes part of a wrong key), and it is cut to 300 characters.

use panel_common::ProbeClass;
use serde_json::Value;

use crate::endpoint::Family;

/// What a probe found, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub class: ProbeClass,
    /// The provider's own message (masked), when it sent one.
    pub provider_message: Option<String>,
    /// What to do, in words.
    pub fix: String,
}

/// How the pasted or stored secret looks, for telling a wrong type from a wrong key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `sk-ant-oat01-…`: a setup token from `claude setup-token`.
    SetupToken,
    /// `sk-ant-api…`: an Anthropic API key.
    AnthropicKey,
    Other,
}

impl Shape {
    pub fn of(secret: &str) -> Self {
        if secret.starts_with("sk-ant-oat") {
            Self::SetupToken
        } else if secret.starts_with("sk-ant-api") {
            Self::AnthropicKey
        } else {
            Self::Other
        }
    }
}

/// How a secret was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentAs {
    /// As an API key (`x-api-key`, `Authorization: Bearer` for OpenAI-style APIs, `x-goog-api-key`).
    ApiKey,
    /// As a token (`Authorization: Bearer` with Anthropic's OAuth beta).
    Token,
}

/// Sorts an HTTP answer.
pub fn classify(family: Family, sent_as: SentAs, shape: Shape, status: u16, body: &str) -> Verdict {
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let message = provider_message(&json).or_else(|| (!body.trim().is_empty() && json.is_null()).then(|| cut(body)));
    let text = format!("{} {}", message.as_deref().unwrap_or(""), error_code(&json)).to_ascii_lowercase();
    let has = |needle: &str| text.contains(needle);
    let verdict =
        |class: ProbeClass, fix: &str| Verdict { class, provider_message: message.clone(), fix: fix.to_owned() };
    if (200..300).contains(&status) {
        return verdict(ProbeClass::Ok, "Nothing to do.");
    }
    match family {
        Family::Anthropic => match status {
            400 if has("only authorized for use with claude code") => verdict(
                ProbeClass::ClaudeCodeOnly,
                "This setup token works only for Claude Code requests: paste an Anthropic API key (sk-ant-api…) for this use instead.",
            ),
            400 | 402 | 403 if has("credit balance is too low") || has("billing") => verdict(
                ProbeClass::Billing,
                "The account has no credit left: add credit in the Anthropic Console (Plans & Billing), or use another key.",
            ),
            401 if has("oauth token has expired") || has("token has expired") => verdict(
                ProbeClass::Expired,
                "The token expired: run `claude setup-token` on a machine with a browser and paste the new token.",
            ),
            401 if has("oauth authentication is currently not supported") => verdict(
                ProbeClass::WrongType,
                "A token was sent where Anthropic expects an API key: store it as a token (setup token), or paste an API key.",
            ),
            401 if sent_as == SentAs::ApiKey && shape == Shape::SetupToken => verdict(
                ProbeClass::WrongType,
                "This is a setup token (sk-ant-oat…) stored as an API key: paste it again as a token.",
            ),
            401 if sent_as == SentAs::Token && shape == Shape::AnthropicKey => verdict(
                ProbeClass::WrongType,
                "This is an API key (sk-ant-api…) stored as a token: paste it again as an API key.",
            ),
            401 if has("invalid bearer token") => verdict(
                ProbeClass::Invalid,
                "Anthropic does not accept this token. A token cut by a line break when pasted looks like this: paste it again in one line, or make a new one with `claude setup-token`.",
            ),
            401 => verdict(
                ProbeClass::Invalid,
                "Anthropic does not accept this key (wrong, or revoked): make a new key in the Anthropic Console and paste it.",
            ),
            403 if region(&text) => verdict(ProbeClass::RegionBlocked, REGION_FIX),
            403 => verdict(
                ProbeClass::Invalid,
                "The key may not do this (permission_error): check its workspace and permissions in the Anthropic Console.",
            ),
            _ => common(status, &text, message.clone()),
        },
        Family::OpenAiCompatible => match status {
            429 if has("insufficient_quota") => verdict(
                ProbeClass::Billing,
                "The account's quota or credit is used up: add credit or raise the limit with the provider, or use another key.",
            ),
            401 if has("account_deactivated") => verdict(
                ProbeClass::Invalid,
                "The provider deactivated this account: contact its support, or use a key of another account.",
            ),
            401 => verdict(
                ProbeClass::Invalid,
                "The provider does not accept this key (wrong, or revoked): make a new key and paste it.",
            ),
            403 if region(&text) => verdict(ProbeClass::RegionBlocked, REGION_FIX),
            _ => common(status, &text, message.clone()),
        },
        Family::OpenRouter => match status {
            401 => verdict(
                ProbeClass::Invalid,
                "OpenRouter does not accept this key (wrong, disabled or deleted): make a new key at openrouter.ai/keys and paste it.",
            ),
            402 => verdict(
                ProbeClass::Billing,
                "The OpenRouter account has no credits left: add credits, or use another key.",
            ),
            403 if has("key limit") || has("limit exceeded") => verdict(
                ProbeClass::Billing,
                "This key reached its own spending limit: raise the key's limit at openrouter.ai/keys, or use another key.",
            ),
            403 if region(&text) => verdict(ProbeClass::RegionBlocked, REGION_FIX),
            _ => common(status, &text, message.clone()),
        },
        Family::Gemini => match status {
            400 | 401 | 403 if has("api_key_invalid") || has("api key not valid") => verdict(
                ProbeClass::Invalid,
                "Google does not accept this key: make a new key in Google AI Studio and paste it.",
            ),
            400 if has("user location is not supported") || region(&text) => {
                verdict(ProbeClass::RegionBlocked, REGION_FIX)
            }
            403 if has("permission_denied") || has("has not been used") || has("disabled") => verdict(
                ProbeClass::Invalid,
                "The key's project may not use the Generative Language API: enable it for the project, or use a key from Google AI Studio.",
            ),
            429 if has("billing") || has("exceeded your current quota") => verdict(
                ProbeClass::Billing,
                "The project's quota is used up: check its billing and quota in Google AI Studio.",
            ),
            _ => common(status, &text, message.clone()),
        },
        Family::OAuthUsage => match status {
            401 | 403 => verdict(
                ProbeClass::Expired,
                "The login's access token is expired or revoked. OpenClaw renews it with the refresh token at its next use; if the gateway then still fails, log in again (`openclaw models auth login --provider …`).",
            ),
            _ => common(status, &text, message.clone()),
        },
    }
}

const REGION_FIX: &str = "The provider refuses requests from this host's country or region: run the gateway where the provider serves, or use another provider.";

/// What every provider answers alike.
fn common(status: u16, text: &str, message: Option<String>) -> Verdict {
    let (class, fix) = match status {
        402 => (ProbeClass::Billing, "The provider wants payment: check the account's billing."),
        429 | 529 => (
            ProbeClass::RateLimited,
            "The provider is rate limiting (or overloaded) right now; the key itself may be fine. Try again in a minute.",
        ),
        401 => (ProbeClass::Invalid, "The provider does not accept this credential: paste a new one."),
        403 if region(text) => (ProbeClass::RegionBlocked, REGION_FIX),
        _ => (
            ProbeClass::Unknown,
            "The provider gave an answer the panel does not know; its words are above. Try again later.",
        ),
    };
    Verdict { class, provider_message: message, fix: fix.to_owned() }
}

fn region(text: &str) -> bool {
    [
        "unsupported_country",
        "country, region, or territory",
        "not available in your region",
        "region",
        "location is not supported",
    ]
    .iter()
    .any(|n| text.contains(n))
}

/// The error's message in each provider's shape.
fn provider_message(json: &Value) -> Option<String> {
    let error = json.get("error")?;
    let text = match error {
        Value::String(s) => s.clone(),
        _ => error
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| error.get("type").and_then(Value::as_str).map(str::to_owned))?,
    };
    Some(cut(&text))
}

/// The error's code words (OpenAI `code`/`type`, Gemini `status` and `details[].reason`).
fn error_code(json: &Value) -> String {
    let Some(error) = json.get("error") else { return String::new() };
    let mut words: Vec<String> = ["code", "type", "status"]
        .iter()
        .filter_map(|k| error.get(*k))
        .map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
        .collect();
    for d in error.get("details").and_then(Value::as_array).into_iter().flatten() {
        if let Some(reason) = d.get("reason").and_then(Value::as_str) {
            words.push(reason.to_owned());
        }
    }
    words.join(" ")
}

/// At most 300 characters, every key-shaped word masked.
pub fn cut(text: &str) -> String {
    let masked: Vec<String> = text.split_inclusive(char::is_whitespace).map(mask_word).collect();
    let mut out: String = masked.concat();
    if out.chars().count() > 300 {
        out = out.chars().take(299).collect::<String>() + "…";
    }
    out.trim().to_owned()
}

fn mask_word(word: &str) -> String {
    let core =
        word.trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ':' | ';' | '"' | '\'' | '(' | ')'));
    let keyish = core.len() >= 16
        && (core.starts_with("sk-") || core.starts_with("AIza") || core.starts_with("Bearer"))
        || core.len() >= 32 && core.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*'));
    if keyish { word.replace(core, "[redacted]") } else { word.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anthropic(kind: &str, message: &str) -> String {
        serde_json::json!({"type": "error", "error": {"type": kind, "message": message}}).to_string()
    }

    fn openai(status_code: &str, message: &str) -> String {
        serde_json::json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": status_code}})
            .to_string()
    }

    /// Every class from the documented bodies (facts §11.4).
    #[test]
    fn each_documented_answer_is_its_class() {
        use Family::*;
        use ProbeClass as C;
        let key = Shape::AnthropicKey;
        let token = Shape::SetupToken;
        let cases: Vec<(Family, SentAs, Shape, u16, String, ProbeClass)> = vec![
            (Anthropic, SentAs::ApiKey, key, 200, r#"{"data":[]}"#.into(), C::Ok),
            (Anthropic, SentAs::ApiKey, key, 401, anthropic("authentication_error", "invalid x-api-key"), C::Invalid),
            (Anthropic, SentAs::ApiKey, token, 401, anthropic("authentication_error", "invalid x-api-key"), C::WrongType),
            (Anthropic, SentAs::Token, key, 401, anthropic("authentication_error", "Invalid bearer token"), C::WrongType),
            (Anthropic, SentAs::Token, token, 401, anthropic("authentication_error", "Invalid bearer token"), C::Invalid),
            (Anthropic, SentAs::Token, token, 401, anthropic("authentication_error", "OAuth token has expired. Please obtain a new token or refresh your existing token."), C::Expired),
            (Anthropic, SentAs::ApiKey, token, 401, anthropic("authentication_error", "OAuth authentication is currently not supported."), C::WrongType),
            (Anthropic, SentAs::Token, token, 400, anthropic("invalid_request_error", "This credential is only authorized for use with Claude Code and cannot be used for other API requests."), C::ClaudeCodeOnly),
            (Anthropic, SentAs::ApiKey, key, 400, anthropic("invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."), C::Billing),
            (Anthropic, SentAs::ApiKey, key, 429, anthropic("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"), C::RateLimited),
            (Anthropic, SentAs::ApiKey, key, 529, anthropic("overloaded_error", "Overloaded"), C::RateLimited),
            (Anthropic, SentAs::ApiKey, key, 403, anthropic("forbidden", "Request not allowed: this region is not supported"), C::RegionBlocked),
            (Anthropic, SentAs::ApiKey, key, 500, anthropic("api_error", "Internal server error"), C::Unknown),
            (OpenAiCompatible, SentAs::ApiKey, Shape::Other, 401, openai("invalid_api_key", "Incorrect API key provided: sk-proj-********************************************abcd. You can find your API key at https://platform.openai.com/account/api-keys."), C::Invalid),
            (OpenAiCompatible, SentAs::ApiKey, Shape::Other, 401, openai("account_deactivated", "Your OpenAI account has been deactivated"), C::Invalid),
            (OpenAiCompatible, SentAs::ApiKey, Shape::Other, 429, openai("insufficient_quota", "You exceeded your current quota, please check your plan and billing details."), C::Billing),
            (OpenAiCompatible, SentAs::ApiKey, Shape::Other, 429, openai("rate_limit_exceeded", "Rate limit reached for requests"), C::RateLimited),
            (OpenAiCompatible, SentAs::ApiKey, Shape::Other, 403, openai("unsupported_country_region_territory", "Country, region, or territory not supported"), C::RegionBlocked),
            (OpenRouter, SentAs::ApiKey, Shape::Other, 401, r#"{"error":{"code":401,"message":"No auth credentials found"}}"#.into(), C::Invalid),
            (OpenRouter, SentAs::ApiKey, Shape::Other, 402, r#"{"error":{"code":402,"message":"Insufficient credits"}}"#.into(), C::Billing),
            (OpenRouter, SentAs::ApiKey, Shape::Other, 403, r#"{"error":{"code":403,"message":"Key limit exceeded"}}"#.into(), C::Billing),
            (Gemini, SentAs::ApiKey, Shape::Other, 400, r#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}"#.into(), C::Invalid),
            (Gemini, SentAs::ApiKey, Shape::Other, 400, r#"{"error":{"code":400,"message":"User location is not supported for the API use.","status":"FAILED_PRECONDITION"}}"#.into(), C::RegionBlocked),
            (Gemini, SentAs::ApiKey, Shape::Other, 429, r#"{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}"#.into(), C::RateLimited),
            (Gemini, SentAs::ApiKey, Shape::Other, 503, "upstream connect error".into(), C::Unknown),
        ];
        for (family, sent_as, shape, status, body, expected) in cases {
            let v = classify(family, sent_as, shape, status, &body);
            assert_eq!(v.class, expected, "{family:?} {status} {body}");
            assert!(!v.fix.is_empty());
        }
    }

    #[test]
    fn the_provider_message_is_kept_without_the_key_it_echoes() {
        let body = openai(
            "invalid_api_key",
            "Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz0123456789. Find yours.",
        );
        let v = classify(Family::OpenAiCompatible, SentAs::ApiKey, Shape::Other, 401, &body);
        let m = v.provider_message.unwrap();
        assert!(m.starts_with("Incorrect API key provided: [redacted]"), "{m}");
        assert!(!m.contains("abcdefghijklmnop"), "{m}");
        let long = "x ".repeat(400);
        assert!(cut(&long).chars().count() <= 300);
    }
}
