//! The built site's static files (wasm, JS, CSS, favicon), held in memory from the start with
//! their precompressed variants, and served with content negotiation and caching:
//! - `/pkg/<build hash>/<file>`: the names the page uses; `Cache-Control: public, max-age=1 year,
//!   immutable`, since a new build has a new hash (a hash that is not this build's is a 404, so an
//!   old page never caches new bytes under an old name);
//! - `/pkg/<file>` and `/favicon.svg`: unhashed, revalidated (`no-cache` with an `ETag`).
//!
//! Each file is sent as brotli (`<file>.br`), gzip (`<file>.gz`) or raw, as the client accepts,
//! never compressed per request (`scripts/build.sh` writes the variants; a file without them is
//! sent raw and the response compression layer leaves an encoded answer alone).
//!
//! The files come from the binary itself (`build.rs` embeds the site it builds: only the gzip and
//! brotli variants of the pkg files, the raw bytes inflated here at start) or, with
//! `--site-root`, from a built site directory.
//!
//! Invariant: only files of the site's `pkg/` and its top level are served, by exact name
//! from the map built at start: no path from a request ever reaches the file system.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

/// One file and its encodings.
#[derive(Debug, Clone)]
struct Asset {
    content_type: &'static str,
    raw: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
    /// Quoted, from the raw bytes' SHA-256.
    etag: HeaderValue,
}

/// The site's files, loaded once.
#[derive(Debug, Clone)]
pub struct Assets {
    /// 16 hex digits over every file: the `pkg/<hash>` of this build.
    hash: String,
    /// `pkg/` files by name.
    pkg: BTreeMap<String, Asset>,
    /// Top-level files (the favicon) by name.
    top: BTreeMap<String, Asset>,
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "wasm" => "application/wasm",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The site as files by relative path (`pkg/<name>`, `<name>`), from either source.
type Files = BTreeMap<String, Bytes>;

/// The files of a built site directory: `pkg/*` and the top level (dot files skipped).
fn read_site_dir(site_root: &Path) -> std::io::Result<Files> {
    let mut files = Files::new();
    for (dir, prefix) in [(site_root.join("pkg"), "pkg/"), (site_root.to_path_buf(), "")] {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            if entry.file_type()?.is_file()
                && let Some(name) = entry.file_name().to_str()
                && !name.starts_with('.')
            {
                files.insert(format!("{prefix}{name}"), Bytes::from(std::fs::read(entry.path())?));
            }
        }
    }
    Ok(files)
}

/// The site built into the binary by `build.rs` (`$OUT_DIR/site`): the compressed variants of the
/// pkg files and the top-level files as they are.
#[derive(rust_embed::Embed)]
#[folder = "$OUT_DIR/site"]
struct EmbeddedSite;

fn embedded_files() -> Files {
    EmbeddedSite::iter()
        .filter(|path| !path.rsplit('/').next().unwrap_or("").starts_with('.'))
        .filter_map(|path| {
            let file = EmbeddedSite::get(&path)?;
            let bytes = match file.data {
                std::borrow::Cow::Borrowed(data) => Bytes::from_static(data),
                std::borrow::Cow::Owned(data) => Bytes::from(data),
            };
            Some((path.into_owned(), bytes))
        })
        .collect()
}

/// Why the site cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum AssetsError {
    #[error("cannot read the site: {0}")]
    Read(#[from] std::io::Error),
    #[error("{0}.gz is not valid gzip ({1}); rebuild the site")]
    Inflate(String, std::io::Error),
}

/// The raw bytes of a file that ships only compressed (the embedded site), from its gzip variant.
fn inflate(gzip: &[u8]) -> std::io::Result<Bytes> {
    use std::io::Read;
    let mut raw = Vec::with_capacity(gzip.len() * 4);
    flate2::read::GzDecoder::new(gzip).read_to_end(&mut raw)?;
    Ok(Bytes::from(raw))
}

/// Assets by name.
type ByName = BTreeMap<String, Asset>;

/// Groups `files` by name with their variants: those under `pkg/`, and those at the top level.
fn index(files: &Files, hasher: &mut Sha256) -> Result<(ByName, ByName), AssetsError> {
    // Every name that is a file or the base of a variant.
    let mut names: Vec<&str> = files
        .keys()
        .map(|path| path.strip_suffix(".gz").or_else(|| path.strip_suffix(".br")).unwrap_or(path))
        .collect();
    names.sort_unstable();
    names.dedup();
    let (mut pkg, mut top) = (BTreeMap::new(), BTreeMap::new());
    for path in names {
        let gzip = files.get(&format!("{path}.gz")).cloned();
        let raw = match (files.get(path), &gzip) {
            (Some(raw), _) => raw.clone(),
            (None, Some(gz)) => inflate(gz).map_err(|e| AssetsError::Inflate(path.to_owned(), e))?,
            // A lone .br: not servable to every client, so not served at all.
            (None, None) => continue,
        };
        let digest = Sha256::digest(&raw);
        let name = path.strip_prefix("pkg/").unwrap_or(path);
        hasher.update(name.as_bytes());
        hasher.update(digest);
        let etag = format!("\"{}\"", hex_prefix(&digest, 20));
        let asset = Asset {
            content_type: content_type(name),
            gzip,
            brotli: files.get(&format!("{path}.br")).cloned(),
            raw,
            etag: HeaderValue::from_str(&etag).expect("hex is a valid header value"),
        };
        if path.starts_with("pkg/") {
            pkg.insert(name.to_owned(), asset);
        } else if !path.contains('/') {
            top.insert(name.to_owned(), asset);
        }
    }
    Ok((pkg, top))
}

