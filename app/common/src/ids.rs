//! Agent and profile ids, with OpenClaw's rules (facts file §1.2, §2.2), and the profile name
//! slug of `paste-token` (2026.9.6's `normalizeTokenProfileName`).
//!
//! In the shared crate so the browser's wasm can use it: the paste form shows the id a name will be
//! saved under while the admin types, computed by the same code the server saves with.
//!
//! Ids end up in file paths (`agents/<id>/agent`), so anything that could leave the state dir is
//! refused here, before any path is built from it.

/// The agent OpenClaw uses when none is named.
pub const DEFAULT_AGENT_ID: &str = "main";

/// Why an id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("agent id \"{0}\" is not valid: use 1–64 characters a–z, 0–9, '_' or '-', starting with a letter or digit")]
    BadAgentId(String),
    #[error("profile id \"{0}\" is not valid: use <provider>:<name> without '/', '\\', '..' or control characters")]
    BadProfileId(String),
    #[error("profile id \"{id}\" belongs to provider \"{found}\", not \"{expected}\"")]
    ProfileProviderMismatch { id: String, expected: String, found: String },
}

/// Whether `id` is already a valid, normalised agent id (`^[a-z0-9][a-z0-9_-]{0,63}$`).
pub fn is_valid_agent_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_' || *b == b'-')
}

/// Normalises an agent id as OpenClaw does: trim, lower-case, invalid characters to `-`, leading
/// and trailing `-` stripped, at most 64 characters, empty → `main`.
pub fn normalize_agent_id(raw: &str) -> String {
    let lowered = raw.trim().to_lowercase();
    if is_valid_agent_id(&lowered) {
        return lowered;
    }
    let replaced: String = lowered
        .chars()
        .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' { c } else { '-' })
        .collect();
    // The first character must be a letter or digit, so leading '_' goes too.
    let trimmed: String = replaced.trim_start_matches(['-', '_']).trim_end_matches('-').chars().take(64).collect();
    let trimmed = trimmed.trim_end_matches('-').to_owned();
    if trimmed.is_empty() { DEFAULT_AGENT_ID.to_owned() } else { trimmed }
}

/// Checks an agent id given by a user before it is used in a path.
pub fn validate_agent_id(id: &str) -> Result<&str, IdError> {
    if is_valid_agent_id(id) { Ok(id) } else { Err(IdError::BadAgentId(id.to_owned())) }
}

/// Checks a profile id given by a user: `<provider>:<name>`, both parts non-empty, nothing that
/// could act as a path or hide in a terminal.
pub fn validate_profile_id(id: &str) -> Result<&str, IdError> {
    let bad = || IdError::BadProfileId(id.to_owned());
    let (provider, name) = id.split_once(':').ok_or_else(bad)?;
    if provider.trim().is_empty()
        || name.trim().is_empty()
        || id.len() > 256
        || id.contains("..")
        || id.chars().any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(bad());
    }
    Ok(id)
}

/// The provider part of a profile id (`anthropic` of `anthropic:manual`).
pub fn profile_provider(id: &str) -> Option<&str> {
    id.split_once(':').map(|(p, _)| p)
}

/// OpenClaw's `normalizeTokenProfileName`: lower case, runs outside `[a-z0-9._]` become one `-`,
/// `-` trimmed at both ends, empty → `default`.
pub fn slug_profile_name(raw: &str) -> String {
    let lower = raw.trim().to_lowercase();
    let mut out = String::new();
    let mut dash = false;
    for c in lower.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_') {
            out.push(c);
            dash = false;
        } else if !dash {
            // `-` itself and every run of other characters become one `-`.
            out.push('-');
            dash = true;
        }
    }
    let slug = out.trim_matches('-').to_owned();
    if slug.is_empty() { "default".to_owned() } else { slug }
}

/// The profile id a paste writes: a given id with a `:` as it is (trimmed); a bare name slugged
/// under the provider; nothing → `<provider>:manual`.
pub fn resolve_profile_id(provider: &str, given: Option<&str>) -> Result<String, IdError> {
    let id = match given.map(str::trim).filter(|g| !g.is_empty()) {
        None => format!("{provider}:manual"),
        Some(g) if g.contains(':') => g.to_owned(),
        Some(g) => format!("{provider}:{}", slug_profile_name(g)),
    };
    validate_profile_id(&id)?;
    match profile_provider(&id) {
        Some(p) if p == provider => Ok(id),
        Some(p) => {
            Err(IdError::ProfileProviderMismatch { id: id.clone(), expected: provider.to_owned(), found: p.to_owned() })
        }
        None => Err(IdError::BadProfileId(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_ids() {
        assert!(is_valid_agent_id("main"));
        assert!(is_valid_agent_id("work_2-b"));
        assert!(!is_valid_agent_id("-x"));
        assert!(!is_valid_agent_id("Work"));
        assert_eq!(normalize_agent_id(" Work Bot "), "work-bot");
        assert_eq!(normalize_agent_id("../../etc"), "etc");
        assert_eq!(normalize_agent_id("///"), "main");
        assert_eq!(normalize_agent_id(&"a".repeat(80)).len(), 64);
        assert!(validate_agent_id("../../etc").is_err());
        assert!(validate_agent_id("a/b").is_err());
        assert!(validate_agent_id("a\0b").is_err());
    }

    #[test]
    fn profile_ids() {
        assert!(validate_profile_id("anthropic:manual").is_ok());
        assert!(validate_profile_id("google-antigravity:user@gmail.com").is_ok());
        for bad in ["anthropic", ":x", "a:", "a:../../x", "a:b/c", "a:b\0", "a:b\\c"] {
            assert!(validate_profile_id(bad).is_err(), "{bad}");
        }
        assert_eq!(profile_provider("openai-codex:me@x"), Some("openai-codex"));
    }

    proptest::proptest! {
        #[test]
        fn normalised_agent_ids_are_safe_path_segments(raw in "\\PC{0,100}") {
            let id = normalize_agent_id(&raw);
            proptest::prop_assert!(is_valid_agent_id(&id));
            proptest::prop_assert!(!id.contains('/') && !id.contains("..") && id != ".");
        }

        #[test]
        fn accepted_profile_ids_never_hold_path_parts(raw in "\\PC{0,60}") {
            if validate_profile_id(&raw).is_ok() {
                proptest::prop_assert!(!raw.contains('/') && !raw.contains("..") && !raw.contains('\0'));
            }
        }
    }
}
