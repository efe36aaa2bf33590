//! JSON text exactly as OpenClaw writes it: `JSON.stringify(value, null, 2) + "\n"`.
//!
//! serde_json's pretty printer agrees on indentation but not on everything JavaScript does:
//! objects put integer-like keys first in ascending order (JS property order), numbers print the
//! JS way (`1000` not `1000.0`, `1e-7`, `1e+21`), and only `"`, `\` and control characters are
//! escaped (`\b \f \n \r \t`, else `\u00xx`). Writing through this module keeps every byte of
//! data we did not change identical to what OpenClaw itself would write.

use serde_json::Value;

/// `JSON.stringify(value, null, 2) + "\n"`.
pub fn stringify_pretty(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out.push('\n');
    out
}

/// `JSON.stringify(value)`: compact, the form OpenClaw stores in its SQLite rows.
pub fn stringify_compact(value: &Value) -> String {
    let mut out = String::new();
    write_compact(&mut out, value);
    out
}

fn write_compact(out: &mut String, value: &Value) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<(&String, &Value)> = map.iter().collect();
            keys.sort_by_key(|(k, _)| match array_index(k) {
                Some(n) => (0, n),
                None => (1, 0),
            });
            out.push('{');
            for (i, (key, item)) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_compact(out, item);
            }
            out.push('}');
        }
        other => write_value(out, other, 0),
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// Whether JavaScript treats `key` as an array index (ordered first, ascending).
fn array_index(key: &str) -> Option<u32> {
    if key.is_empty() || (key.len() > 1 && key.starts_with('0')) || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse::<u32>().ok().filter(|n| *n != u32::MAX)
}

fn write_value(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(out, level + 1);
                write_value(out, item, level + 1);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, level);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut keys: Vec<(&String, &Value)> = map.iter().collect();
            // JS property order: array indices ascending, then the rest in insertion order.
            keys.sort_by_key(|(k, _)| match array_index(k) {
                Some(n) => (0, n),
                None => (1, 0),
            });
            out.push_str("{\n");
            for (i, (key, item)) in keys.iter().enumerate() {
                indent(out, level + 1);
                write_string(out, key);
                out.push_str(": ");
                write_value(out, item, level + 1);
                if i + 1 < keys.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, level);
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &serde_json::Number) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(f) = n.as_f64() {
        out.push_str(&js_number(f));
    }
}

/// `Number.prototype.toString()` for a finite double (JSON.stringify writes `null` otherwise).
pub fn js_number(f: f64) -> String {
    if !f.is_finite() {
        return "null".to_owned();
    }
    if f == 0.0 {
        return "0".to_owned();
    }
    // Shortest round-trip digits, then JavaScript's choice between plain and exponent form.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("numeric exponent");
    if (-7 < exp) && (exp < 21) {
        let plain = format!("{f}");
        return plain;
    }
    let sign = if exp > 0 { "+" } else { "" };
    format!("{mantissa}e{sign}{exp}")
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matches_javascript_on_the_tricky_parts() {
        let v: Value = serde_json::from_str(
            r#"{"b":1,"10":"ten","a":{"2":true,"1":null},"e":[],"o":{},"s":"q\"\\\n\u0001é","n":[1.5,1e-7,1e21,1000.0,-0.0]}"#,
        )
        .unwrap();
        let expected = "{\n  \"10\": \"ten\",\n  \"b\": 1,\n  \"a\": {\n    \"1\": null,\n    \"2\": true\n  },\n  \"e\": [],\n  \"o\": {},\n  \"s\": \"q\\\"\\\\\\n\\u0001é\",\n  \"n\": [\n    1.5,\n    1e-7,\n    1e+21,\n    1000,\n    0\n  ]\n}\n";
        assert_eq!(stringify_pretty(&v), expected);
        assert_eq!(js_number(0.000001), "0.000001");
        assert_eq!(js_number(123456789012345680000.0), "123456789012345680000");
        assert_eq!(js_number(-2.5e-8), "-2.5e-8");
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-z0-9:@._ -]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(("[a-z][a-z0-9:._-]{0,10}", inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// For data OpenClaw wrote (non-index keys), our text is serde_json's 2-space pretty
        /// print plus a newline, and reading it back gives the same value.
        #[test]
        fn round_trips_and_agrees_with_pretty_printing(v in arb_json()) {
            let text = stringify_pretty(&v);
            prop_assert_eq!(&text, &format!("{}\n", serde_json::to_string_pretty(&v).unwrap()));
            let back: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&back, &v);
            prop_assert_eq!(stringify_pretty(&back), text);
            prop_assert_eq!(stringify_compact(&v), serde_json::to_string(&v).unwrap());
        }
    }
}
