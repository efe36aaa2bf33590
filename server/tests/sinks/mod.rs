//! Alert sinks on 127.0.0.1 for tests: an HTTP sink (ntfy topics and webhooks land here) and an
//! SMTP sink (enough of RFC 5321 for `lettre`: EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT).
//! Both record everything they receive; the HTTP sink answers with the statuses a test queues
//! (then 200), so a test can make a channel fail and recover.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One HTTP request as the sink saw it.
#[derive(Debug, Clone)]
pub struct HttpSeen {
    pub method: String,
    pub path: String,
    /// Names lowercase.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The status it was answered with.
    pub status: u16,
}

impl HttpSeen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Default)]
struct HttpShared {
    seen: Vec<HttpSeen>,
    /// Statuses to answer next, in order; 200 when empty.
    queued: VecDeque<u16>,
    /// Answer this to everything while set.
    always: Option<u16>,
}

pub struct HttpSink {
    pub port: u16,
    shared: Arc<Mutex<HttpShared>>,
}

impl HttpSink {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared: Arc<Mutex<HttpShared>> = Arc::default();
        let state = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&state);
                std::thread::spawn(move || serve_http(stream, &state));
            }
        });
        Self { port, shared }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every request so far to `path`.
    pub fn seen(&self, path: &str) -> Vec<HttpSeen> {
        self.shared.lock().unwrap().seen.iter().filter(|s| s.path == path).cloned().collect()
    }

    pub fn all(&self) -> Vec<HttpSeen> {
        self.shared.lock().unwrap().seen.clone()
    }

    pub fn answer_next(&self, statuses: &[u16]) {
        self.shared.lock().unwrap().queued.extend(statuses);
    }

    pub fn answer_always(&self, status: Option<u16>) {
        self.shared.lock().unwrap().always = status;
    }
}

fn serve_http(stream: TcpStream, shared: &Mutex<HttpShared>) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let len = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let status = {
            let mut s = shared.lock().unwrap();
            let status = s.always.or_else(|| s.queued.pop_front()).unwrap_or(200);
            s.seen.push(HttpSeen { method, path, headers, body, status });
            status
        };
        let text = if status == 200 { r#"{"id":"sink","event":"message"}"# } else { "sink says no" };
        let reply =
            format!("HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{text}", text.len());
        if out.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

/// One e-mail as the SMTP sink received it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The whole DATA, dot-unstuffed.
    pub data: String,
    /// `user:password` from AUTH, if any.
    pub auth: Option<String>,
}

impl Mail {
    pub fn subject(&self) -> String {
        self.data.lines().find_map(|l| l.strip_prefix("Subject: ")).map(str::to_owned).unwrap_or_default()
    }
}

pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    /// Every line the client sent (to look for secrets where they must not be).
    pub transcript: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
        let transcript: Arc<Mutex<Vec<String>>> = Arc::default();
        let (m, t) = (Arc::clone(&mails), Arc::clone(&transcript));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (m, t) = (Arc::clone(&m), Arc::clone(&t));
                std::thread::spawn(move || serve_smtp(stream, &m, &t));
            }
        });
        Self { port, mails, transcript }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

fn serve_smtp(stream: TcpStream, mails: &Mutex<Vec<Mail>>, transcript: &Mutex<Vec<String>>) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    let send = |out: &mut TcpStream, s: &str| out.write_all(format!("{s}\r\n").as_bytes()).is_ok();
    if !send(&mut out, "220 sink.test ESMTP ready") {
        return;
    }
    let (mut from, mut to, mut auth) = (String::new(), Vec::new(), None);
    let read_line = |reader: &mut BufReader<TcpStream>| {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => {
                let line = line.trim_end_matches(['\r', '\n']).to_owned();
                transcript.lock().unwrap().push(line.clone());
                Some(line)
            }
        }
    };
    while let Some(line) = read_line(&mut reader) {
        let upper = line.to_ascii_uppercase();
        let ok = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            send(&mut out, "250-sink.test") && send(&mut out, "250-AUTH PLAIN LOGIN") && send(&mut out, "250 8BITMIME")
        } else if let Some(rest) = upper.strip_prefix("AUTH PLAIN") {
            let encoded = line[line.len() - rest.len()..].trim();
            let decoded = b64(encoded);
            let mut parts = decoded.split('\0').skip(1);
            auth = Some(format!("{}:{}", parts.next().unwrap_or(""), parts.next().unwrap_or("")));
            send(&mut out, "235 2.7.0 Authentication successful")
        } else if upper.starts_with("AUTH LOGIN") {
            send(&mut out, "334 VXNlcm5hbWU6");
            let user = read_line(&mut reader).map(|l| b64(&l)).unwrap_or_default();
            send(&mut out, "334 UGFzc3dvcmQ6");
            let pass = read_line(&mut reader).map(|l| b64(&l)).unwrap_or_default();
            auth = Some(format!("{user}:{pass}"));
            send(&mut out, "235 2.7.0 Authentication successful")
        } else if upper.starts_with("MAIL FROM:") {
            from = line[10..].trim().trim_matches(['<', '>']).to_owned();
            send(&mut out, "250 2.1.0 Ok")
        } else if upper.starts_with("RCPT TO:") {
            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
            send(&mut out, "250 2.1.5 Ok")
        } else if upper == "DATA" {
            send(&mut out, "354 End data with <CR><LF>.<CR><LF>");
            let mut data = String::new();
            while let Some(l) = read_line(&mut reader) {
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                data.push('\n');
            }
            mails.lock().unwrap().push(Mail {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
                auth: auth.clone(),
            });
            send(&mut out, "250 2.0.0 Ok: queued as SINK1")
        } else if upper == "QUIT" {
            send(&mut out, "221 2.0.0 Bye");
            return;
        } else if upper == "RSET" || upper == "NOOP" {
            send(&mut out, "250 2.0.0 Ok")
        } else {
            send(&mut out, "502 5.5.2 Command not recognized")
        };
        if !ok {
            return;
        }
    }
}