fn hex_prefix(bytes: &[u8], n: usize) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()[..n].to_owned()
}

impl Assets {
    /// Reads `<site_root>/pkg/*` and the files at `<site_root>`'s top level (`--site-root`).
    pub fn load(site_root: &Path) -> Result<Self, AssetsError> {
        Self::from_files(&read_site_dir(site_root)?)
    }

    /// The site built into this binary.
    pub fn embedded() -> Result<Self, AssetsError> {
        Self::from_files(&embedded_files())
    }

    fn from_files(files: &Files) -> Result<Self, AssetsError> {
        let mut hasher = Sha256::new();
        let (pkg, top) = index(files, &mut hasher)?;
        Ok(Self { hash: hex_prefix(&hasher.finalize(), 16), pkg, top })
    }

    /// Whether the wasm, its JS glue and the stylesheet are all there (a page can hydrate).
    pub fn is_complete(&self) -> bool {
        let name = crate::http::OUTPUT_NAME;
        [format!("{name}_bg.wasm"), format!("{name}.js"), format!("{name}.css")]
            .iter()
            .all(|f| self.pkg.contains_key(f))
    }

    /// No files (a router without a built site).
    pub fn empty() -> Self {
        Self { hash: "0000000000000000".to_owned(), pkg: BTreeMap::new(), top: BTreeMap::new() }
    }

    /// `pkg/<hash>`: the pkg dir the page names (Leptos' `site_pkg_dir`).
    pub fn pkg_dir(&self) -> String {
        format!("pkg/{}", self.hash)
    }

    /// The routes: `/pkg/{hash}/{file}`, `/pkg/{file}`, and each top-level file.
    pub fn routes(self) -> axum::Router {
        let top: Vec<String> = self.top.keys().cloned().collect();
        let state = Arc::new(self);
        let mut router = axum::Router::new()
            .route("/pkg/{hash}/{file}", get(hashed).head(hashed))
            .route("/pkg/{file}", get(unhashed).head(unhashed));
        for name in top {
            let path = format!("/{name}");
            let handler = move |State(assets): State<Arc<Assets>>, method: Method, headers: HeaderMap| {
                let name = name.clone();
                async move { serve(assets.top.get(&name), &method, &headers, Caching::Revalidate) }
            };
            router = router.route(&path, get(handler.clone()).head(handler));
        }
        router.with_state(state)
    }
}

#[derive(Clone, Copy)]
enum Caching {
    Immutable,
    Revalidate,
}

async fn hashed(
    State(assets): State<Arc<Assets>>,
    UrlPath((hash, file)): UrlPath<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    if hash != assets.hash {
        return not_found();
    }
    serve(assets.pkg.get(&file), &method, &headers, Caching::Immutable)
}

async fn unhashed(
    State(assets): State<Arc<Assets>>,
    UrlPath(file): UrlPath<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    serve(assets.pkg.get(&file), &method, &headers, Caching::Revalidate)
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], "no such file\n").into_response()
}

/// Whether `encoding` is acceptable per `Accept-Encoding` (a `q=0` refuses it).
fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused =
                parts.filter_map(|p| p.strip_prefix("q=")).any(|q| q.trim().parse::<f32>().is_ok_and(|q| q == 0.0));
            name.eq_ignore_ascii_case(encoding) && !refused
        },
    )
}

