//! Build script of the server: puts the web front end inside the binary and records the build's
//! git revision, so that one `cargo build -p server` (or `cargo install --path server --locked`)
//! gives a self-contained panel with no site directory to find at run time.
//!
//! The site is built here, in three steps, into `$OUT_DIR/site` (embedded by `src/assets.rs`):
//! 1. the `hydrate` crate for `wasm32-unknown-unknown` in the `wasm-release` profile, by a nested
//!    cargo with a target dir of its own (`<target>/site-build`: the outer build holds the lock
//!    of its own, and every profile of the outer build shares this one);
//! 2. wasm-bindgen, from the library the CLI is made of, at the version the wasm links (the
//!    workspace pins it), so no CLI has to be installed;
//! 3. gzip (level 9) and brotli (quality 11) variants of the wasm, the JS and the CSS. Only the
//!    variants are embedded; the server inflates the gzip one for the rare client that takes
//!    neither (the binary stays ~3 MB smaller).
//!
//! Invariants: the nested cargo never inherits the outer build's wrappers or flags (clippy's
//! driver, host rustflags, target); steps 2 and 3 are skipped when the wasm, CSS and public files
//! are byte-identical to the last embedding (a stamp of their SHA-256), so rerunning is cheap.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const OUTPUT_NAME: &str = "openclaw-auth-panel";

fn main() {
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir.parent().expect("server/ sits in the workspace").to_path_buf();
    let out_dir = PathBuf::from(env("OUT_DIR"));

    git_revision(&workspace);

    for input in ["app", "style", "public", "Cargo.lock", "Cargo.toml", ".cargo/config.toml"] {
        println!("cargo:rerun-if-changed={}", workspace.join(input).display());
    }
    let wasm = build_wasm(&workspace, &out_dir);
    embed_site(&workspace, &wasm, &out_dir.join("site"));
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("cargo sets {name} for build scripts"))
}

/// `OPENCLAW_PANEL_GIT_REV`: the commit this binary was built from (12 hex digits), or the value
/// of that variable when a packager sets it, else "unknown" (a source tarball).
fn git_revision(workspace: &Path) {
    println!("cargo:rerun-if-env-changed=OPENCLAW_PANEL_GIT_REV");
    let git_dir = workspace.join(".git");
    for watched in ["HEAD", "refs/heads", "packed-refs"] {
        let path = git_dir.join(watched);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    let revision = std::env::var("OPENCLAW_PANEL_GIT_REV").ok().filter(|r| !r.trim().is_empty()).unwrap_or_else(|| {
        Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .current_dir(workspace)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "unknown".to_owned())
    });
    println!("cargo:rustc-env=OPENCLAW_PANEL_GIT_REV={}", revision.trim());
}

/// The outer build's target dir: `$OUT_DIR` is `<target>/[<triple>/]<profile>/build/<pkg>-<hash>/out`.
fn target_dir(out_dir: &Path) -> PathBuf {
    if let Ok(dir) = std::env::var("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    out_dir
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "build"))
        .and_then(|build| build.parent())
        .and_then(|profile| profile.parent())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| out_dir.join("site-target"))
}

/// Step 1: the wasm front end, by a nested cargo. Returns the path of `hydrate.wasm`.
fn build_wasm(workspace: &Path, out_dir: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    check_wasm_target(&rustc);
    let site_target = target_dir(out_dir).join("site-build");
    let mut command = Command::new(&cargo);
    command
        .args(["build", "-p", "hydrate", "--lib", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"])
        .arg("--target-dir")
        .arg(&site_target)
        .current_dir(workspace);
    if std::env::var_os("CARGO_NET_OFFLINE").is_some() {
        command.arg("--offline");
    }
    // What the outer build set for itself must not reach the wasm build: clippy's driver as the
    // workspace wrapper, the host's rustflags, the outer target dir, the profile's settings.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let outer = name.starts_with("CARGO_CFG_")
            || name.starts_with("CARGO_FEATURE_")
            || name.starts_with("CARGO_PKG_")
            || name.starts_with("DEP_")
            || matches!(
                name.as_ref(),
                "RUSTC_WRAPPER"
                    | "RUSTC_WORKSPACE_WRAPPER"
                    | "RUSTFLAGS"
                    | "CARGO_ENCODED_RUSTFLAGS"
                    | "CARGO_BUILD_RUSTFLAGS"
                    | "CARGO_TARGET_DIR"
                    | "CARGO_BUILD_TARGET"
                    | "CARGO_BUILD_TARGET_DIR"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_INCREMENTAL"
                    | "OUT_DIR"
                    | "TARGET"
                    | "HOST"
                    | "OPT_LEVEL"
                    | "PROFILE"
                    | "DEBUG"
                    | "NUM_JOBS"
                    | "RUSTC_LINKER"
                    | "LEPTOS_OUTPUT_NAME"
            );
        if outer {
            command.env_remove(name.as_ref());
        }
    }
    let status = command.status().unwrap_or_else(|e| panic!("cannot run {cargo} for the wasm front end: {e}"));
    if !status.success() {
        panic!("building the wasm front end failed ({status}); see the errors above");
    }
    site_target.join("wasm32-unknown-unknown/wasm-release/hydrate.wasm")
}

/// A missing wasm target is the one setup step cargo cannot do itself: say so plainly.
fn check_wasm_target(rustc: &str) {
    let sysroot = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| PathBuf::from(s.trim()));
    if let Some(sysroot) = sysroot
        && !sysroot.join("lib/rustlib/wasm32-unknown-unknown").is_dir()
    {
        panic!(
            "the panel's front end is WebAssembly and this toolchain has no wasm32 target: run \
             `rustup target add wasm32-unknown-unknown`, then build again"
        );
    }
}

