//! What every request shares: the database (a pool of connections to one SQLite file),
//! the screening indexes per clearance, and the caller's identity from their token.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::{header, HeaderMap, StatusCode};
use dossier_model::Tlp;
use dossier_store::{token_hash, Role, Store, TokenInfo};

use crate::error::ApiError;
use crate::recorder::Recorder;
use crate::screening::Screener;

/// Who is calling, from their token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub name: String,
    pub role: Role,
    pub clearance: Tlp,
    /// The hash of the token (TAXII status resources belong to it).
    pub token: String,
}

/// The credentials a request carried, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct Credentials(Option<String>);

impl Credentials {
    /// `Authorization: Bearer T`, `ApiKey T`, `Token T`, or Basic with T as the password.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let Some(value) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return Credentials(None);
        };
        let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value, ""));
        let rest = rest.trim();
        let secret = match scheme.to_ascii_lowercase().as_str() {
            "bearer" | "apikey" | "token" => Some(rest.to_owned()),
            "basic" => decode_base64(rest)
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|pair| pair.split_once(':').map(|(_, p)| p.to_owned())),
            _ => None,
        };
        Credentials(secret.filter(|s| !s.is_empty()))
    }
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// An index and the state of the store it was built from.
struct BuiltIndex {
    key: (i64, i64),
    index: Arc<Screener>,
}

pub struct AppState {
    pub db: PathBuf,
    pool: Mutex<Vec<Store>>,
    indexes: Mutex<HashMap<Tlp, BuiltIndex>>,
    /// Serialises index builds, so that a burst of first requests builds once.
    building: Mutex<()>,
    /// Largest request body for uploads.
    pub max_upload: usize,
    /// Writes screenings to the audit trail.
    pub recorder: Recorder,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("db", &self.db).finish()
    }
}

impl AppState {
    pub fn new(db: PathBuf, max_upload: usize) -> Self {
        AppState {
            recorder: Recorder::new(db.clone()),
            db,
            pool: Mutex::new(Vec::new()),
            indexes: Mutex::new(HashMap::new()),
            building: Mutex::new(()),
            max_upload,
        }
    }

    fn take(&self) -> Result<Store, ApiError> {
        if let Some(s) = self
            .pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
        {
            return Ok(s);
        }
        let store = Store::open(&self.db).map_err(ApiError::internal)?;
        store
            .leave_checkpoints_to_caller()
            .map_err(ApiError::internal)?;
        // Every screening's audit line changes the file, and a connection that maps the
        // file unmaps all of it when it next finds the file changed (each request, with
        // the cost on every core). Requests read a few pages each: read, not mapped. The
        // same change empties a connection's page cache, so a large one (imports want
        // 64 MiB) would only hold what a TAXII walk read last, once per pooled connection.
        let conn = store.connection();
        conn.pragma_update(None, "mmap_size", 0)
            .and_then(|()| conn.pragma_update(None, "cache_size", -8192))
            .map_err(ApiError::internal)?;
        Ok(store)
    }

