//! The RPC client and `gateway_status` against a small stand-in gateway on loopback (the real
//! OpenClaw gateways are started in `server/tests/gateway_real.rs`): a gateway that lets the panel
//! in, one that refuses its token, one that never sends its challenge, one that restarts on
//! request but never becomes ready again, and none at all. The
//! stand-in answers as OpenClaw 2026.9.6 does (frames read in its dist; `/work/shared` §11).

// tungstenite's handshake callback returns its own (large) error response type.
#![allow(clippy::result_large_err)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use openclaw_state::config::Config;
use panel_gateway::discover::{GatewayTarget, StateEnv};
use panel_gateway::rpc::{GatewayClient, RpcError, Timeouts};
use panel_gateway::status::{Reach, gateway_status};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

const TOKEN: &str = "test-gateway-token-0123456789";

#[derive(Clone, Copy)]
enum Behaviour {
    LetIn,
    WrongToken,
    Silent,
    /// `/readyz` answers 503 forever; `gateway.restart.request` is accepted, then the connection
    /// closes (as a restarting gateway's does).
    NeverReady,
}

/// What the stand-in saw: the `connect` params and whether an `Origin` header came.
#[derive(Default)]
struct Seen {
    connect: Option<Value>,
    origin: bool,
}

async fn stand_in(behaviour: Behaviour) -> (u16, Arc<Mutex<Seen>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let shared = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let seen = shared.clone();
            tokio::spawn(async move {
                if matches!(behaviour, Behaviour::NeverReady) && !is_upgrade(&stream).await {
                    not_ready(stream).await;
                    return;
                }
                let origin = Arc::new(Mutex::new(false));
                let flag = origin.clone();
                let callback = move |request: &Request, response: Response| {
                    *flag.lock().unwrap() = request.headers().contains_key("origin");
                    Ok(response)
                };
                // HTTP probes are not upgrades: the handshake fails and the connection closes.
                let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else { return };
                seen.lock().unwrap().origin = *origin.lock().unwrap();
                if matches!(behaviour, Behaviour::Silent) {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    return;
                }
                let challenge =
                    json!({"type": "event", "event": "connect.challenge", "payload": {"nonce": "n-1", "ts": 1}});
                ws.send(Message::text(challenge.to_string())).await.unwrap();
                while let Some(Ok(Message::Text(text))) = ws.next().await {
                    let frame: Value = serde_json::from_str(text.as_str()).unwrap();
                    let id = frame["id"].clone();
                    let answer = match frame["method"].as_str().unwrap() {
                        "connect" => {
                            seen.lock().unwrap().connect = Some(frame["params"].clone());
                            let token_ok = frame["params"]["auth"]["token"] == TOKEN;
                            if matches!(behaviour, Behaviour::WrongToken) || !token_ok {
                                json!({"type": "res", "id": id, "ok": false, "error": {"code": "INVALID_REQUEST",
                                    "message": "unauthorized: gateway token mismatch (provide gateway auth token)",
                                    "details": {"code": "AUTH_TOKEN_MISMATCH", "authReason": "token_mismatch"}}})
                            } else {
                                json!({"type": "res", "id": id, "ok": true, "payload": {"type": "hello-ok", "protocol": 4,
                                    "server": {"version": "2026.9.6", "connId": "c"},
                                    "features": {"methods": ["models.authRefresh", "models.authStatus", "secrets.reload", "health", "gateway.restart.request"], "events": []},
                                    "auth": {"role": "operator", "scopes": ["operator.admin"], "method": "token"}}})
                            }
                        }
                        "gateway.restart.request" => {
                            let answer = json!({"type": "res", "id": id, "ok": true, "payload": {"ok": true, "status": "scheduled"}});
                            ws.send(Message::text(answer.to_string())).await.unwrap();
                            let _ = ws.close(None).await;
                            return;
                        }
                        "models.authStatus" => {
                            json!({"type": "res", "id": id, "ok": true, "payload": {"providers": [{"provider": "anthropic"}]}})
                        }
                        other => {
                            json!({"type": "res", "id": id, "ok": false, "error": {"code": "INVALID_REQUEST", "message": format!("unknown method: {other}")}})
                        }
                    };
                    // An event before the answer, as the real gateway's ticks do.
                    ws.send(Message::text(json!({"type": "event", "event": "tick", "payload": {}}).to_string()))
                        .await
                        .unwrap();
                    ws.send(Message::text(answer.to_string())).await.unwrap();
                }
            });
        }
    });
    (port, seen)
}

