//! HTTPS: a self-signed certificate made at first start and kept in the data dir (0600 key), or
//! the admin's own certificate and key. The SHA-256 fingerprint is printed with the setup URL so
//! the admin can check the certificate the browser shows before trusting it.

use std::io;
use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};

/// The directory in the data dir that holds the self-signed certificate.
pub const TLS_DIR: &str = "tls";

/// A certificate chain and key, PEM-encoded.
pub struct TlsMaterial {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
    /// SHA-256 of the leaf certificate, `AB:CD:…`.
    pub fingerprint: String,
    /// Where it came from, for the start banner.
    pub origin: String,
}

impl std::fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsMaterial").field("fingerprint", &self.fingerprint).field("origin", &self.origin).finish()
    }
}

impl TlsMaterial {
    /// The rustls server configuration for this certificate and key (ring; TLS 1.2 and 1.3;
    /// HTTP/1.1 offered by ALPN, the only protocol the accept loop speaks).
    pub fn server_config(&self) -> Result<std::sync::Arc<rustls::ServerConfig>, TlsError> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let bad = |what: &str, e: &dyn std::fmt::Display| TlsError::Generate(format!("{what}: {e}"));
        let certs = CertificateDer::pem_slice_iter(&self.cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad("the certificate cannot be read", &e))?;
        let key = PrivateKeyDer::from_pem_slice(&self.key_pem).map_err(|e| bad("the key cannot be read", &e))?;
        let mut config =
            rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|e| bad("no TLS version", &e))?
                .with_no_client_auth()
                .with_single_cert(certs, key)
                .map_err(|e| bad("the certificate and key do not go together", &e))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(std::sync::Arc::new(config))
    }
}

/// Why TLS cannot start.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("{0} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    NoCertificate(PathBuf),
    #[error("cannot make a self-signed certificate: {0}")]
    Generate(String),
    #[error("cannot save the self-signed certificate in {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

/// The admin's own certificate (chain) and key.
pub fn from_files(cert: &Path, key: &Path) -> Result<TlsMaterial, TlsError> {
    let cert_pem = std::fs::read(cert).map_err(|source| TlsError::Read { path: cert.to_owned(), source })?;
    let key_pem = std::fs::read(key).map_err(|source| TlsError::Read { path: key.to_owned(), source })?;
    let fingerprint = fingerprint(&cert_pem).ok_or_else(|| TlsError::NoCertificate(cert.to_owned()))?;
    Ok(TlsMaterial { cert_pem, key_pem, fingerprint, origin: format!("{} (given with --cert)", cert.display()) })
}

/// The panel's self-signed certificate, made on first use for `names` (host names and IP
/// addresses) and reused afterwards, so the fingerprint the admin accepted stays the same.
pub fn self_signed(data_dir: &Path, names: &[String]) -> Result<TlsMaterial, TlsError> {
    let dir = data_dir.join(TLS_DIR);
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    if cert_path.is_file() && key_path.is_file() {
        let mut material = from_files(&cert_path, &key_path)?;
        material.origin = format!("{} (self-signed, made at an earlier start)", cert_path.display());
        return Ok(material);
    }
    let certified =
        rcgen::generate_simple_self_signed(names.to_vec()).map_err(|e| TlsError::Generate(e.to_string()))?;
    let cert_pem = certified.cert.pem().into_bytes();
    let key_pem = certified.signing_key.serialize_pem().into_bytes();
    let write = |path: &Path, bytes: &[u8]| {
        crate::private_fs::write_atomic(path, bytes).map_err(|source| TlsError::Write { path: path.to_owned(), source })
    };
    write(&key_path, &key_pem)?;
    write(&cert_path, &cert_pem)?;
    let fingerprint = hex_fingerprint(certified.cert.der());
    Ok(TlsMaterial {
        cert_pem,
        key_pem,
        fingerprint,
        origin: format!("{} (self-signed, made now for {})", cert_path.display(), names.join(", ")),
    })
}

/// SHA-256 of the first certificate in a PEM file.
pub fn fingerprint(pem: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(pem).ok()?;
    let start = text.find("-----BEGIN CERTIFICATE-----")? + "-----BEGIN CERTIFICATE-----".len();
    let end = start + text[start..].find("-----END CERTIFICATE-----")?;
    let b64: String = text[start..end].chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    Some(hex_fingerprint(&der))
}

fn hex_fingerprint(der: &[u8]) -> String {
    Sha256::digest(der).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_signed_is_made_once_private_and_fingerprinted() {
        let dir = tempfile::tempdir().unwrap();
        let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
        let first = self_signed(dir.path(), &names).unwrap();
        let second = self_signed(dir.path(), &names).unwrap();
        assert_eq!(first.fingerprint, second.fingerprint, "reused, not remade");
        assert_eq!(first.fingerprint.len(), 32 * 3 - 1);
        assert_eq!(fingerprint(&first.cert_pem).unwrap(), first.fingerprint);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("tls/key.pem")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(fingerprint(b"no pem here").is_none());
    }
}