/// Steps 2 and 3: wasm-bindgen, the stylesheet and public files, the compressed variants.
fn embed_site(workspace: &Path, wasm: &Path, site: &Path) {
    let css = workspace.join("style/main.css");
    let public = workspace.join("public");
    let mut public_files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for entry in std::fs::read_dir(&public).expect("public/ holds the site's top-level files") {
        let entry = entry.expect("public/ is readable");
        if entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            let name = entry.file_name().to_string_lossy().into_owned();
            public_files.insert(name, std::fs::read(entry.path()).expect("public file readable"));
        }
    }
    let css_bytes = std::fs::read(&css).expect("style/main.css is readable");
    let wasm_bytes = std::fs::read(wasm).expect("the wasm build left hydrate.wasm");

    let mut stamp = Sha256::new();
    stamp.update(env!("CARGO_PKG_VERSION"));
    stamp.update(&wasm_bytes);
    stamp.update(&css_bytes);
    for (name, bytes) in &public_files {
        stamp.update(name.as_bytes());
        stamp.update(bytes);
    }
    let stamp: String = stamp.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let stamp_file = site.join(".stamp");
    if std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) {
        return;
    }

    if site.exists() {
        std::fs::remove_dir_all(site).expect("the old embedded site can be removed");
    }
    let pkg = site.join("pkg");
    let bindgen_out = site.with_file_name("bindgen");
    if bindgen_out.exists() {
        std::fs::remove_dir_all(&bindgen_out).expect("old bindgen output removable");
    }
    std::fs::create_dir_all(&pkg).expect("OUT_DIR is writable");
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(wasm)
        .web(true)
        .expect("the web target is valid")
        .typescript(false)
        .remove_name_section(true)
        .out_name(OUTPUT_NAME);
    bindgen.generate(&bindgen_out).unwrap_or_else(|e| panic!("wasm-bindgen failed on {}: {e:#}", wasm.display()));

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in std::fs::read_dir(&bindgen_out).expect("bindgen wrote its output") {
        let entry = entry.expect("bindgen output readable");
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().map(|t| t.is_file()).unwrap_or(false) && (name.ends_with(".wasm") || name.ends_with(".js"))
        {
            files.push((name, std::fs::read(entry.path()).expect("bindgen output readable")));
        } else {
            panic!(
                "wasm-bindgen wrote {name}, which the panel does not serve: add it to server/build.rs and src/assets.rs"
            );
        }
    }
    files.push((format!("{OUTPUT_NAME}.css"), css_bytes));
    for (name, raw) in &files {
        write(&pkg.join(format!("{name}.gz")), &gzip(raw));
        write(&pkg.join(format!("{name}.br")), &brotli(raw));
    }
    for (name, bytes) in &public_files {
        write(&site.join(name), bytes);
    }
    std::fs::remove_dir_all(&bindgen_out).expect("bindgen output removable");
    write(&stamp_file, stamp.as_bytes());
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn gzip(raw: &[u8]) -> Vec<u8> {
    // No name and a zero time in the header (as `gzip -n`): the same input gives the same bytes.
    let mut encoder = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::best());
    encoder.write_all(raw).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn brotli(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 24, ..Default::default() };
    brotli::BrotliCompress(&mut &raw[..], &mut out, &params).expect("compressing in memory");
    out
}
