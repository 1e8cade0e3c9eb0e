//! Conversation sessions: the entities of earlier turns (so "how much is it?" resolves against
//! the last product) and how many turns in a row went unanswered. Sessions live in memory and in
//! the store (so consecutive CLI calls form one conversation) and expire after a TTL of idleness.

use std::collections::HashMap;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::store::Store;

use super::Result;

/// Entities remembered per session (most recent first).
const MAX_ENTITIES: usize = 6;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    pub id: String,
    pub updated_ms: i64,
    pub turns: u32,
    /// Unanswered (or handed-off for low confidence) turns in a row.
    pub failed_streak: u32,
    /// Node ids mentioned or answered, most recent first.
    pub entities: Vec<String>,
}

impl SessionState {
    /// Records a turn: the entities it mentioned and its answer, and whether it failed.
    pub fn record(
        &mut self,
        mentioned: &[String],
        answered: Option<&str>,
        failed: bool,
        now_ms: i64,
    ) {
        self.turns += 1;
        self.updated_ms = now_ms;
        self.failed_streak = if failed { self.failed_streak + 1 } else { 0 };
        let mut fresh: Vec<String> = mentioned.to_vec();
        if let Some(answer) = answered {
            fresh.push(answer.to_owned());
        }
        for id in fresh.into_iter().rev() {
            self.entities.retain(|e| e != &id);
            self.entities.insert(0, id);
        }
        self.entities.truncate(MAX_ENTITIES);
    }
}

pub struct Sessions {
    ttl_ms: i64,
    live: Mutex<HashMap<String, SessionState>>,
}

impl Sessions {
    pub fn new(ttl_secs: u64) -> Self {
        Self {
            ttl_ms: ttl_secs as i64 * 1000,
            live: Mutex::new(HashMap::new()),
        }
    }

    /// The session's state, or a fresh one when unknown or expired. `persist` reads (and later
    /// writes) it through the store; otherwise it lives in memory only.
    pub fn load(
        &self,
        store: &Store,
        id: &str,
        now_ms: i64,
        persist: bool,
    ) -> Result<SessionState> {
        let cached = self.live.lock().get(id).cloned();
        let state = match cached {
            Some(state) => Some(state),
            None if persist => store.session::<SessionState>(id)?,
            None => None,
        };
        Ok(match state {
            Some(state) if now_ms - state.updated_ms <= self.ttl_ms => state,
            _ => SessionState {
                id: id.to_owned(),
                ..SessionState::default()
            },
        })
    }

    pub fn save(&self, store: &Store, state: SessionState, persist: bool) -> Result<()> {
        if persist {
            store.put_session(&state.id, &state)?;
        }
        let mut live = self.live.lock();
        let ttl = self.ttl_ms;
        let now = state.updated_ms;
        if live.len() > 10_000 {
            live.retain(|_, s| now - s.updated_ms <= ttl);
        }
        live.insert(state.id.clone(), state);
        Ok(())
    }

    /// Forgets expired sessions in memory and in the store; returns how many went.
    pub fn purge(&self, store: &Store, now_ms: i64) -> Result<usize> {
        let ttl = self.ttl_ms;
        self.live.lock().retain(|_, s| now_ms - s.updated_ms <= ttl);
        Ok(store.purge_sessions::<SessionState>(|s| now_ms - s.updated_ms > ttl)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_recent_entities_and_failures() {
        let mut state = SessionState::default();
        state.record(&["product/a".into()], Some("policy/p"), false, 1);
        state.record(&["product/b".into()], None, true, 2);
        assert_eq!(state.entities, ["product/b", "product/a", "policy/p"]);
        assert_eq!(state.failed_streak, 1);
        state.record(&["product/a".into()], Some("faq/x"), false, 3);
        assert_eq!(state.entities[..2], ["product/a", "faq/x"]);
        assert_eq!(state.failed_streak, 0);
        assert_eq!(state.turns, 3);
    }
}
