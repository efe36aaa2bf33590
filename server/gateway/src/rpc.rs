//! The gateway's WebSocket RPC, as OpenClaw 2026.5+ speaks it (protocol 4): the server opens
//! with a `connect.challenge` event; the first frame the client sends is a `connect` request, as a
//! `gateway-client` in `backend` mode with the `operator.admin` scope and the gateway's token or
//! password; the answer is `hello-ok` with the server's version and the methods it serves. Then
//! requests `{"type":"req","id","method","params"}` are answered by `{"type":"res","id","ok",
//! "payload"|"error"}`; events in between are skipped.
//!
//! No `Origin` header is sent: with one, OpenClaw treats the connection as a browser's and a
//! device-less backend loses its scopes. 2026.3.x speaks protocol 3 only and keeps an operator's
//! scopes only for a signed device: it answers protocol 4 with "protocol mismatch", and the
//! client connects again with protocol 3 and the panel's [`crate::device`] identity (when the
//! target names its key file; else [`RpcError::Protocol`]).
//!
//! Invariant: every step waits at most its timeout; the secret goes into the `connect` frame
//! only and is never logged.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::discover::{AuthMode, GatewayTarget};

/// How long each step may take.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// TCP connect and the WebSocket upgrade.
    pub open: Duration,
    /// From the upgrade to the `connect.challenge` event.
    pub challenge: Duration,
    /// Each request, `connect` included.
    pub call: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { open: Duration::from_secs(2), challenge: Duration::from_secs(5), call: Duration::from_secs(10) }
    }
}

/// Why a connection or a call failed; each says what it means for the admin.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RpcError {
    #[error("no gateway listens on 127.0.0.1:{port}")]
    NotRunning { port: u16 },
    #[error("the gateway did not answer within {seconds} s ({step})")]
    Timeout { step: String, seconds: u64 },
    #[error("the gateway refused the panel's credential ({code}): {message}")]
    Unauthorized { code: String, message: String },
    #[error(
        "the gateway speaks another protocol version ({message}); OpenClaw 2026.3.x needs the panel's device identity, kept in its data dir, and none is set"
    )]
    Protocol { message: String },
    #[error("{0}")]
    Device(String),
    #[error("the gateway is starting; try again in a moment")]
    Starting,
    #[error("the gateway answered {method} with {code}: {message}")]
    Failed { method: String, code: String, message: String },
    #[error("the connection to the gateway failed: {0}")]
    Connection(String),
}

/// What the gateway said about itself in `hello-ok`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Hello {
    pub protocol: u64,
    pub version: Option<String>,
    pub methods: Vec<String>,
    /// The scopes granted (when the gateway says).
    pub scopes: Option<Vec<String>>,
    /// The state dir the gateway serves (when it says).
    pub state_dir: Option<String>,
}

/// The gateway's `connect.challenge`: what a device signs.
struct Challenge {
    nonce: String,
    ts: u64,
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A logged-in connection to the gateway.
pub struct GatewayClient {
    socket: Socket,
    hello: Hello,
    timeouts: Timeouts,
    next_id: u64,
}

impl std::fmt::Debug for GatewayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayClient").field("hello", &self.hello).finish_non_exhaustive()
    }
}

fn timeout(step: &str, d: Duration) -> RpcError {
    RpcError::Timeout { step: step.to_owned(), seconds: d.as_secs().max(1) }
}

impl GatewayClient {
    /// Opens the WebSocket, waits for the challenge and logs in: protocol 4 without a device
    /// (2026.5+), else protocol 3 with the panel's device identity (2026.3.x).
    pub async fn connect(target: &GatewayTarget, timeouts: Timeouts) -> Result<Self, RpcError> {
        match Self::connect_as(target, timeouts, 4).await {
            Err(RpcError::Protocol { .. }) if target.device_key.is_some() => {
                Self::connect_as(target, timeouts, 3).await
            }
            other => other,
        }
    }