/// Whether the connection asks for a WebSocket (else it is an HTTP probe).
async fn is_upgrade(stream: &tokio::net::TcpStream) -> bool {
    let mut head = [0u8; 1024];
    for _ in 0..50 {
        let n = stream.peek(&mut head).await.unwrap_or(0);
        let text = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase();
        if text.contains("\r\n\r\n") {
            return text.contains("upgrade: websocket");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

/// Every HTTP probe: 503, "not ready", as OpenClaw's `/readyz` while it starts.
async fn not_ready(mut stream: tokio::net::TcpStream) {
    use tokio::io::AsyncWriteExt;
    let body = r#"{"ready":false,"failing":["startup-sidecars"],"uptimeMs":10}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn target(port: u16, token: &str) -> GatewayTarget {
    let config = Config {
        path: "openclaw.json".into(),
        raw: json!({"gateway": {"port": port, "auth": {"mode": "token", "token": token}}}),
    };
    GatewayTarget::resolve(Some(&config), &StateEnv::from_dotenv(Vec::new()))
}

fn quick() -> Timeouts {
    Timeouts { open: Duration::from_secs(2), challenge: Duration::from_millis(500), call: Duration::from_secs(2) }
}

#[tokio::test]
async fn the_panel_logs_in_as_a_backend_operator_without_an_origin_and_calls() {
    let (port, seen) = stand_in(Behaviour::LetIn).await;
    let mut client = GatewayClient::connect(&target(port, TOKEN), quick()).await.unwrap();
    assert_eq!(client.hello().version.as_deref(), Some("2026.9.6"));
    assert!(client.has_method("models.authRefresh"));
    let status = client.call("models.authStatus", json!({})).await.unwrap();
    assert_eq!(status["providers"][0]["provider"], "anthropic");
    let e = client.call("nope.method", json!({})).await.unwrap_err();
    assert!(matches!(&e, RpcError::Failed { message, .. } if message.contains("unknown method")), "{e}");
    let connect = seen.lock().unwrap().connect.clone().unwrap();
    assert_eq!(connect["client"]["id"], "gateway-client");
    assert_eq!(connect["client"]["mode"], "backend");
    assert_eq!(connect["scopes"], json!(["operator.admin"]));
    assert_eq!((connect["minProtocol"].as_u64(), connect["maxProtocol"].as_u64()), (Some(4), Some(4)));
    assert!(!seen.lock().unwrap().origin, "no Origin header: with one the gateway drops a backend's scopes");

    let status = gateway_status(&target(port, TOKEN), quick()).await;
    assert_eq!(status.reach, Reach::Connected, "{status:?}");
    assert_eq!(
        status.methods,
        ["models.authRefresh", "models.authStatus", "secrets.reload", "gateway.restart.request"]
    );
    assert_eq!(status.credential_source, "gateway.auth.token in openclaw.json");
}

#[tokio::test]
async fn a_refused_token_is_a_state_that_says_what_to_do_and_never_the_token() {
    let (port, _) = stand_in(Behaviour::WrongToken).await;
    let e = GatewayClient::connect(&target(port, "not-the-token-0000"), quick()).await.unwrap_err();
    assert!(matches!(&e, RpcError::Unauthorized { code, .. } if code == "AUTH_TOKEN_MISMATCH"), "{e}");
    let status = gateway_status(&target(port, "not-the-token-0000"), quick()).await;
    assert_eq!(status.reach, Reach::Unreachable);
    assert!(status.fix.as_deref().unwrap().contains("gateway.auth"), "{status:?}");
    let shown = serde_json::to_string(&status).unwrap();
    assert!(!shown.contains("not-the-token-0000"), "{shown}");
}

#[tokio::test]
async fn a_gateway_that_never_sends_its_challenge_times_out() {
    let (port, _) = stand_in(Behaviour::Silent).await;
    let started = std::time::Instant::now();
    let e = GatewayClient::connect(&target(port, TOKEN), quick()).await.unwrap_err();
    assert!(matches!(&e, RpcError::Timeout { .. }), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn no_gateway_is_not_running() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let status = gateway_status(&target(port, TOKEN), quick()).await;
    assert_eq!(status.reach, Reach::NotRunning);
    assert!(status.fix.unwrap().contains("next start"));
}

#[tokio::test]
async fn a_gateway_that_never_becomes_ready_after_a_restart_is_a_timeout_that_says_so() {
    use panel_gateway::restart::{Method, Progress, RestartDeadlines, RestartError, plan, restart};
    let (port, _) = stand_in(Behaviour::NeverReady).await;
    let target = target(port, TOKEN);
    let status = gateway_status(&target, quick()).await;
    assert_eq!(status.reach, Reach::NotReady, "{status:?}");
    assert!(status.problem.as_deref().unwrap().contains("not ready"), "{status:?}");

    let plan = plan(&target, quick()).await.unwrap();
    assert_eq!(plan.method, Method::RestartRequest);
    let steps = Arc::new(Mutex::new(Vec::new()));
    let seen = steps.clone();
    let progress = move |p: Progress| seen.lock().unwrap().push(p);
    let deadlines = RestartDeadlines {
        stop: Duration::from_secs(5),
        ready: Duration::from_millis(1500),
        poll: Duration::from_millis(100),
    };
    let e = restart(&target, &plan, quick(), deadlines, &progress).await.unwrap_err();
    assert!(matches!(&e, RestartError::NotReady { .. }), "{e}");
    assert!(e.to_string().contains("did not become ready") && e.to_string().contains("/readyz 503"), "{e}");
    let steps = steps.lock().unwrap().clone();
    assert!(matches!(steps.first(), Some(Progress::Requested { .. })), "{steps:?}");
    assert!(steps.contains(&Progress::Stopped), "{steps:?}");
    assert!(steps.contains(&Progress::Starting { failing: vec!["startup-sidecars".into()] }), "{steps:?}");
}
