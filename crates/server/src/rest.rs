//! The REST API: entities and their dossiers, statements, search, sources and imports,
//! list diffs, screening, documents and their findings, the audit trail.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use dossier_model::{EntityId, PartialDate, Tlp};
use dossier_screen::{Kind, Query as ScreenQuery};
use dossier_store::{
    AuditFilter, Decision, FindingFilter, HitDecision, ReadFilter, Role, Store, StoreError,
};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::screening::{self, Asked, Settings};
use crate::state::{AppState, Credentials};

/// The request's credentials, taken from its headers (checked later, with the store).
#[derive(Debug)]
pub struct Creds(pub Credentials);

impl<S: Send + Sync> FromRequestParts<S> for Creds {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Creds(Credentials::from_headers(&parts.headers)))
    }
}

pub type Shared = State<Arc<AppState>>;

pub fn routes(max_upload: usize) -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/healthz", get(health))
        .route("/readyz", get(health))
        .route("/entities", get(search))
        .route("/entities/{id}", get(entity))
        .route("/entities/{id}/statements", get(statements))
        .route("/lookup", get(lookup))
        .route(
            "/sources",
            get(sources)
                .post(import)
                .layer(DefaultBodyLimit::max(max_upload)),
        )
        .route("/sources/{id}", get(source))
        .route("/diff", get(diff))
        .route("/screen", post(screen))
        .route(
            "/documents",
            post(read_document).layer(DefaultBodyLimit::max(max_upload)),
        )
        .route("/findings", get(findings))
        .route("/findings/accept", post(accept))
        .route("/findings/reject", post(reject))
        .route("/audit", get(audit))
        .route("/audit/decisions", post(decide_hit))
}

pub fn now() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Store failures as responses: what the caller asked for that does not exist (or that
/// they may not see, which looks the same) is 404.
pub fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::NoEntity(id) => ApiError::not_found(format!("no entity {id}")),
        StoreError::NoSource(id) => ApiError::not_found(format!("no source {id}")),
        StoreError::NoFinding(id) => ApiError::not_found(format!("no finding {id}")),
        e @ StoreError::AlreadyDecided { .. } => ApiError::new(StatusCode::CONFLICT, e.to_string()),
        e => ApiError::internal(e),
    }
}

fn parse_as_of(as_of: Option<&str>) -> Result<Option<PartialDate>, ApiError> {
    as_of
        .map(|d| PartialDate::parse(d).map_err(|e| ApiError::bad_request(format!("as_of: {e}"))))
        .transpose()
}

fn parse_entity(id: &str) -> Result<EntityId, ApiError> {
    EntityId::parse(id).map_err(|e| ApiError::bad_request(format!("entity id {id:?}: {e}")))
}

async fn health(State(state): Shared) -> Result<Json<Value>, ApiError> {
    state
        .call_open(|store| {
            store.is_empty().map_err(ApiError::internal)?;
            Ok(Json(
                json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
            ))
        })
        .await
}

#[derive(Debug, Deserialize)]
struct SearchParams {
    q: String,
    limit: Option<usize>,
}

async fn search(
    State(state): Shared,
    Creds(c): Creds,
    Query(p): Query<SearchParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .call(c, Role::Reader, move |store, caller| {
            let filter = ReadFilter {
                clearance: caller.clearance,
                as_of: None,
            };
            let hits = store
                .search(&p.q, filter, p.limit.unwrap_or(20).min(500))
                .map_err(store_error)?;
            Ok(Json(json!({ "results": hits })))
        })
        .await
}

#[derive(Debug, Deserialize)]
struct AsOf {
    as_of: Option<String>,
}

async fn entity(
    State(state): Shared,
    Creds(c): Creds,
    Path(id): Path<String>,
    Query(p): Query<AsOf>,
) -> Result<Json<Value>, ApiError> {
    state
        .call(c, Role::Reader, move |store, caller| {
            let filter = ReadFilter {
                clearance: caller.clearance,
                as_of: parse_as_of(p.as_of.as_deref())?,
            };
            let d = store
                .dossier(&parse_entity(&id)?, filter)
                .map_err(store_error)?;
            Ok(Json(json!(d)))
        })
        .await
}

async fn statements(
    State(state): Shared,
    Creds(c): Creds,
    Path(id): Path<String>,
    Query(p): Query<AsOf>,
) -> Result<Json<Value>, ApiError> {
    state
        .call(c, Role::Reader, move |store, caller| {
            let filter = ReadFilter {
                clearance: caller.clearance,
                as_of: parse_as_of(p.as_of.as_deref())?,
            };
            let list = store
                .statements(&parse_entity(&id)?, filter)
                .map_err(store_error)?;
            Ok(Json(json!({ "statements": list })))
        })
        .await
}

