//! The admin sessions' store: in memory (a restart logs the admin out; nothing secret is written
//! to disk), like tower-sessions' `MemoryStore`, but expired sessions are dropped, not kept for
//! the life of the process (security issue 15, item 8): by a task every [`PRUNE_EVERY`] where a
//! runtime runs, and on every new session.
//!
//! Invariant: a loaded session is never expired; the store never holds more than
//! [`MAX_SESSIONS`] records (the one closest to expiry goes first).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;
use tokio::sync::Mutex;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// How often the background task drops expired sessions.
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// The most sessions kept at once: far more than one admin's browsers.
pub const MAX_SESSIONS: usize = 1_000;

#[derive(Debug, Clone, Default)]
pub struct PrunedMemoryStore(Arc<Mutex<HashMap<Id, Record>>>);

impl PrunedMemoryStore {
    /// A store, with its pruning task started when called inside a tokio runtime.
    pub fn start() -> Self {
        Self::start_every(PRUNE_EVERY)
    }

    fn start_every(period: Duration) -> Self {
        let store = Self::default();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let pruned = store.clone();
            runtime.spawn(async move {
                let mut every = tokio::time::interval(period);
                loop {
                    every.tick().await;
                    pruned.delete_expired().await;
                }
            });
        }
        store
    }

    /// Sessions held now (expired or not).
    pub async fn len(&self) -> usize {
        self.0.lock().await.len()
    }

    pub async fn is_empty(&self) -> bool {
        self.len().await == 0
    }

    /// Drops every expired session.
    pub async fn delete_expired(&self) {
        self.0.lock().await.retain(|_, r| is_active(r));
    }
}

fn is_active(record: &Record) -> bool {
    record.expiry_date > OffsetDateTime::now_utc()
}

#[async_trait]
impl SessionStore for PrunedMemoryStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut sessions = self.0.lock().await;
        sessions.retain(|_, r| is_active(r));
        while sessions.len() >= MAX_SESSIONS {
            let Some(first) = sessions.values().min_by_key(|r| r.expiry_date).map(|r| r.id) else { break };
            sessions.remove(&first);
        }
        while sessions.contains_key(&record.id) {
            record.id = Id::default();
        }
        sessions.insert(record.id, record.clone());
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.lock().await.insert(record.id, record.clone());
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        Ok(self.0.lock().await.get(session_id).filter(|r| is_active(r)).cloned())
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        self.0.lock().await.remove(session_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(expires_in: time::Duration) -> Record {
        Record { id: Id::default(), data: Default::default(), expiry_date: OffsetDateTime::now_utc() + expires_in }
    }

    #[tokio::test]
    async fn expired_sessions_are_dropped_and_live_ones_kept() {
        let store = PrunedMemoryStore::default();
        for _ in 0..3 {
            store.save(&record(time::Duration::seconds(-5))).await.unwrap();
        }
        let live = record(time::Duration::minutes(30));
        store.save(&live).await.unwrap();
        assert_eq!(store.len().await, 4);
        store.delete_expired().await;
        assert_eq!(store.len().await, 1);
        assert!(store.load(&live.id).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn the_background_task_prunes_without_being_asked() {
        let store = PrunedMemoryStore::start_every(Duration::from_millis(20));
        store.save(&record(time::Duration::seconds(-5))).await.unwrap();
        let started = std::time::Instant::now();
        while !store.is_empty().await {
            assert!(started.elapsed() < Duration::from_secs(5), "the expired session is still there");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test]
    async fn a_new_session_drops_expired_ones_and_the_count_is_capped() {
        let store = PrunedMemoryStore::default();
        store.save(&record(time::Duration::seconds(-5))).await.unwrap();
        for i in 0..MAX_SESSIONS + 5 {
            store.create(&mut record(time::Duration::minutes(30 + i as i64))).await.unwrap();
        }
        assert_eq!(store.len().await, MAX_SESSIONS);
    }
}