fn serve(asset: Option<&Asset>, method: &Method, headers: &HeaderMap, caching: Caching) -> Response {
    let Some(asset) = asset else { return not_found() };
    let cache = match caching {
        Caching::Immutable => "public, max-age=31536000, immutable",
        Caching::Revalidate => "no-cache",
    };
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == asset.etag.as_bytes()) {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, asset.etag.clone())
            .header(header::CACHE_CONTROL, cache)
            .header(header::VARY, "accept-encoding")
            .body(Body::empty())
            .expect("static response");
    }
    let (body, encoding) = match (&asset.brotli, &asset.gzip) {
        (Some(br), _) if accepts(headers, "br") => (br.clone(), Some("br")),
        (_, Some(gz)) if accepts(headers, "gzip") => (gz.clone(), Some("gzip")),
        _ => (asset.raw.clone(), None),
    };
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, asset.content_type)
        .header(header::CONTENT_LENGTH, body.len())
        .header(header::ETAG, asset.etag.clone())
        .header(header::CACHE_CONTROL, cache)
        .header(header::VARY, "accept-encoding");
    if let Some(encoding) = encoding {
        response = response.header(header::CONTENT_ENCODING, encoding);
    }
    let body = if *method == Method::HEAD { Body::empty() } else { Body::from(body) };
    response.body(body).expect("static response")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
        h
    }

    #[test]
    fn accept_encoding_is_read_with_its_refusals() {
        assert!(accepts(&headers("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&headers("gzip;q=1.0, br;q=0.5"), "br"));
        assert!(!accepts(&headers("gzip, br;q=0"), "br"));
        assert!(!accepts(&headers("identity"), "gzip"));
        assert!(accepts(&headers("GZIP"), "gzip"));
    }
}

#[cfg(test)]
mod serving {
    use super::*;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        std::fs::write(dir.path().join("pkg/app.wasm"), b"raw wasm bytes").unwrap();
        std::fs::write(dir.path().join("pkg/app.wasm.br"), b"brotli bytes").unwrap();
        std::fs::write(dir.path().join("pkg/app.wasm.gz"), b"gzip bytes").unwrap();
        std::fs::write(dir.path().join("pkg/app.css"), b"body{}").unwrap();
        std::fs::write(dir.path().join("favicon.svg"), b"<svg/>").unwrap();
        dir
    }

    async fn get(router: &axum::Router, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut request = Request::get(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let (parts, body) = response.into_parts();
        (parts.status, parts.headers, body.collect().await.unwrap().to_bytes().to_vec())
    }

    #[tokio::test]
    async fn hashed_names_are_immutable_and_each_encoding_is_served_as_asked() {
        let dir = site();
        let assets = Assets::load(dir.path()).unwrap();
        let pkg = format!("/{}", assets.pkg_dir());
        let router = assets.routes();
        let (status, h, body) =
            get(&router, &format!("{pkg}/app.wasm"), &[("accept-encoding", "gzip, deflate, br")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, b"brotli bytes");
        assert_eq!(h[header::CONTENT_ENCODING], "br");
        assert_eq!(h[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(h[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(h[header::VARY], "accept-encoding");
        let (_, h, body) = get(&router, &format!("{pkg}/app.wasm"), &[("accept-encoding", "gzip")]).await;
        assert_eq!(
            (body.as_slice(), &h[header::CONTENT_ENCODING]),
            (b"gzip bytes".as_slice(), &HeaderValue::from_static("gzip"))
        );
        let (_, h, body) = get(&router, &format!("{pkg}/app.wasm"), &[]).await;
        assert_eq!(body, b"raw wasm bytes");
        assert!(h.get(header::CONTENT_ENCODING).is_none());
        // No variant: raw whatever is accepted.
        let (_, h, body) = get(&router, &format!("{pkg}/app.css"), &[("accept-encoding", "br")]).await;
        assert_eq!((body.as_slice(), h.get(header::CONTENT_ENCODING)), (b"body{}".as_slice(), None));
        // Revalidation by ETag.
        let etag = h[header::ETAG].to_str().unwrap().to_owned();
        let (status, _, body) = get(&router, &format!("{pkg}/app.css"), &[("if-none-match", &etag)]).await;
        assert_eq!((status, body.len()), (StatusCode::NOT_MODIFIED, 0));
        // Another build's hash, an unknown file, a path outside: not found.
        for uri in [
            "/pkg/0123456789abcdef/app.css",
            &format!("{pkg}/nope.js"),
            &format!("{pkg}/..%2Fapp.css"),
            "/pkg/app.wasm.br",
        ] {
            assert_eq!(get(&router, uri, &[]).await.0, StatusCode::NOT_FOUND, "{uri}");
        }
        // Unhashed names and the favicon: revalidated, not immutable.
        let (status, h, _) = get(&router, "/pkg/app.css", &[]).await;
        assert_eq!((status, &h[header::CACHE_CONTROL]), (StatusCode::OK, &HeaderValue::from_static("no-cache")));
        let (status, h, body) = get(&router, "/favicon.svg", &[]).await;
        assert_eq!((status, body.as_slice()), (StatusCode::OK, b"<svg/>".as_slice()));
        assert_eq!(h[header::CONTENT_TYPE], "image/svg+xml");
    }

    #[test]
    fn the_hash_follows_the_content() {
        let dir = site();
        let before = Assets::load(dir.path()).unwrap().pkg_dir();
        assert_eq!(Assets::load(dir.path()).unwrap().pkg_dir(), before);
        std::fs::write(dir.path().join("pkg/app.css"), b"body{color:red}").unwrap();
        assert_ne!(Assets::load(dir.path()).unwrap().pkg_dir(), before);
    }
}
