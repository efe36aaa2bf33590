//! The optimistic-concurrency token: what a write was based on.
//!
//! A [`Revision`] is the SHA-256 of the bytes of a store (its profiles document and its state
//! document, each present or absent), in hex. Invariant: the same bytes give the same revision
//! in every build and on every machine, because the CLI prints it for a later `--if-version` and
//! the page keeps it across a server upgrade (std's `DefaultHasher` promises neither). The token
//! is opaque to callers: any text may be given back; one that does not match is a conflict.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The revision of one store (or of `.env`), as lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Revision(String);

impl Revision {
    /// The revision of a store made of these parts (`None`: the file or row is absent, which is
    /// not the same as empty).
    pub fn of(parts: &[Option<&str>]) -> Self {
        let mut hash = Sha256::new();
        for part in parts {
            match part {
                None => hash.update([0u8]),
                Some(text) => {
                    // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
                    hash.update([1u8]);
                    hash.update((text.len() as u64).to_le_bytes());
                    hash.update(text.as_bytes());
                }
            }
        }
        let digest = hash.finalize();
        // 128 bits are plenty to tell two states apart and keep the CLI's token short.
        Self(digest[..16].iter().map(|b| format!("{b:02x}")).collect())
    }

    /// A token given back by a caller (`--if-version`, the page's `version`), taken as is.
    pub fn from_token(token: impl Into<String>) -> Self {
        Self(token.into().trim().to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Revision> for String {
    fn from(r: Revision) -> Self {
        r.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_input_gives_a_fixed_hex_in_every_build() {
        // Computed outside Rust (Python hashlib) and written down: a change here breaks every token
        // a user holds.
        assert_eq!(Revision::of(&[Some("{}\n"), None]).as_str(), "dd9ec920aed047fdf25ef0133ea8e3f5");
        assert_eq!(Revision::of(&[None]).as_str(), "6e340b9cffb37a989ca544e6bb780a2c");
    }

    #[test]
    fn absent_empty_and_split_parts_differ() {
        assert_ne!(Revision::of(&[None]), Revision::of(&[Some("")]));
        assert_ne!(Revision::of(&[Some("ab"), Some("c")]), Revision::of(&[Some("a"), Some("bc")]));
        assert_eq!(Revision::from_token(" abc "), Revision::from_token("abc"));
    }
}