    async fn connect_as(target: &GatewayTarget, timeouts: Timeouts, protocol: u64) -> Result<Self, RpcError> {
        let (socket, _) =
            match tokio::time::timeout(timeouts.open, tokio_tungstenite::connect_async(target.ws_url())).await {
                Err(_) => return Err(timeout("opening the WebSocket", timeouts.open)),
                Ok(Err(tokio_tungstenite::tungstenite::Error::Io(e)))
                    if e.kind() == std::io::ErrorKind::ConnectionRefused =>
                {
                    return Err(RpcError::NotRunning { port: target.port });
                }
                Ok(Err(e)) => return Err(RpcError::Connection(e.to_string())),
                Ok(Ok(pair)) => pair,
            };
        let mut client = Self { socket, hello: Hello::default(), timeouts, next_id: 0 };
        let challenge = client.await_challenge().await?;
        let (client_id, client_mode, role, platform) = ("gateway-client", "backend", "operator", "linux");
        let scopes = ["operator.admin"];
        let mut params = json!({
            "minProtocol": protocol,
            "maxProtocol": protocol,
            "client": {"id": client_id, "version": env!("CARGO_PKG_VERSION"), "platform": platform, "mode": client_mode},
            "role": role,
            "scopes": scopes,
        });
        match (target.auth_mode, &target.secret) {
            (AuthMode::Password, Some(s)) => params["auth"] = json!({"password": s.expose_secret()}),
            (AuthMode::Token, Some(s)) => params["auth"] = json!({"token": s.expose_secret()}),
            _ => {}
        }
        if protocol == 3
            && let Some(path) = &target.device_key
        {
            let identity =
                crate::device::DeviceIdentity::load_or_create(path).map_err(|e| RpcError::Device(e.to_string()))?;
            let token = match (target.auth_mode, &target.secret) {
                (AuthMode::Token, Some(s)) => s.expose_secret().to_owned(),
                _ => String::new(),
            };
            params["device"] = identity.connect_device(&crate::device::SignedConnect {
                client_id,
                client_mode,
                role,
                scopes: &scopes,
                signed_at_ms: challenge.ts,
                token: &token,
                nonce: &challenge.nonce,
                platform,
            });
        }
        let payload = client.request("connect", params).await.map_err(|e| match e {
            RpcError::Failed { code, message, .. } if message.contains("protocol mismatch") => {
                RpcError::Protocol { message: format!("{code}: {message}") }
            }
            RpcError::Failed { code, .. } if code == "UNAVAILABLE" => RpcError::Starting,
            RpcError::Failed { code, message, .. }
                if message.contains("unauthorized")
                    || code.starts_with("AUTH_")
                    || code.starts_with("DEVICE_AUTH_")
                    || code == "NOT_PAIRED"
                    || code == "PAIRING_REQUIRED"
                    || message.contains("token")
                    || message.contains("password") =>
            {
                RpcError::Unauthorized { code, message }
            }
            other => other,
        })?;
        client.hello = Hello {
            protocol: payload.get("protocol").and_then(Value::as_u64).unwrap_or(0),
            version: payload.pointer("/server/version").and_then(Value::as_str).map(str::to_owned),
            methods: payload
                .pointer("/features/methods")
                .and_then(Value::as_array)
                .map(|m| m.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default(),
            scopes: payload
                .pointer("/auth/scopes")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
            state_dir: payload.pointer("/snapshot/stateDir").and_then(Value::as_str).map(str::to_owned),
        };
        Ok(client)
    }

    pub fn hello(&self) -> &Hello {
        &self.hello
    }

    /// Whether the gateway serves `method`.
    pub fn has_method(&self, method: &str) -> bool {
        self.hello.methods.iter().any(|m| m == method)
    }

    /// Calls `method` with `params`; the payload of a successful answer.
    pub async fn call(&mut self, method: &str, params: Value) -> Result<Value, RpcError> {
        self.request(method, params).await
    }

    async fn await_challenge(&mut self) -> Result<Challenge, RpcError> {
        let wait = self.timeouts.challenge;
        tokio::time::timeout(wait, async {
            loop {
                let frame = self.next_frame().await?;
                if frame.get("type").and_then(Value::as_str) == Some("event")
                    && frame.get("event").and_then(Value::as_str) == Some("connect.challenge")
                {
                    return Ok(Challenge {
                        nonce: frame.pointer("/payload/nonce").and_then(Value::as_str).unwrap_or_default().to_owned(),
                        ts: frame.pointer("/payload/ts").and_then(Value::as_u64).unwrap_or_default(),
                    });
                }
            }
        })
        .await
        .map_err(|_| timeout("waiting for the connect challenge", wait))?
    }

    async fn request(&mut self, method: &str, params: Value) -> Result<Value, RpcError> {
        self.next_id += 1;
        let id = format!("panel-{}", self.next_id);
        let frame = json!({"type": "req", "id": id, "method": method, "params": params});
        let wait = self.timeouts.call;
        tokio::time::timeout(wait, async {
            self.socket
                .send(Message::text(frame.to_string()))
                .await
                .map_err(|e| RpcError::Connection(e.to_string()))?;
            loop {
                let frame = self.next_frame().await?;
                if frame.get("type").and_then(Value::as_str) != Some("res")
                    || frame.get("id").and_then(Value::as_str) != Some(id.as_str())
                {
                    continue;
                }
                if frame.get("ok").and_then(Value::as_bool) == Some(true) {
                    return Ok(frame.get("payload").cloned().unwrap_or(Value::Null));
                }
                let error = frame.get("error").cloned().unwrap_or(Value::Null);
                let code = error
                    .pointer("/details/code")
                    .or_else(|| error.get("code"))
                    .and_then(Value::as_str)
                    .unwrap_or("ERROR")
                    .to_owned();
                let message = error.get("message").and_then(Value::as_str).unwrap_or("no message").to_owned();
                return Err(RpcError::Failed { method: method.to_owned(), code, message });
            }
        })
        .await
        .map_err(|_| timeout(method, wait))?
    }

    /// The next text frame as JSON (pings are answered by the library while reading).
    async fn next_frame(&mut self) -> Result<Value, RpcError> {
        loop {
            match self.socket.next().await {
                None => return Err(RpcError::Connection("the gateway closed the connection".to_owned())),
                Some(Err(e)) => return Err(RpcError::Connection(e.to_string())),
                Some(Ok(Message::Text(text))) => match serde_json::from_str(text.as_str()) {
                    Ok(v) => return Ok(v),
                    Err(_) => continue,
                },
                Some(Ok(Message::Close(frame))) => {
                    let why = frame
                        .map(|f| f.reason.to_string())
                        .filter(|r| !r.is_empty())
                        .unwrap_or_else(|| "no reason given".to_owned());
                    return Err(RpcError::Connection(format!("the gateway closed the connection: {why}")));
                }
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Waits until the gateway goes away: its `shutdown` event or the connection's end (a
    /// restart closes every connection); `false` when `wait` passed first.
    pub async fn wait_closed(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, async {
            loop {
                match self.next_frame().await {
                    Err(_) => return,
                    Ok(frame) if frame.get("event").and_then(Value::as_str) == Some("shutdown") => return,
                    Ok(_) => {}
                }
            }
        })
        .await
        .is_ok()
    }

    /// Closes the connection politely.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(1), self.socket.close(None)).await;
    }
}
