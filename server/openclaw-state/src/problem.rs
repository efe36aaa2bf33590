//! Problems found while reading: which file, what is wrong, what to do. A problem never stops the
//! rest of the state from being read.

use std::path::PathBuf;

/// How bad a problem is for the admin reading the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The word every renderer prints (`info`, `warning`, `error`), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

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
