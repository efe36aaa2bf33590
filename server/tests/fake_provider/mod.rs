//! A model provider stand-in on 127.0.0.1 for tests that make a real OpenClaw gateway send a
//! request: it answers Anthropic's `POST /v1/messages` the way Anthropic streams (OpenClaw
//! always asks with `stream: true`; a plain JSON answer makes its probe fail), and records which
//! credential arrived in which header. Shaped from what the 2026.9.6 and 2026.5.28 gateways were
//! seen to send (`Authorization: Bearer` for setup tokens, `x-api-key` for API keys).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// The credential: `bearer <value>` or `x-api-key <value>`.
    pub credential: String,
    pub stream: bool,
}

pub struct FakeProvider {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeProvider {
    /// Listens on a free loopback port, serving each connection on its own thread.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                std::thread::spawn(move || serve(stream, &log));
            }
        });
        Self { port, seen }
    }

    /// `http://127.0.0.1:<port>` (OpenClaw adds `/v1/messages` for Anthropic).
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Forgets what was seen so far.
    pub fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = request_line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
        let (mut length, mut credential, mut close) = (0usize, String::new(), false);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else { continue };
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse().unwrap_or(0),
                "authorization" => credential = format!("bearer {}", value.trim_start_matches("Bearer ")),
                "x-api-key" => credential = format!("x-api-key {value}"),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let stream_wanted = json["stream"].as_bool().unwrap_or(false);
        log.lock().unwrap().push(Seen {
            method: method.clone(),
            path: path.clone(),
            credential,
            stream: stream_wanted,
        });
        let model = json["model"].as_str().unwrap_or("claude-sonnet-4-5").to_owned();
        let (content_type, out) = if method == "POST" && stream_wanted {
            ("text/event-stream", sse_answer(&model))
        } else if method == "POST" {
            let b = serde_json::json!({"id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                "content": [{"type": "text", "text": "OK"}], "stop_reason": "end_turn", "stop_sequence": null,
                "usage": {"input_tokens": 10, "output_tokens": 2}});
            ("application/json", b.to_string())
        } else {
            ("application/json", r#"{"data":[],"has_more":false}"#.to_owned())
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncache-control: no-cache\r\ncontent-length: {}\r\n\r\n",
            out.len()
        );
        if stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(out.as_bytes())).is_err() || close {
            return;
        }
    }
}

/// Anthropic's streamed answer "OK", event by event.
fn sse_answer(model: &str) -> String {
    let events = [
        (
            "message_start",
            serde_json::json!({"type": "message_start", "message": {"id": "msg_fake", "type": "message",
            "role": "assistant", "model": model, "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 10, "output_tokens": 1}}}),
        ),
        (
            "content_block_start",
            serde_json::json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        ("ping", serde_json::json!({"type": "ping"})),
        (
            "content_block_delta",
            serde_json::json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "OK"}}),
        ),
        ("content_block_stop", serde_json::json!({"type": "content_block_stop", "index": 0})),
        (
            "message_delta",
            serde_json::json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 2}}),
        ),
        ("message_stop", serde_json::json!({"type": "message_stop"})),
    ];
    events.iter().map(|(name, data)| format!("event: {name}\ndata: {data}\n\n")).collect()
}
