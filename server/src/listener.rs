//! The accept loop: every connection the panel takes, plain or TLS, held to limits so that no
//! client, logged in or not, can tie the server up (security issue 15, item 3).
//!
//! Invariants:
//! - a connection's request head (its first and every later one on a kept-alive connection,
//!   including the idle wait before it) must arrive within [`ConnectionLimits::header_read`], and a
//!   TLS handshake within [`ConnectionLimits::tls_handshake`]: a client that trickles bytes is cut
//!   off, it never holds a descriptor for good;
//! - at most [`ConnectionLimits::max_connections`] connections are open at once, and at most
//!   [`ConnectionLimits::max_per_address`] from one address (an IPv4 address, an IPv6 /64; a trusted
//!   reverse proxy is exempt, its clients are counted by the router's limits): one host cannot
//!   take the slots everyone else needs to reach the login page. A connection over either cap is
//!   closed at once, before a byte is read;
//! - every socket has `TCP_NODELAY`, so a kept-alive connection's next answer is not held back by
//!   Nagle's algorithm waiting for the browser's delayed ACK;
//! - on shutdown no new connection is taken; those open finish their request in flight (a write
//!   completes) and are closed, at most [`ConnectionLimits::drain`] later.
//!
//! HTTP/1.1 only: the header-read timeout is HTTP/1's, and a browser's six connections per host
//! are plenty for one admin.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// What every connection is held to.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// The time a request head may take to arrive, counted from when the server starts waiting
    /// for it (so also the idle time allowed between two requests on one connection).
    pub header_read: Duration,
    /// The time a TLS handshake may take.
    pub tls_handshake: Duration,
    /// Connections open at once, from everyone.
    pub max_connections: usize,
    /// Connections open at once from one address (IPv4) or /64 (IPv6).
    pub max_per_address: usize,
    /// Addresses the per-address cap does not apply to (configured reverse proxies).
    pub exempt: Vec<IpAddr>,
    /// How long open connections may take to finish on shutdown.
    pub drain: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            tls_handshake: Duration::from_secs(10),
            max_connections: 512,
            max_per_address: 32,
            exempt: Vec::new(),
            drain: Duration::from_secs(5),
        }
    }
}

impl ConnectionLimits {
    /// The limits for a process allowed `descriptors` open files: the global cap leaves room for
    /// the state files, databases and OpenClaw's doctor the panel opens beside its connections.
    pub fn for_descriptors(descriptors: u64) -> Self {
        let room = descriptors.saturating_sub(64).max(16);
        let max_connections = usize::try_from(room).unwrap_or(usize::MAX).min(Self::default().max_connections);
        Self { max_connections, ..Self::default() }
    }
}

/// Raises this process's open-file limit to its hard limit (Linux's default soft limit of 1024
/// would otherwise cap connections well below what the machine allows). Returns the soft limit
/// now in force.
pub fn raise_descriptor_limit() -> u64 {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if let (Some(current), Some(hard)) = (limit.current, limit.maximum)
        && current < hard
    {
        let raised = rustix::process::Rlimit { current: Some(hard), maximum: Some(hard) };
        match setrlimit(Resource::Nofile, raised) {
            Ok(()) => return hard,
            Err(e) => tracing::warn!(error = %e, "cannot raise the open-file limit"),
        }
    }
    limit.current.unwrap_or(u64::MAX)
}

/// Open connections per address key, for the per-address cap.
#[derive(Debug, Default)]
struct PerAddress {
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// A connection's place in the per-address count, given back when it closes.
struct AddressSlot {
    counts: Arc<PerAddress>,
    key: IpAddr,
}

impl PerAddress {
    fn take(self: &Arc<Self>, key: IpAddr, max: usize) -> Option<AddressSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(key).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(AddressSlot { counts: Arc::clone(self), key })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.counts.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// What a connection holds while it is open.
struct Admitted {
    _global: OwnedSemaphorePermit,
    _address: Option<AddressSlot>,
}

/// Serves `router` on `listener` until `shutdown` completes, then drains. `tls`: speak HTTPS
/// with this configuration. Returns when every connection is closed (or the drain time is up).
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let limits = Arc::new(limits);
    let global = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = Arc::new(PerAddress::default());
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read).keep_alive(true);
    let builder = Arc::new(builder);

    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of descriptors (EMFILE) or a connection reset before accept: wait a
                    // little instead of spinning, then go on.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(admitted) = admit(&global, &per_address, &limits, peer) else {
            // Dropping the stream closes it: nothing read, nothing answered.
            continue;
        };
        let _ = stream.set_nodelay(true);
        let watcher = graceful.watcher();
        let (router, builder, acceptor, limits) =
            (router.clone(), Arc::clone(&builder), acceptor.clone(), Arc::clone(&limits));
        tokio::spawn(async move {
            let _admitted = admitted;
            let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(request.map(axum::body::Body::new))
            });
            match acceptor {
                None => {
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    if let Err(e) = watcher.watch(conn).await {
                        tracing::debug!(error = %e, %peer, "connection closed with an error");
                    }
                }
                Some(acceptor) => {
                    let stream = match tokio::time::timeout(limits.tls_handshake, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => stream,
                        Ok(Err(e)) => return tracing::debug!(error = %e, %peer, "TLS handshake failed"),
                        Err(_) => return tracing::debug!(%peer, "TLS handshake timed out"),
                    };
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    if let Err(e) = watcher.watch(conn).await {
                        tracing::debug!(error = %e, %peer, "connection closed with an error");
                    }
                }
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.drain) => {
            tracing::warn!(after = ?limits.drain, "connections still open at shutdown were cut");
        }
    }
}

fn admit(
    global: &Arc<Semaphore>,
    per_address: &Arc<PerAddress>,
    limits: &ConnectionLimits,
    peer: SocketAddr,
) -> Option<Admitted> {
    let Ok(global) = Arc::clone(global).try_acquire_owned() else {
        tracing::warn!(%peer, max = limits.max_connections, "connection refused: too many open connections");
        return None;
    };
    let key = crate::auth::peer::address_key(peer.ip());
    let address = if limits.exempt.iter().any(|ip| crate::auth::peer::address_key(*ip) == key) {
        None
    } else {
        match per_address.take(key, limits.max_per_address) {
            Some(slot) => Some(slot),
            None => {
                tracing::warn!(%peer, max = limits.max_per_address, "connection refused: too many from this address");
                return None;
            }
        }
    };
    Some(Admitted { _global: global, _address: address })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_per_address_count_is_given_back_when_a_connection_closes() {
        let counts = Arc::new(PerAddress::default());
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let a = counts.take(ip, 2).expect("first");
        let b = counts.take(ip, 2).expect("second");
        assert!(counts.take(ip, 2).is_none(), "a third from the same address is refused");
        assert!(counts.take("192.0.2.8".parse().unwrap(), 2).is_some(), "another address is not");
        drop(a);
        let c = counts.take(ip, 2).expect("a slot came back");
        drop((b, c));
        assert!(counts.open.lock().unwrap().get(&ip).is_none(), "no entry is left for a gone address");
    }

    #[test]
    fn the_global_cap_leaves_room_for_the_panels_own_files() {
        assert_eq!(ConnectionLimits::for_descriptors(1024).max_connections, 512);
        assert_eq!(ConnectionLimits::for_descriptors(256).max_connections, 192);
        assert_eq!(ConnectionLimits::for_descriptors(10).max_connections, 16);
    }
}