#[derive(Debug, Deserialize)]
struct LookupParams {
    name: String,
    as_of: Option<String>,
}

async fn lookup(
    State(state): Shared,
    Creds(c): Creds,
    Query(p): Query<LookupParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .call(c, Role::Reader, move |store, caller| {
            let filter = ReadFilter {
                clearance: caller.clearance,
                as_of: parse_as_of(p.as_of.as_deref())?,
            };
            let ids = store.lookup(&p.name, filter).map_err(store_error)?;
            let dossiers = ids
                .iter()
                .map(|id| store.dossier(id, filter))
                .collect::<Result<Vec<_>, _>>()
                .map_err(store_error)?;
            Ok(Json(json!({ "results": dossiers })))
        })
        .await
}

async fn sources(State(state): Shared, Creds(c): Creds) -> Result<Json<Value>, ApiError> {
    state
        .call(c, Role::Reader, |store, caller| {
            let list = store.sources(caller.clearance).map_err(store_error)?;
            Ok(Json(json!({ "sources": list })))
        })
        .await
}

async fn source(
    State(state): Shared,
    Creds(c): Creds,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .call(c, Role::Reader, move |store, caller| {
            let s = store
                .sources(caller.clearance)
                .map_err(store_error)?
                .into_iter()
                .find(|s| s.id == id)
                .ok_or_else(|| ApiError::not_found(format!("no source {id}")))?;
            Ok(Json(json!(s)))
        })
        .await
}

#[derive(Debug, Deserialize)]
struct ImportParams {
    /// The file name: formats are recognised by content, the name helps and is reported.
    name: Option<String>,
    /// Marking of records that carry none.
    tlp: Option<String>,
    dataset: Option<String>,
}

/// Reads an uploaded file with the same readers as `dossier ingest` and imports it in
/// one transaction.
pub fn import_bytes(
    store: &mut Store,
    name: &str,
    bytes: &[u8],
    options: &dossier_ingest::ReadOptions,
    now: &str,
) -> Result<Value, ApiError> {
    let batch = dossier_ingest::read(name, bytes, options).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{e}; nothing was imported"),
        )
    })?;
    let outcome = store.import(&batch, now).map_err(|e| {
        ApiError::internal(format!("{name}: import failed, nothing was written: {e}"))
    })?;
    Ok(json!({
        "source": outcome.source,
        "already_present": outcome.already_present,
        "resolution": outcome.resolution,
    }))
}

