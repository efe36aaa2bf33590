//! What the panel shows instead of a secret: OpenClaw's masking rule (`maskApiKey`), made
//! stricter on purpose for mid-length secrets.
//!
//! OpenClaw's rule ([`openclaw_mask`]): trim; empty → `missing`; up to 6 characters → first 1 +
//! `...` + last 1; up to 16 → first 2 + `...` + last 2; longer → first 8 + `...` + last 8. Lengths
//! count UTF-16 code units, as JavaScript does.
//!
//! Deliberate difference ([`mask_secret`], used everywhere the panel shows a secret: page, JSON,
//! metrics, doctor, audit): a secret of 17–31 characters shows first 4 + last 4, not 8 + 8. Under
//! OpenClaw's rule a 17-character key shows 16 of its characters, and the rest is guessed in a
//! handful of tries (security issue 15). Every other length keeps OpenClaw's rule, so labels still
//! match `openclaw models status` there.
//!
//! Invariant: no mask shows more than half of a secret of 17 characters or more.

/// The shortest secret OpenClaw shows 8 + 8 characters of.
const LONG: usize = 17;
/// The shortest secret the panel shows 8 + 8 characters of (16 hidden at least).
const LONG_ENOUGH_FOR_EIGHT: usize = 32;

/// Masks a secret the way the panel shows it: OpenClaw's rule, but 4 + 4 for 17–31 characters.
pub fn mask_secret(secret: &str) -> String {
    mask_with(secret, |len| match len {
        0..=6 => 1,
        7..=16 => 2,
        LONG..LONG_ENOUGH_FOR_EIGHT => 4,
        _ => 8,
    })
}

/// Masks a secret exactly as OpenClaw's `models status` does (for comparing with its output).
pub fn openclaw_mask(secret: &str) -> String {
    mask_with(secret, |len| match len {
        0..=6 => 1,
        7..=16 => 2,
        _ => 8,
    })
}

/// OpenClaw's mask of a secret turned into the panel's, for a secret of `len` UTF-16 units:
/// what a test expects from us where OpenClaw printed `theirs`.
pub fn panel_mask_of_openclaw(theirs: &str, len: usize) -> String {
    if !(LONG..LONG_ENOUGH_FOR_EIGHT).contains(&len) {
        return theirs.to_owned();
    }
    match theirs.split_once("...") {
        Some((head, tail)) => {
            let head: Vec<u16> = head.encode_utf16().take(4).collect();
            let tail: Vec<u16> = tail.encode_utf16().collect();
            let tail = &tail[tail.len().saturating_sub(4)..];
            format!("{}...{}", String::from_utf16_lossy(&head), String::from_utf16_lossy(tail))
        }
        None => theirs.to_owned(),
    }
}

fn mask_with(secret: &str, keep: impl Fn(usize) -> usize) -> String {
    let trimmed = secret.trim();
    let units: Vec<u16> = trimmed.encode_utf16().collect();
    let len = units.len();
    if len == 0 {
        return "missing".to_owned();
    }
    let keep = keep(len);
    let head = String::from_utf16_lossy(&units[..keep]);
    let tail = String::from_utf16_lossy(&units[len - keep..]);
    format!("{head}...{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_by_length_like_openclaw_but_four_and_four_for_mid_lengths() {
        assert_eq!(mask_secret(""), "missing");
        assert_eq!(mask_secret("   "), "missing");
        assert_eq!(mask_secret("abc"), "a...c");
        assert_eq!(mask_secret("abcdef"), "a...f");
        assert_eq!(mask_secret("abcdefg"), "ab...fg");
        assert_eq!(mask_secret("0123456789abcdef"), "01...ef");
        assert_eq!(openclaw_mask("0123456789abcdefg"), "01234567...9abcdefg");
        assert_eq!(mask_secret("0123456789abcdefg"), "0123...defg");
        assert_eq!(mask_secret("0123456789abcdefghijklmnopqrstu"), "0123...rstu", "31 characters");
        assert_eq!(mask_secret("0123456789abcdefghijklmnopqrstuv"), "01234567...opqrstuv", "32 characters");
        assert_eq!(mask_secret("sk-ant-oat01-FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE-BBBBBBBB"), "sk-ant-o...BBBBBBBB");
    }

    #[test]
    fn trims_before_masking() {
        assert_eq!(openclaw_mask("  sk-or-v1-0123456789-ZZZZZZZZ \n"), "sk-or-v1...ZZZZZZZZ");
        assert_eq!(mask_secret("  sk-or-v1-0123456789-ZZZZZZZZ \n"), "sk-o...ZZZZ");
    }

    #[test]
    fn openclaws_mask_turns_into_ours_for_every_length() {
        for len in 1..80 {
            let secret: String = (0..len).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            assert_eq!(panel_mask_of_openclaw(&openclaw_mask(&secret), len), mask_secret(&secret), "length {len}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_reveals_half_of_a_secret_longer_than_sixteen(s in "\\PC{0,200}") {
            let masked = mask_secret(&s);
            let shown = masked.encode_utf16().count();
            proptest::prop_assert!(shown <= 8 + 3 + 8 || masked == "missing");
            let len = s.trim().encode_utf16().count();
            if len > 16 {
                // At most half shown: 4 + 4 of 17–31, 8 + 8 of 32 and more.
                proptest::prop_assert!((shown - 3) * 2 <= len, "{} of {} shown", shown - 3, len);
            }
        }
    }
}
