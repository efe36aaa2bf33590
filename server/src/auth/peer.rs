//! Which client a request comes from, for rate limits and failure counts. The TCP peer address,
//! unless that peer is a configured reverse proxy: then the rightmost `X-Forwarded-For` entry
//! that is not itself a trusted proxy. Forwarded headers from anyone else are ignored, so a client
//! cannot pick its own key (security.md B1).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};
use tower_governor::GovernorError;
use tower_governor::key_extractor::KeyExtractor;

/// Resolves client addresses.
#[derive(Debug, Clone, Default)]
pub struct ClientAddr {
    trusted_proxies: Arc<Vec<IpAddr>>,
}

impl ClientAddr {
    pub fn new(trusted_proxies: Vec<IpAddr>) -> Self {
        Self { trusted_proxies: Arc::new(trusted_proxies.into_iter().map(canonical).collect()) }
    }

    /// The client behind `peer`, as a rate-limit key.
    pub fn resolve(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = canonical(peer?.ip());
        if !self.trusted_proxies.contains(&peer) {
            return Some(key(peer));
        }
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .map(canonical)
            .collect::<Vec<_>>();
        let client = forwarded.into_iter().rev().find(|ip| !self.trusted_proxies.contains(ip)).unwrap_or(peer);
        Some(key(client))
    }
}

/// The key connections and failures from `ip` are counted under: its IPv4 address (an
/// IPv4-mapped IPv6 address counts as IPv4), or its IPv6 /64.
pub(crate) fn address_key(ip: IpAddr) -> IpAddr {
    key(canonical(ip))
}

/// IPv4-mapped IPv6 addresses become IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// One key per IPv4 address and per IPv6 /64 (a single host usually owns a whole /64).
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

impl KeyExtractor for ClientAddr {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<Self::Key, GovernorError> {
        let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        self.resolve(peer, req.headers()).ok_or(GovernorError::UnableToExtractKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let direct = ClientAddr::new(vec![]);
        let peer: SocketAddr = "192.0.2.10:5000".parse().unwrap();
        assert_eq!(direct.resolve(Some(peer), &headers("203.0.113.9")), Some("192.0.2.10".parse().unwrap()));

        let proxied = ClientAddr::new(vec!["192.0.2.10".parse().unwrap()]);
        assert_eq!(
            proxied.resolve(Some(peer), &headers("6.6.6.6, 203.0.113.9")),
            Some("203.0.113.9".parse().unwrap()),
            "the rightmost entry is the one the proxy saw; the client wrote the others"
        );
        assert_eq!(proxied.resolve(Some(peer), &HeaderMap::new()), Some("192.0.2.10".parse().unwrap()));
        assert_eq!(direct.resolve(None, &HeaderMap::new()), None);
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_and_mapped_v4_is_v4() {
        let direct = ClientAddr::new(vec![]);
        let a: SocketAddr = "[2001:db8:1:2::5]:1".parse().unwrap();
        let b: SocketAddr = "[2001:db8:1:2:ffff::9]:1".parse().unwrap();
        assert_eq!(direct.resolve(Some(a), &HeaderMap::new()), direct.resolve(Some(b), &HeaderMap::new()));
        let mapped: SocketAddr = "[::ffff:192.0.2.1]:1".parse().unwrap();
        assert_eq!(direct.resolve(Some(mapped), &HeaderMap::new()), Some("192.0.2.1".parse().unwrap()));
    }
}
