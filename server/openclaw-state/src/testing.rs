//! Helpers for tests in this crate and the server crate: copies of the states the real OpenClaw
//! wrote (`fixtures/`), with the absolute agent dirs OpenClaw recorded pointed at the copy, and
//! [`TreeSnapshot`], the one way tests capture a state tree and ask what changed in it.
//!
//! Compiled only for this crate's tests and under the `test-support` feature, which other crates
//! enable in their `[dev-dependencies]`: the shipped library holds none of it (no non-test code
//! uses it; the demo state is seeded by `server/src/demo.rs` on its own).

mod tree;

use std::path::{Path, PathBuf};

pub use tree::{Aspect, CaptureOptions, TreeChange, TreeSnapshot};

use serde_json::Value;

/// The fixtures dir (states written by OpenClaw 2026.3.31, 2026.5.28, 2026.9.6).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Copies fixture `name` to `<home>/.openclaw` and points the absolute `agentDir` / `workspace`
/// paths OpenClaw recorded at the copy (written back in OpenClaw's format, only if they changed).
pub fn relocate_fixture(name: &str, home: &Path) -> PathBuf {
    let state = home.join(".openclaw");
    copy_dir(&fixtures_dir().join(name), &state);
    let config_path = state.join("openclaw.json");
    let text = std::fs::read_to_string(&config_path).expect("fixture config");
    let mut config: Value = serde_json::from_str(&text).expect("fixture config is JSON");
    let fix = |agent: &mut Value| {
        for key in ["agentDir", "workspace"] {
            if let Some(Value::String(p)) = agent.get_mut(key)
                && let Some((_, rest)) = p.split_once("/.openclaw")
            {
                *p = format!("{}{rest}", state.display());
            }
        }
    };
    if let Some(list) = config.pointer_mut("/agents/list").and_then(Value::as_array_mut) {
        list.iter_mut().for_each(fix);
    }
    if let Some(map) = config.pointer_mut("/agents/entries").and_then(Value::as_object_mut) {
        map.values_mut().for_each(fix);
    }
    let relocated = crate::write::json_text::stringify_pretty(&config);
    if relocated != text {
        std::fs::write(&config_path, relocated).expect("write config");
    }
    state
}
