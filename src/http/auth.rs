//! API keys and roles. A request names its key in `Authorization: Bearer <key>`; the key's role
//! decides what it may do: `reader` (answer, search, reads, feedback) < `editor` (+ writes) <
//! `admin` (+ export, changelog, analytics).
//!
//! Keys come from the settings (`server.keys`, which `ANSWERGRAPH_KEYS` extends) as `role:key`,
//! or `role:sha256:<64 hex digits>` so that a config file need not hold the key itself. Only the
//! SHA-256 of each key is kept in memory; a presented key is hashed and compared with every known
//! hash in constant time. Each key has a stable, non-secret id (`<role>-<first 8 hex digits of
//! the hash>`) for the changelog and logs; keys themselves are never logged.
//!
//! Handlers ask for a role with the [`Caller`] extractor (`Caller<Editor>`), which also applies
//! the per-key rate limit.

use std::collections::HashMap;
use std::future::{ready, Ready};
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::config::ServerSettings;
use crate::service::edits::Provenance;

use super::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Reader,
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    fn parse(raw: &str) -> Option<Role> {
        match raw {
            "reader" => Some(Role::Reader),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A configured key entry that cannot be used. The message never contains the key.
#[derive(Debug, thiserror::Error)]
#[error("API key entry #{position} ({role}): {reason}")]
pub struct KeyError {
    /// 1-based position among the configured entries.
    position: usize,
    role: String,
    reason: String,
}

struct ApiKey {
    hash: [u8; 32],
    role: Role,
    id: Arc<str>,
}

/// The known keys and the per-key request budget.
pub struct ApiKeys {
    keys: Vec<ApiKey>,
    limiter: Option<RateLimiter>,
}

impl ApiKeys {
    /// Parses `server.keys`. Fails on an entry without a known role, with an empty key or a bad
    /// hash, or on a key listed twice.
    pub fn from_settings(server: &ServerSettings) -> Result<ApiKeys, KeyError> {
        let mut keys: Vec<ApiKey> = Vec::new();
        for (index, entry) in server.keys.iter().enumerate() {
            let fail = |role: &str, reason: &str| KeyError {
                position: index + 1,
                role: role.to_owned(),
                reason: reason.to_owned(),
            };
            let Some((role_name, secret)) = entry.trim().split_once(':') else {
                return Err(fail(
                    "?",
                    "expected `role:key` (role: reader, editor or admin)",
                ));
            };
            let role = Role::parse(role_name.trim())
                .ok_or_else(|| fail(role_name, "unknown role; use reader, editor or admin"))?;
            let hash = match secret.strip_prefix("sha256:") {
                Some(hex) => parse_hex_32(hex.trim()).ok_or_else(|| {
                    fail(role_name, "`sha256:` must be followed by 64 hex digits")
                })?,
                None if secret.is_empty() => return Err(fail(role_name, "the key is empty")),
                None => Sha256::digest(secret.as_bytes()).into(),
            };
            if keys.iter().any(|k| k.hash == hash) {
                return Err(fail(role_name, "this key is listed more than once"));
            }
            let id = format!("{}-{}", role.as_str(), hex(&hash[..4]));
            keys.push(ApiKey {
                hash,
                role,
                id: id.into(),
            });
        }
        let limiter = (server.rate_limit > 0.0).then(|| RateLimiter {
            per_second: server.rate_limit,
            burst: server.rate_burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        });
        Ok(ApiKeys { keys, limiter })
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key whose hash equals the presented key's, compared in constant time with every
    /// known key.
    fn identify(&self, presented: &str) -> Option<&ApiKey> {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = subtle::Choice::from(0);
        let mut index = 0u64;
        for (i, key) in self.keys.iter().enumerate() {
            let equal = key.hash.ct_eq(&digest);
            index.conditional_assign(&(i as u64), equal);
            found |= equal;
        }
        bool::from(found).then(|| &self.keys[index as usize])
    }

    /// The id and role of the request's key, if that role is at least `required`.
    fn authorize(
        &self,
        request: &HttpRequest,
        required: Role,
    ) -> Result<(Arc<str>, Role), ApiError> {
        let header = request
            .headers()
            .get(header::AUTHORIZATION)
            .ok_or(ApiError::Unauthorized(
                "missing API key; send `Authorization: Bearer <key>`",
            ))?;
        let presented = header
            .to_str()
            .ok()
            .and_then(|value| {
                let (scheme, key) = value.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| key.trim())
            })
            .filter(|key| !key.is_empty())
            .ok_or(ApiError::Unauthorized(
                "malformed Authorization header; send `Authorization: Bearer <key>`",
            ))?;
        let key = self
            .identify(presented)
            .ok_or(ApiError::Unauthorized("unknown API key"))?;
        if key.role < required {
            return Err(ApiError::Forbidden {
                required,
                role: key.role,
            });
        }
        if let Some(limiter) = &self.limiter {
            limiter.take(&key.id)?;
        }
        Ok((Arc::clone(&key.id), key.role))
    }
}

/// A token bucket per key: `per_second` tokens refill, at most `burst` saved up.
struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<Arc<str>, (f64, Instant)>>,
}

impl RateLimiter {
    fn take(&self, key_id: &Arc<str>) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock();
        let (tokens, last) = buckets
            .entry(Arc::clone(key_id))
            .or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*last).as_secs_f64() * self.per_second).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - *tokens) / self.per_second;
            Err(ApiError::RateLimited {
                retry_after_secs: wait.ceil().max(1.0) as u64,
            })
        }
    }
}

