//! Problems found while reading: which file, what is wrong, what to do. A problem never stops the
//! rest of the state from being read.

use std::path::PathBuf;

pub use panel_common::Severity;

/// One thing that could not be read, or was read but OpenClaw would ignore or refuse.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// The file (or database) the problem is in.
    pub path: PathBuf,
    /// What is wrong, in words; never holds a secret.
    pub message: String,
    /// What the admin can do about it.
    pub hint: String,
}

impl Problem {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self { severity: Severity::Error, path: path.into(), message: message.into(), hint: hint.into() }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, path: path.into(), message: message.into(), hint: hint.into() }
    }

    pub fn info(path: impl Into<PathBuf>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self { severity: Severity::Info, path: path.into(), message: message.into(), hint: hint.into() }
    }
}
