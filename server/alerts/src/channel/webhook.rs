//! The generic webhook: `POST <url>` with the [`Message`] as JSON, signed so the receiver knows it
//! came from this panel: `X-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes, keyed
//! with the shared secret>`. `X-OpenClaw-Panel-Event` names the kind and
//! `X-OpenClaw-Panel-Delivery` the message id (the same on a retry, so a receiver can drop a
//! duplicate).
//!
//! Invariant: the secret keys the signature and is never sent.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use super::{AttemptError, http_answer, transport_words};
use crate::message::Message;

/// The signature header's name.
pub const SIGNATURE_HEADER: &str = "X-Signature";

/// `sha256=<hex>`: the HMAC-SHA256 of `body` keyed with `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

pub(super) async fn send(
    client: &reqwest::Client,
    url: &SecretString,
    secret: &SecretString,
    message: &Message,
) -> Result<String, AttemptError> {
    let body = serde_json::to_vec(message).map_err(|e| AttemptError { words: e.to_string(), retry: false })?;
    let response = client
        .post(url.expose_secret().trim())
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, signature(secret.expose_secret().as_bytes(), &body))
        .header("X-OpenClaw-Panel-Event", message.kind.as_str())
        .header("X-OpenClaw-Panel-Delivery", message.id.as_str())
        .body(body)
        .send()
        .await
        .map_err(transport_words)?;
    http_answer(response).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_rfc_4231_test_case_2() {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
