//! OpenClaw's secret masking (`maskApiKey`): what the panel shows instead of a secret.
//!
//! The rule is OpenClaw's so labels match `openclaw models status` exactly: trim; empty → `missing`;
//! up to 6 characters → first 1 + `...` + last 1; up to 16 → first 2 + `...` + last 2; longer →
//! first 8 + `...` + last 8. Lengths count UTF-16 code units, as JavaScript does.

/// Masks a secret the way OpenClaw's `models status` does.
pub fn mask_secret(secret: &str) -> String {
    let trimmed = secret.trim();
    let units: Vec<u16> = trimmed.encode_utf16().collect();
    let len = units.len();
    if len == 0 {
        return "missing".to_owned();
    }
    let keep = if len <= 6 {
        1
    } else if len <= 16 {
        2
    } else {
        8
    };
    let head = String::from_utf16_lossy(&units[..keep]);
    let tail = String::from_utf16_lossy(&units[len - keep..]);
    format!("{head}...{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_by_length_like_openclaw() {
        assert_eq!(mask_secret(""), "missing");
        assert_eq!(mask_secret("   "), "missing");
        assert_eq!(mask_secret("abc"), "a...c");
        assert_eq!(mask_secret("abcdef"), "a...f");
        assert_eq!(mask_secret("abcdefg"), "ab...fg");
        assert_eq!(mask_secret("0123456789abcdef"), "01...ef");
        assert_eq!(mask_secret("0123456789abcdefg"), "01234567...9abcdefg");
        assert_eq!(mask_secret("sk-ant-oat01-FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE-BBBBBBBB"), "sk-ant-o...BBBBBBBB");
    }

    #[test]
    fn trims_before_masking() {
        assert_eq!(mask_secret("  sk-or-v1-0123456789-ZZZZZZZZ \n"), "sk-or-v1...ZZZZZZZZ");
    }

    proptest::proptest! {
        #[test]
        fn never_reveals_more_than_sixteen_characters(s in "\\PC{0,200}") {
            let masked = mask_secret(&s);
            let shown = masked.encode_utf16().count();
            proptest::prop_assert!(shown <= 8 + 3 + 8 || masked == "missing");
            // A secret longer than 16 units never shows its middle.
            if s.trim().encode_utf16().count() > 16 {
                proptest::prop_assert_eq!(shown, 19);
            }
        }
    }
}