async fn import(
    State(state): Shared,
    Creds(c): Creds,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    state
        .call(c, Role::Analyst, move |store, _| {
            let mut options = dossier_ingest::ReadOptions::default();
            if let Some(t) = &p.tlp {
                options.default_marking = t
                    .parse()
                    .map_err(|e| ApiError::bad_request(format!("tlp: {e}")))?;
            }
            options.dataset = p.dataset.clone();
            let name = p.name.clone().unwrap_or_else(|| "upload".to_owned());
            let out = import_bytes(store, &name, &body, &options, &now())?;
            let status = if out["already_present"] == json!(true) {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            Ok((status, Json(out)))
        })
        .await
}

#[derive(Debug, Deserialize)]
struct DiffParams {
    from: String,
    to: String,
}

async fn diff(
    State(state): Shared,
    Creds(c): Creds,
    Query(p): Query<DiffParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .call(c, Role::Reader, move |store, caller| {
            let d = store
                .diff_sources(&p.from, &p.to, caller.clearance)
                .map_err(store_error)?;
            Ok(Json(json!(d)))
        })
        .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenRequest {
    name: Option<String>,
    #[serde(default)]
    names: Vec<String>,
    kind: Option<String>,
    birth_date: Option<String>,
    country: Option<String>,
    #[serde(default)]
    identifiers: Vec<String>,
    threshold: Option<f64>,
    limit: Option<usize>,
    dataset: Option<String>,
}

async fn screen(
    State(state): Shared,
    Creds(c): Creds,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let req: ScreenRequest = parse_json(&body)?;
    let st = Arc::clone(&state);
    state
        .read(c, Role::Reader, move |store, caller| {
            let mut names: Vec<String> = req.name.iter().chain(&req.names).cloned().collect();
            names.retain(|n| !n.trim().is_empty());
            if names.is_empty() && req.identifiers.is_empty() {
                return Err(ApiError::bad_request(
                    "name: give a name (or names, or identifiers) to screen",
                ));
            }
            let threshold = req.threshold.unwrap_or(dossier_screen::THRESHOLD);
            if !(0.0..=1.0).contains(&threshold) {
                return Err(ApiError::bad_request(format!(
                    "threshold {threshold}: a score threshold lies between 0 and 1"
                )));
            }
            let mut q = ScreenQuery::new(names.first().cloned().unwrap_or_default());
            q.kind = req.kind.as_deref().map_or(Kind::Any, Kind::from_schema);
            q.birth_date = req.birth_date.clone();
            q.country = req.country.as_deref().map(country_code).transpose()?;
            q.threshold = threshold;
            q.identifiers = req
                .identifiers
                .iter()
                .map(|i| match i.split_once(':') {
                    Some((s, v)) => (Some(s.to_owned()), v.to_owned()),
                    None => (None, i.clone()),
                })
                .collect();
            if names.is_empty() {
                names.push(String::new());
            }
            let screener = st.index(store, caller.clearance)?;
            let dataset = req.dataset.clone().unwrap_or_else(|| "default".to_owned());
            if !screener.knows_dataset(&dataset) {
                return Err(ApiError::not_found(format!(
                    "no dataset {dataset:?} to screen against"
                )));
            }
            let settings = Settings {
                endpoint: "/screen",
                algorithm: "dossier",
                dataset: &dataset,
                threshold,
                cutoff: threshold,
                limit: req.limit.unwrap_or(10).clamp(1, 500),
                exclude: &[],
            };
            let asked = [Asked {
                key: "query".to_owned(),
                names,
                query: q,
            }];
            let (audit, answers) = screening::screen(
                store,
                &st.recorder,
                &screener,
                caller,
                &settings,
                &asked,
                &now(),
            )?;
            let filter = ReadFilter {
                clearance: caller.clearance,
                as_of: None,
            };
            let answer = answers.into_iter().next();
            let mut hits = Vec::new();
            for s in answer.iter().flat_map(|a| a.hits.iter()) {
                let ctx = crate::context::with_context(store, filter, s.hit.clone())
                    .map_err(ApiError::internal)?;
                let mut v = json!(ctx);
                v["raised"] = json!(s.raised);
                v["fingerprint"] = json!(s.fingerprint);
                if let Some(d) = &s.decision {
                    v["decision"] = json!(d);
                }
                hits.push(v);
            }
            Ok(Json(json!({
                "screening": audit,
                "subject": answer.as_ref().map(|a| a.subject.clone()),
                "total": answer.as_ref().map_or(0, |a| a.total),
                "hits": hits,
            })))
        })
        .await
}

/// An ISO 3166 alpha-2 code from a code or a country name.
pub fn country_code(text: &str) -> Result<String, ApiError> {
    dossier_model::country_by_code(text.trim())
        .or_else(|| dossier_model::country_by_name(text))
        .map(|c| c.alpha2.to_owned())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "country {text:?}: not a country code or name dossier knows"
            ))
        })
}

/// Decodes a JSON body, naming the field at fault.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path.is_empty() {
            ApiError::bad_request(format!("request body: {inner}"))
        } else {
            ApiError::bad_request(format!("request body at {path}: {inner}"))
        }
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentRequest {
    text: String,
    title: Option<String>,
    publisher: Option<String>,
    published: Option<String>,
    tlp: Option<String>,
    file_name: Option<String>,
}