/// A role a route requires.
pub trait Required {
    const ROLE: Role;
}

/// Marker: the `reader` role or above.
pub enum Reader {}
/// Marker: the `editor` role or above.
pub enum Editor {}
/// Marker: the `admin` role.
pub enum Admin {}

impl Required for Reader {
    const ROLE: Role = Role::Reader;
}
impl Required for Editor {
    const ROLE: Role = Role::Editor;
}
impl Required for Admin {
    const ROLE: Role = Role::Admin;
}

/// The authenticated caller of a route that requires role `R`. Extracting it fails with 401 for
/// a missing or unknown key, 403 for a key whose role is too low, 429 over the rate limit.
pub struct Caller<R> {
    key_id: Arc<str>,
    role: Role,
    _required: PhantomData<R>,
}

impl<R> Caller<R> {
    /// The key's non-secret id (`editor-1a2b3c4d`).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The key's own role, which may be above the one the route requires.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The changelog's record of who wrote and through which route.
    pub fn provenance(&self, request: &HttpRequest) -> Provenance {
        Provenance {
            actor: self.key_id.to_string(),
            source: format!("http {} {}", request.method(), request.path()),
        }
    }
}

impl<R: Required> FromRequest for Caller<R> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match request.app_data::<web::Data<ApiKeys>>() {
            Some(keys) => keys
                .authorize(request, R::ROLE)
                .map(|(key_id, role)| Caller {
                    key_id,
                    role,
                    _required: PhantomData,
                }),
            None => {
                tracing::error!("API keys are not registered with the app");
                Err(ApiError::Internal)
            }
        };
        ready(result)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_hex_32(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(entries: &[&str]) -> Result<ApiKeys, KeyError> {
        ApiKeys::from_settings(&ServerSettings {
            keys: entries.iter().map(|e| e.to_string()).collect(),
            ..ServerSettings::default()
        })
    }

    #[test]
    fn keys_are_identified_by_hash_with_stable_ids() {
        let hash = hex(&Sha256::digest(b"second"));
        let keys = keys(&["reader:first", &format!("admin:sha256:{hash}")]).unwrap();
        let first = keys.identify("first").unwrap();
        assert_eq!(first.role, Role::Reader);
        assert!(first.id.starts_with("reader-") && first.id.len() == "reader-".len() + 8);
        assert_eq!(keys.identify("second").unwrap().role, Role::Admin);
        assert!(keys.identify("third").is_none());
        assert!(keys.identify("").is_none());
    }

    #[test]
    fn bad_entries_are_refused_without_echoing_the_key() {
        for entry in ["nobody:abc", "reader:", "justakey", "admin:sha256:12"] {
            let error = keys(&[entry]).err().expect(entry).to_string();
            assert!(
                !error.contains("abc") && !error.contains("justakey"),
                "{error}"
            );
        }
        assert!(keys(&["reader:same", "admin:same"]).is_err());
    }

    #[test]
    fn rate_limiter_allows_a_burst_then_refuses() {
        let limiter = RateLimiter {
            per_second: 1.0,
            burst: 2.0,
            buckets: Mutex::new(HashMap::new()),
        };
        let id: Arc<str> = "reader-00000000".into();
        assert!(limiter.take(&id).is_ok());
        assert!(limiter.take(&id).is_ok());
        assert!(matches!(
            limiter.take(&id),
            Err(ApiError::RateLimited {
                retry_after_secs: 1
            })
        ));
    }
}
