//! The panel's device identity for gateways that speak protocol 3 (OpenClaw 2026.3.x): such a
//! gateway keeps a device-less operator's connection but clears its scopes, so the panel signs
//! each `connect` with an Ed25519 key of its own. From loopback without an `Origin` header the
//! gateway pairs the device silently (it records it in `<state>/devices/paired.json`).
//!
//! What is signed (UTF-8, fields joined by `|`):
//! `v3|<device id>|<client id>|<client mode>|<role>|<scopes, comma-joined>|<signedAt ms>|<token>|<nonce>|<platform>|<device family>`
//! where the device id is the lowercase hex SHA-256 of the raw 32-byte public key, `signedAt` and
//! `nonce` come from the gateway's `connect.challenge`, and `token` is the gateway token (empty in
//! password mode: a password is never part of the payload). Key and signature travel as
//! base64url without padding.
//!
//! Invariants: the key lives in one file of the panel's data dir, `gateway-device.json`, mode
//! 0600, written whole (temp file and rename) and never logged; a file that cannot be read is an
//! error that names it (it is not silently replaced, which would orphan the pairing).

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::{Deserialize, Serialize};
use sha2::Digest;

/// The file name in the panel's data dir.
pub const FILE_NAME: &str = "gateway-device.json";

/// Why the identity could not be loaded or made.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("cannot read the panel's gateway device key {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the panel's gateway device key {} is damaged ({why}); move it away to make a new one (the gateway will pair the new device)", path.display())]
    Damaged { path: PathBuf, why: String },
    #[error("cannot save the panel's gateway device key {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot make an Ed25519 key")]
    KeyGeneration,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    version: u32,
    device_id: String,
    public_key: String,
    /// The PKCS#8 document of the key pair, base64.
    pkcs8: String,
}

/// An Ed25519 key pair and the id the gateway derives from it.
pub struct DeviceIdentity {
    pair: Ed25519KeyPair,
    id: String,
    public_key: String,
}

impl std::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceIdentity").field("id", &self.id).finish_non_exhaustive()
    }
}

/// The fields of one `connect` that the signature covers.
pub struct SignedConnect<'a> {
    pub client_id: &'a str,
    pub client_mode: &'a str,
    pub role: &'a str,
    pub scopes: &'a [&'a str],
    pub signed_at_ms: u64,
    pub token: &'a str,
    pub nonce: &'a str,
    pub platform: &'a str,
}

impl DeviceIdentity {
    /// The identity in `path`, made (and saved, 0600) when there is none yet.
    pub fn load_or_create(path: &Path) -> Result<Self, DeviceError> {
        match std::fs::read(path) {
            Ok(bytes) => Self::from_stored(path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let rng = ring::rand::SystemRandom::new();
                let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| DeviceError::KeyGeneration)?;
                let identity = Self::from_pkcs8(pkcs8.as_ref()).ok_or(DeviceError::KeyGeneration)?;
                let stored = Stored {
                    version: 1,
                    device_id: identity.id.clone(),
                    public_key: identity.public_key.clone(),
                    pkcs8: STANDARD.encode(pkcs8.as_ref()),
                };
                let text = serde_json::to_vec_pretty(&stored).map_err(|_| DeviceError::KeyGeneration)?;
                openclaw_state::write::atomic::replace_file(path, &text)
                    .map_err(|source| DeviceError::Write { path: path.to_owned(), source })?;
                Ok(identity)
            }
            Err(source) => Err(DeviceError::Read { path: path.to_owned(), source }),
        }
    }

    fn from_stored(path: &Path, bytes: &[u8]) -> Result<Self, DeviceError> {
        let damaged = |why: &str| DeviceError::Damaged { path: path.to_owned(), why: why.to_owned() };
        let stored: Stored = serde_json::from_slice(bytes).map_err(|_| damaged("not the panel's JSON"))?;
        let pkcs8 = STANDARD.decode(stored.pkcs8.trim()).map_err(|_| damaged("the key is not base64"))?;
        let identity = Self::from_pkcs8(&pkcs8).ok_or_else(|| damaged("not an Ed25519 key"))?;
        if identity.id != stored.device_id {
            return Err(damaged("the device id does not match the key"));
        }
        Ok(identity)
    }

    fn from_pkcs8(pkcs8: &[u8]) -> Option<Self> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8).ok()?;
        let raw = pair.public_key().as_ref();
        let id = sha2::Sha256::digest(raw).iter().map(|b| format!("{b:02x}")).collect();
        let public_key = URL_SAFE_NO_PAD.encode(raw);
        Some(Self { pair, id, public_key })
    }

    /// The id the gateway knows this device by.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The raw public key, base64url without padding.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The string the gateway checks the signature against.
    pub fn payload(&self, c: &SignedConnect<'_>) -> String {
        let lower = |s: &str| s.trim().to_ascii_lowercase();
        format!(
            "v3|{}|{}|{}|{}|{}|{}|{}|{}|{}|",
            self.id,
            c.client_id,
            c.client_mode,
            c.role,
            c.scopes.join(","),
            c.signed_at_ms,
            c.token,
            c.nonce,
            lower(c.platform),
        )
    }

    /// The `device` object of a protocol-3 `connect`.
    pub fn connect_device(&self, c: &SignedConnect<'_>) -> serde_json::Value {
        let signature = self.pair.sign(self.payload(c).as_bytes());
        serde_json::json!({
            "id": self.id,
            "publicKey": self.public_key,
            "signature": URL_SAFE_NO_PAD.encode(signature.as_ref()),
            "signedAt": c.signed_at_ms,
            "nonce": c.nonce,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{ED25519, UnparsedPublicKey};

    fn connect<'a>() -> SignedConnect<'a> {
        SignedConnect {
            client_id: "gateway-client",
            client_mode: "backend",
            role: "operator",
            scopes: &["operator.admin"],
            signed_at_ms: 1_764_500_000_000,
            token: "gw-token",
            nonce: "nonce-1",
            platform: "Linux ",
        }
    }

    #[test]
    fn the_key_is_made_once_kept_private_and_signs_what_the_gateway_checks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join(FILE_NAME);
        let made = DeviceIdentity::load_or_create(&path).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let again = DeviceIdentity::load_or_create(&path).unwrap();
        assert_eq!(made.id(), again.id(), "the same device on the next connect");
        assert_eq!(made.id().len(), 64);
        let raw = URL_SAFE_NO_PAD.decode(made.public_key()).unwrap();
        assert_eq!(raw.len(), 32);
        let expected_id: String = sha2::Sha256::digest(&raw).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(made.id(), expected_id);

        let payload = made.payload(&connect());
        assert_eq!(
            payload,
            format!(
                "v3|{}|gateway-client|backend|operator|operator.admin|1764500000000|gw-token|nonce-1|linux|",
                made.id()
            )
        );
        let device = again.connect_device(&connect());
        let signature = URL_SAFE_NO_PAD.decode(device["signature"].as_str().unwrap()).unwrap();
        UnparsedPublicKey::new(&ED25519, &raw).verify(payload.as_bytes(), &signature).expect("a valid signature");
        assert_eq!(device["nonce"], "nonce-1");
        assert_eq!(device["signedAt"], 1_764_500_000_000u64);
    }

    #[test]
    fn a_damaged_key_file_is_an_error_that_names_it_and_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"{\"version\":1}").unwrap();
        let err = DeviceIdentity::load_or_create(&path).unwrap_err();
        assert!(err.to_string().contains(FILE_NAME) && err.to_string().contains("move it away"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"version\":1}");
    }
}