    /// Starts moving the write-ahead log into the database file once a second, off the
    /// requests' path: a request (an audit line is written for every screening) then
    /// never waits for a checkpoint's copy and sync. Ends when the state is dropped. Needs
    /// a tokio runtime; without one, nothing is started and SQLite's own checkpoints
    /// (by connections not of this pool) are all there is.
    pub fn start_checkpoints(self: &Arc<Self>) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let state = Arc::downgrade(self);
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                let Some(state) = state.upgrade() else {
                    break;
                };
                // A failure is logged (ApiError::internal) and tried again next time.
                let _ = tokio::task::spawn_blocking(move || {
                    let store = state.take()?;
                    let result = store.checkpoint().map(drop).map_err(ApiError::internal);
                    state.give_back(store);
                    result
                })
                .await;
            }
        });
    }

    fn give_back(&self, store: Store) {
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < 16 {
            pool.push(store);
        }
    }

    /// Runs `work` on a pooled connection off the async threads, after checking the
    /// caller's token and that their role is at least `role`.
    pub async fn call<T, F>(
        self: &Arc<Self>,
        credentials: Credentials,
        role: Role,
        work: F,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store, &Caller) -> Result<T, ApiError> + Send + 'static,
    {
        self.call_open(move |store| {
            authenticate(store, &credentials, role).and_then(|caller| work(store, &caller))
        })
        .await
    }

    /// Like [`AppState::call`] for work that only reads (screenings, whose audit lines go
    /// through the recorder): the token check and `work` share one read transaction, so
    /// they see one state of the store and look for changes by others once. `work` ends
    /// it early with [`end_reading`] before waiting on anything that needs the log
    /// checkpointed (the recorder): a reader holding an old state would keep the log
    /// from being all copied into the file.
    pub async fn read<T, F>(
        self: &Arc<Self>,
        credentials: Credentials,
        role: Role,
        work: F,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store, &Caller) -> Result<T, ApiError> + Send + 'static,
    {
        self.call_open(move |store| {
            store
                .connection()
                .execute_batch("BEGIN")
                .map_err(ApiError::internal)?;
            let result =
                authenticate(store, &credentials, role).and_then(|caller| work(store, &caller));
            // Nothing was written: ending the transaction cannot lose anything. Ended
            // whatever the outcome, so that the connection goes back to the pool after a
            // refused request too.
            let ended = end_reading(store);
            result.and_then(|v| ended.map(|()| v))
        })
        .await
    }

    /// Runs `work` on a pooled connection without a caller (start-up, health).
    pub async fn call_open<T, F>(self: &Arc<Self>, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    {
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut store = state.take()?;
            let result = work(&mut store);
            // A connection left inside a transaction is not reused.
            if store.connection().is_autocommit() {
                state.give_back(store);
            }
            result
        })
        .await
        .map_err(|e| ApiError::internal(format!("request task failed: {e}")))?
    }

    /// The screening index for `clearance`, rebuilt when the store changed since (by this
    /// server or by anyone else writing the same file).
    pub fn index(&self, store: &Store, clearance: Tlp) -> Result<Arc<Screener>, ApiError> {
        let key = change_key(store)?;
        let cached = |indexes: &HashMap<Tlp, BuiltIndex>| {
            indexes
                .get(&clearance)
                .filter(|b| b.key == key)
                .map(|b| Arc::clone(&b.index))
        };
        if let Some(i) = cached(&self.indexes.lock().unwrap_or_else(PoisonError::into_inner)) {
            return Ok(i);
        }
        let _building = self.building.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = cached(&self.indexes.lock().unwrap_or_else(PoisonError::into_inner)) {
            return Ok(i);
        }
        let index = Arc::new(Screener::new(
            crate::context::build_index(
                store,
                dossier_store::ReadFilter {
                    clearance,
                    as_of: None,
                },
            )
            .map_err(ApiError::internal)?,
        ));
        self.indexes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                clearance,
                BuiltIndex {
                    key,
                    index: Arc::clone(&index),
                },
            );
        Ok(index)
    }
}

/// Ends the read transaction [`AppState::read`] opened, if it is still open.
pub fn end_reading(store: &Store) -> Result<(), ApiError> {
    let conn = store.connection();
    if conn.is_autocommit() {
        return Ok(());
    }
    conn.execute_batch("COMMIT").map_err(ApiError::internal)
}

/// Changes whenever a source or statement is added or removed.
fn change_key(store: &Store) -> Result<(i64, i64), ApiError> {
    // Asked by every screening request: prepared once per connection.
    store
        .connection()
        .prepare_cached(
            "SELECT (SELECT coalesce(max(num), 0) + count(*) * 1000000007 FROM source), \
                    (SELECT coalesce(max(rowid), 0) FROM statement)",
        )
        .and_then(|mut q| q.query_row([], |r| Ok((r.get(0)?, r.get(1)?))))
        .map_err(ApiError::internal)
}

fn authenticate(store: &Store, credentials: &Credentials, role: Role) -> Result<Caller, ApiError> {
    let Some(secret) = &credentials.0 else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this request needs an API token (Authorization: Bearer TOKEN)",
        ));
    };
    let hash = token_hash(secret);
    let Some(TokenInfo {
        name,
        role: has,
        clearance,
        ..
    }) = store.token_by_hash(&hash).map_err(ApiError::internal)?
    else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "the API token is unknown or revoked",
        ));
    };
    if has < role {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("this needs the {role} role; the token {name:?} has {has}"),
        ));
    }
    Ok(Caller {
        name,
        role: has,
        clearance,
        token: hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_every_usual_scheme() {
        let mut h = HeaderMap::new();
        for (value, expect) in [
            ("Bearer abc", Some("abc")),
            ("ApiKey abc", Some("abc")),
            // "user:abc"
            ("Basic dXNlcjphYmM=", Some("abc")),
            ("Basic !!!", None),
            ("Digest abc", None),
            ("Bearer ", None),
        ] {
            h.insert(
                header::AUTHORIZATION,
                header::HeaderValue::from_static(value),
            );
            assert_eq!(
                Credentials::from_headers(&h).0.as_deref(),
                expect,
                "{value}"
            );
        }
    }
}