async fn read_document(
    State(state): Shared,
    Creds(c): Creds,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: DocumentRequest = parse_json(&body)?;
    let st = Arc::clone(&state);
    state
        .call(c, Role::Analyst, move |store, caller| {
            if req.text.trim().is_empty() {
                return Err(ApiError::bad_request("text: the document is empty"));
            }
            let marking: Tlp = match &req.tlp {
                Some(t) => t
                    .parse()
                    .map_err(|e| ApiError::bad_request(format!("tlp: {e}")))?,
                None => Tlp::Clear,
            };
            let published = req
                .published
                .as_deref()
                .map(|p| {
                    PartialDate::parse(p)
                        .map_err(|e| ApiError::bad_request(format!("published: {e}")))
                })
                .transpose()?;
            let info = crate::reading::DocumentInfo {
                file_name: req
                    .file_name
                    .clone()
                    .unwrap_or_else(|| "document.txt".to_owned()),
                title: req.title.clone(),
                publisher: req.publisher.clone(),
                published,
                marking,
            };
            let filter = ReadFilter {
                clearance: caller.clearance,
                as_of: None,
            };
            let screener = st.index(store, caller.clearance)?;
            let text = req.text.strip_prefix('\u{feff}').unwrap_or(&req.text);
            let result =
                crate::reading::read_document(store, text, &info, &screener.index, filter, &now())
                    .map_err(ApiError::internal)?;
            let status = if result.outcome.already_present {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            Ok((status, Json(json!(result))))
        })
        .await
}

#[derive(Debug, Deserialize)]
struct FindingParams {
    status: Option<String>,
    document: Option<String>,
}

async fn findings(
    State(state): Shared,
    Creds(c): Creds,
    Query(p): Query<FindingParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .call(c, Role::Reader, move |store, caller| {
            if let Some(s) = &p.status {
                if !["pending", "accepted", "rejected"].contains(&s.as_str()) {
                    return Err(ApiError::bad_request(format!(
                        "status {s:?}: expected pending, accepted or rejected"
                    )));
                }
            }
            let filter = FindingFilter {
                status: p.status.clone(),
                source: p.document.clone(),
            };
            let list = store
                .findings(&filter, caller.clearance)
                .map_err(store_error)?;
            Ok(Json(json!({ "findings": list })))
        })
        .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecideRequest {
    #[serde(default)]
    ids: Vec<i64>,
    /// Every pending finding (of `document`, if given).
    #[serde(default)]
    all: bool,
    document: Option<String>,
    note: Option<String>,
}

async fn decide_findings(
    state: Arc<AppState>,
    c: Credentials,
    body: Bytes,
    decision: Decision,
) -> Result<Json<Value>, ApiError> {
    let req: DecideRequest = parse_json(&body)?;
    state
        .call(c, Role::Analyst, move |store, caller| {
            let ids = if req.all {
                store
                    .pending_ids(req.document.as_deref(), caller.clearance)
                    .map_err(store_error)?
            } else {
                req.ids.clone()
            };
            if ids.is_empty() && !req.all {
                return Err(ApiError::bad_request(
                    "ids: name the findings to decide on (or all: true)",
                ));
            }
            let outcome = store
                .decide(
                    &ids,
                    decision,
                    &caller.name,
                    req.note.as_deref(),
                    caller.clearance,
                    &now(),
                )
                .map_err(store_error)?;
            Ok(Json(json!(outcome)))
        })
        .await
}

async fn accept(
    State(state): Shared,
    Creds(c): Creds,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    decide_findings(state, c, body, Decision::Accept).await
}

async fn reject(
    State(state): Shared,
    Creds(c): Creds,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    decide_findings(state, c, body, Decision::Reject).await
}

#[derive(Debug, Deserialize)]
struct AuditParams {
    actor: Option<String>,
    action: Option<String>,
    subject: Option<String>,
    after: Option<i64>,
    limit: Option<usize>,
}

async fn audit(
    State(state): Shared,
    Creds(c): Creds,
    Query(p): Query<AuditParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .call(c, Role::Reader, move |store, caller| {
            // Admins read everyone's trail; others their own.
            let actor = if caller.role == Role::Admin {
                p.actor.clone()
            } else {
                if p.actor.as_ref().is_some_and(|a| *a != caller.name) {
                    return Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "only an admin reads other actors' audit trail",
                    ));
                }
                Some(caller.name.clone())
            };
            let filter = AuditFilter {
                clearance: caller.clearance,
                actor,
                action: p.action.clone(),
                subject: p.subject.clone(),
                after: p.after,
                limit: p.limit.unwrap_or(100).clamp(1, 1000),
            };
            let entries = store.audit(&filter).map_err(store_error)?;
            let next = (entries.len() == filter.limit)
                .then(|| entries.last().map(|e| e.id))
                .flatten();
            Ok(Json(json!({ "entries": entries, "next_after": next })))
        })
        .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HitDecisionRequest {
    /// The audit id of the screening the hit came from.
    screening: i64,
    /// The query's key in that screening (optional when it had one query).
    query: Option<String>,
    entity: String,
    decision: String,
    note: Option<String>,
}

async fn decide_hit(
    State(state): Shared,
    Creds(c): Creds,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: HitDecisionRequest = parse_json(&body)?;
    let decision = match req.decision.as_str() {
        "cleared" => HitDecision::Cleared,
        "confirmed" => HitDecision::Confirmed,
        other => {
            return Err(ApiError::bad_request(format!(
                "decision {other:?}: expected cleared or confirmed"
            )))
        }
    };
    state
        .call(c, Role::Analyst, move |store, caller| {
            let choice = screening::Choice {
                screening: req.screening,
                query: req.query.as_deref(),
                entity: &req.entity,
                decision,
                note: req.note.as_deref(),
            };
            let out = screening::decide(store, caller, choice, &now())?;
            Ok((StatusCode::CREATED, Json(out)))
        })
        .await
}
