//! The gateway's HTTP health endpoints (OpenClaw 2026.5+; 2026.3.x on Node 26 answers 500 to every
//! HTTP path, so its liveness comes from the WebSocket instead):
//! - `/healthz` → `200 {"ok":true,"status":"live"}`: the process answers;
//! - `/readyz` → `200 | 503 {"ready":bool,"failing":[…],"uptimeMs":n}`: it serves requests;
//! - `/startupz` (9.x) → `{"ok","status","version","uptimeMs"}`: its version.
//!
//! One `GET` per connection with `Connection: close`, on 127.0.0.1, with a timeout, the answer
//! capped at 64 KiB: three fixed requests to a local process do not need an HTTP client stack.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The most of an answer read.
const MAX_ANSWER: u64 = 64 * 1024;

/// Why a probe got no answer.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("nothing listens on 127.0.0.1:{0}")]
    Refused(u16),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("the answer is not HTTP")]
    NotHttp,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// An HTTP answer: status and, when the body is JSON, the body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub json: Option<Value>,
}

/// `GET <path>` on `127.0.0.1:<port>`.
pub async fn get(port: u16, path: &str, timeout: Duration) -> Result<Answer, ProbeError> {
    tokio::time::timeout(timeout, get_inner(port, path)).await.map_err(|_| ProbeError::Timeout(timeout))?
}

async fn get_inner(port: u16, path: &str) -> Result<Answer, ProbeError> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::ConnectionRefused => ProbeError::Refused(port),
        _ => ProbeError::Io(e),
    })?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut bytes = Vec::new();
    stream.take(MAX_ANSWER).read_to_end(&mut bytes).await?;
    let text = String::from_utf8_lossy(&bytes);
    let status = text
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or(ProbeError::NotHttp)?;
    let body = text.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or("");
    let chunked = text
        .split_once("\r\n\r\n")
        .is_some_and(|(head, _)| head.to_ascii_lowercase().contains("transfer-encoding: chunked"));
    let body = if chunked { dechunk(body) } else { body.to_owned() };
    Ok(Answer { status, json: serde_json::from_str(body.trim()).ok() })
}

/// A chunked body joined (enough for the small JSON bodies these endpoints send).
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn serve_once(answer: &'static str) -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await;
            s.write_all(answer.as_bytes()).await.unwrap();
        });
        port
    }

    #[tokio::test]
    async fn reads_status_and_json_plain_and_chunked() {
        let port =
            serve_once("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n\r\n{\"ready\":false}")
                .await;
        let a = get(port, "/readyz", Duration::from_secs(2)).await.unwrap();
        assert_eq!((a.status, a.json.unwrap()["ready"].as_bool()), (503, Some(false)));
        let port =
            serve_once("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"ok\"\r\n6\r\n:true}\r\n0\r\n\r\n")
                .await;
        let a = get(port, "/healthz", Duration::from_secs(2)).await.unwrap();
        assert_eq!((a.status, a.json.unwrap()["ok"].as_bool()), (200, Some(true)));
    }

    #[tokio::test]
    async fn nothing_listening_and_silence_are_told_apart() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        assert!(matches!(get(port, "/healthz", Duration::from_secs(2)).await, Err(ProbeError::Refused(_))));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let silent = tokio::spawn(async move { listener.accept().await.map(|(s, _)| s) });
        let e = get(port, "/healthz", Duration::from_millis(300)).await.unwrap_err();
        assert!(matches!(e, ProbeError::Timeout(_)), "{e}");
        drop(silent);
    }
}
