//! TAXII 2.1 under `/taxii2/`: discovery, one API root, collections (per dataset, for
//! documents, for submissions, per TLP level), objects with pagination and filters,
//! manifests, versions, objects by id, adding objects, and status resources.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dossier_store::{
    Collection, Role, Scope, StixPage, StixQuery, Store, VersionMatch, SUBMISSIONS,
};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::rest::{now, Creds, Shared};
use crate::state::{AppState, Caller};

pub const TAXII: &str = "application/taxii+json;version=2.1";
pub const STIX: &str = "application/stix+json;version=2.1";
/// Largest page served, whatever `limit` asks.
const MAX_PAGE: usize = 10_000;
const DEFAULT_PAGE: usize = 1_000;

pub fn routes(max_upload: usize) -> Router<Arc<AppState>> {
    Router::new()
        .route("/taxii2/", get(discovery))
        .route("/taxii2/api/", get(api_root))
        .route("/taxii2/api/collections/", get(collections))
        .route("/taxii2/api/collections/{cid}/", get(collection))
        .route(
            "/taxii2/api/collections/{cid}/objects/",
            get(objects)
                .post(add_objects)
                .layer(axum::extract::DefaultBodyLimit::max(max_upload)),
        )
        .route("/taxii2/api/collections/{cid}/objects/{oid}/", get(object))
        .route(
            "/taxii2/api/collections/{cid}/objects/{oid}/versions/",
            get(versions),
        )
        .route("/taxii2/api/collections/{cid}/manifest/", get(manifest))
        .route("/taxii2/api/status/{sid}/", get(status))
}

/// A TAXII response: status, body and the date-added headers.
struct Taxii {
    status: StatusCode,
    body: String,
    first: Option<String>,
    last: Option<String>,
}

impl Taxii {
    fn ok(body: Value) -> Self {
        Taxii {
            status: StatusCode::OK,
            body: body.to_string(),
            first: None,
            last: None,
        }
    }
}

impl IntoResponse for Taxii {
    fn into_response(self) -> Response {
        let mut r = Response::new(Body::from(self.body));
        *r.status_mut() = self.status;
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII));
        for (name, value) in [
            ("x-taxii-date-added-first", self.first),
            ("x-taxii-date-added-last", self.last),
        ] {
            if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                h.insert(name, v);
            }
        }
        r
    }
}

/// Errors in TAXII's error message shape.
struct TaxiiError(ApiError);

impl From<ApiError> for TaxiiError {
    fn from(e: ApiError) -> Self {
        TaxiiError(e)
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let title = e.status.canonical_reason().unwrap_or("Error").to_owned();
        let body = json!({
            "title": title,
            "description": e.message,
            "http_status": e.status.as_u16().to_string(),
        });
        let mut r = Taxii {
            status: e.status,
            body: body.to_string(),
            first: None,
            last: None,
        }
        .into_response();
        if e.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"dossier TAXII\""),
            );
        }
        r
    }
}

type Reply = Result<Taxii, TaxiiError>;

/// Refuses requests that accept neither TAXII 2.1 nor anything JSON.
fn check_accept(headers: &HeaderMap) -> Result<(), TaxiiError> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let ok = accept.split(',').any(|a| {
        let a = a.trim().to_ascii_lowercase().replace(' ', "");
        a.starts_with("*/*")
            || a.starts_with("application/*")
            || a.starts_with("application/json")
            || (a.starts_with("application/taxii+json")
                && (!a.contains("version=") || a.contains("version=2.1")))
    });
    if ok {
        Ok(())
    } else {
        Err(TaxiiError(ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            format!("this server speaks {TAXII}; the request accepts only {accept}"),
        )))
    }
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{proto}://{host}")
}

async fn discovery(State(state): Shared, Creds(c): Creds, headers: HeaderMap) -> Reply {
    check_accept(&headers)?;
    let root = format!("{}/taxii2/api/", base_url(&headers));
    Ok(state
        .call(c, Role::Reader, move |_, _| {
            Ok(Taxii::ok(json!({
                "title": "dossier",
                "description": "Threat intelligence and sanctions data held by this dossier server, filtered by the caller's TLP clearance.",
                "default": root,
                "api_roots": [root],
            })))
        })
        .await?)
}

async fn api_root(State(state): Shared, Creds(c): Creds, headers: HeaderMap) -> Reply {
    check_accept(&headers)?;
    let max = state.max_upload;
    Ok(state
        .call(c, Role::Reader, move |_, _| {
            Ok(Taxii::ok(json!({
                "title": "dossier",
                "description": "Collections per dataset, for documents read, for submissions, and per TLP level.",
                "versions": [TAXII],
                "max_content_length": max,
            })))
        })
        .await?)
}

fn collection_json(c: &Collection, caller: &Caller) -> Value {
    json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "can_read": true,
        "can_write": writable(c, caller),
        "media_types": [STIX],
    })
}

fn writable(c: &Collection, caller: &Caller) -> bool {
    c.scope == Scope::Submissions && caller.role >= Role::Analyst
}

fn find_collection(store: &Store, id: &str, caller: &Caller) -> Result<Collection, ApiError> {
    store
        .collection(id, caller.clearance)
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found(format!("no collection {id}")))
}

async fn collections(State(state): Shared, Creds(c): Creds, headers: HeaderMap) -> Reply {
    check_accept(&headers)?;
    Ok(state
        .call(c, Role::Reader, |store, caller| {
            let list = store
                .collections(caller.clearance)
                .map_err(ApiError::internal)?;
            let list: Vec<Value> = list.iter().map(|c| collection_json(c, caller)).collect();
            Ok(Taxii::ok(json!({ "collections": list })))
        })
        .await?)
}

async fn collection(
    State(state): Shared,
    Creds(c): Creds,
    headers: HeaderMap,
    Path(cid): Path<String>,
) -> Reply {
    check_accept(&headers)?;
    Ok(state
        .call(c, Role::Reader, move |store, caller| {
            let c = find_collection(store, &cid, caller)?;
            Ok(Taxii::ok(collection_json(&c, caller)))
        })
        .await?)
}

/// The filters of a request, from its query string.
fn stix_query(raw: Option<&str>, object: Option<&str>) -> Result<StixQuery, ApiError> {
    let mut q = StixQuery {
        limit: DEFAULT_PAGE,
        ..StixQuery::default()
    };
    let list = |v: &str| -> Vec<String> {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "limit" => {
                let n: usize = v.parse().map_err(|_| {
                    ApiError::bad_request(format!("limit: {v:?} is not a positive number"))
                })?;
                if n == 0 {
                    return Err(ApiError::bad_request("limit: must be at least 1"));
                }
                q.limit = n.min(MAX_PAGE);
            }
            "next" => q.next = Some(v.into_owned()),
            "added_after" => {
                if dossier_store::normalise_timestamp(&v).is_none() {
                    return Err(ApiError::bad_request(format!(
                        "added_after: {v:?} is not a timestamp like 2024-01-31T12:00:00.000Z"
                    )));
                }
                q.added_after = Some(v.into_owned());
            }
            "match[type]" => q.types.extend(list(&v)),
            "match[id]" => q.ids.extend(list(&v)),
            "match[version]" => q.versions = VersionMatch::parse(&v),
            "match[spec_version]" => q.spec_versions.extend(list(&v)),
            _ => {}
        }
    }
    if let Some(id) = object {
        q.ids = vec![id.to_owned()];
    }
    Ok(q)
}

fn page_of(
    store: &Store,
    cid: &str,
    caller: &Caller,
    query: &StixQuery,
) -> Result<StixPage, ApiError> {
    let c = find_collection(store, cid, caller)?;
    store
        .stix_objects(&c, caller.clearance, query)
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::bad_request(e.to_string()))
}

/// The envelope of a page, assembled from the stored texts without parsing them.
fn envelope(page: &StixPage) -> Taxii {
    let mut body =
        String::with_capacity(page.objects.iter().map(|o| o.json.len() + 1).sum::<usize>() + 64);
    body.push_str(&format!("{{\"more\":{}", page.more));
    if let Some(next) = &page.next {
        body.push_str(&format!(",\"next\":{}", json!(next)));
    }
    if !page.objects.is_empty() {
        body.push_str(",\"objects\":[");
        for (i, o) in page.objects.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&o.json);
        }
        body.push(']');
    }
    body.push('}');
    Taxii {
        status: StatusCode::OK,
        body,
        first: page.objects.iter().map(|o| o.added.clone()).min(),
        last: page.objects.iter().map(|o| o.added.clone()).max(),
    }
}

async fn objects(
    State(state): Shared,
    Creds(c): Creds,
    headers: HeaderMap,
    Path(cid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Reply {
    check_accept(&headers)?;
    let query = stix_query(raw.as_deref(), None)?;
    Ok(state
        .call(c, Role::Reader, move |store, caller| {
            Ok(envelope(&page_of(store, &cid, caller, &query)?))
        })
        .await?)
}

async fn object(
    State(state): Shared,
    Creds(c): Creds,
    headers: HeaderMap,
    Path((cid, oid)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    check_accept(&headers)?;
    let query = stix_query(raw.as_deref(), Some(&oid))?;
    Ok(state
        .call(c, Role::Reader, move |store, caller| {
            let page = page_of(store, &cid, caller, &query)?;
            if page.objects.is_empty() && query.next.is_none() {
                return Err(ApiError::not_found(format!(
                    "no object {oid} in collection {cid}"
                )));
            }
            Ok(envelope(&page))
        })
        .await?)
}

async fn versions(
    State(state): Shared,
    Creds(c): Creds,
    headers: HeaderMap,
    Path((cid, oid)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    check_accept(&headers)?;
    let mut query = stix_query(raw.as_deref(), Some(&oid))?;
    query.versions = VersionMatch {
        all: true,
        ..VersionMatch::default()
    };
    Ok(state
        .call(c, Role::Reader, move |store, caller| {
            let page = page_of(store, &cid, caller, &query)?;
            if page.objects.is_empty() && query.next.is_none() {
                return Err(ApiError::not_found(format!(
                    "no object {oid} in collection {cid}"
                )));
            }
            let mut body = json!({
                "more": page.more,
                "versions": page.objects.iter().map(|o| &o.version).collect::<Vec<_>>(),
            });
            if let Some(n) = &page.next {
                body["next"] = json!(n);
            }
            let mut t = Taxii::ok(body);
            t.first = page.objects.iter().map(|o| o.added.clone()).min();
            t.last = page.objects.iter().map(|o| o.added.clone()).max();
            Ok(t)
        })
        .await?)
}

async fn manifest(
    State(state): Shared,
    Creds(c): Creds,
    headers: HeaderMap,
    Path(cid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Reply {
    check_accept(&headers)?;
    let query = stix_query(raw.as_deref(), None)?;
    Ok(state
        .call(c, Role::Reader, move |store, caller| {
            let page = page_of(store, &cid, caller, &query)?;
            let mut body = json!({ "more": page.more });
            if !page.objects.is_empty() {
                body["objects"] = json!(page
                    .objects
                    .iter()
                    .map(|o| json!({
                        "id": o.id,
                        "date_added": o.added,
                        "version": o.version,
                        "media_type": STIX,
                    }))
                    .collect::<Vec<_>>());
            }
            if let Some(n) = &page.next {
                body["next"] = json!(n);
            }
            let mut t = Taxii::ok(body);
            t.first = page.objects.iter().map(|o| o.added.clone()).min();
            t.last = page.objects.iter().map(|o| o.added.clone()).max();
            Ok(t)
        })
        .await?)
}

async fn add_objects(
    State(state): Shared,
    Creds(c): Creds,
    headers: HeaderMap,
    Path(cid): Path<String>,
    body: Bytes,
) -> Reply {
    check_accept(&headers)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !(content_type.starts_with("application/taxii+json")
        || content_type.starts_with("application/json"))
    {
        return Err(TaxiiError(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("objects are added as {TAXII} (got Content-Type {content_type:?})"),
        )));
    }
    Ok(state
        .call(c, Role::Analyst, move |store, caller| {
            let c = find_collection(store, &cid, caller)?;
            if !writable(&c, caller) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    format!("collection {cid} is read-only; objects are added to the Submissions collection"),
                ));
            }
            let status = import_envelope(store, caller, &body)?;
            Ok(Taxii {
                status: StatusCode::ACCEPTED,
                body: status.to_string(),
                first: None,
                last: None,
            })
        })
        .await?)
}

/// Imports an envelope through the STIX reader as a source of its own, in one
/// transaction, and records the status resource.
fn import_envelope(store: &mut Store, caller: &Caller, body: &[u8]) -> Result<Value, ApiError> {
    let envelope: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "envelope: not JSON at line {} column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let Some(objects) = envelope.get("objects").and_then(Value::as_array) else {
        return Err(ApiError::bad_request("envelope: no \"objects\" list"));
    };
    if objects.is_empty() {
        return Err(ApiError::bad_request("envelope.objects: the list is empty"));
    }
    let bundle_text = json!({
        "type": "bundle",
        "id": format!("bundle--{}", dossier_model::deterministic_uuid(&String::from_utf8_lossy(body))),
        "objects": objects,
    })
    .to_string();
    let hash = dossier_model::ContentHash::of(bundle_text.as_bytes());
    let options = dossier_ingest::ReadOptions {
        dataset: Some(format!(
            "{SUBMISSIONS}{}",
            &hash.as_str()[..hash.as_str().len().min(24)]
        )),
        ..dossier_ingest::ReadOptions::default()
    };
    let batch =
        dossier_ingest::read("envelope.json", bundle_text.as_bytes(), &options).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{e}; nothing was added"),
            )
        })?;
    let at = now();
    store.import(&batch, &at).map_err(|e| {
        ApiError::internal(format!("adding objects failed, nothing was written: {e}"))
    })?;
    let kept: HashSet<&str> = batch.stix.iter().map(|o| o.id.as_str()).collect();
    let mut successes = Vec::new();
    let mut failures = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        let id = o.get("id").and_then(Value::as_str).unwrap_or("");
        let version = o
            .get("modified")
            .or_else(|| o.get("created"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if kept.contains(id) {
            successes.push(json!({"id": id, "version": version}));
        } else {
            let at_path = format!("objects[{i}]");
            let message = batch
                .report
                .diagnostics
                .iter()
                .find(|d| d.path.as_deref().is_some_and(|p| p.starts_with(&at_path)))
                .map_or_else(
                    || "not a STIX object dossier could read".to_owned(),
                    |d| format!("{}: {}", d.path.as_deref().unwrap_or(""), d.message),
                );
            failures.push(json!({"id": id, "version": version, "message": message}));
        }
    }
    let id = uuid::Uuid::new_v4().to_string();
    let status = json!({
        "id": id,
        "status": "complete",
        "request_timestamp": at,
        "total_count": objects.len(),
        "success_count": successes.len(),
        "successes": successes,
        "failure_count": failures.len(),
        "failures": failures,
        "pending_count": 0,
        "pendings": [],
    });
    store
        .save_taxii_status(&id, &caller.token, &at, &status.to_string())
        .map_err(ApiError::internal)?;
    Ok(status)
}

async fn status(
    State(state): Shared,
    Creds(c): Creds,
    headers: HeaderMap,
    Path(sid): Path<String>,
) -> Reply {
    check_accept(&headers)?;
    Ok(state
        .call(c, Role::Reader, move |store, caller| {
            let body = store
                .taxii_status(&sid, &caller.token)
                .map_err(ApiError::internal)?
                .ok_or_else(|| ApiError::not_found(format!("no status {sid}")))?;
            Ok(Taxii {
                status: StatusCode::OK,
                body,
                first: None,
                last: None,
            })
        })
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_come_from_the_query_string() -> Result<(), ApiError> {
        let q = stix_query(
            Some("limit=50&match%5Btype%5D=malware,tool&match[version]=all&added_after=2024-01-01T00:00:00Z"),
            None,
        )?;
        assert_eq!(q.limit, 50);
        assert_eq!(q.types, ["malware", "tool"]);
        assert!(q.versions.all);
        assert!(stix_query(Some("limit=0"), None).is_err());
        assert!(stix_query(Some("added_after=yesterday"), None).is_err());
        assert_eq!(stix_query(Some("limit=999999"), None)?.limit, MAX_PAGE);
        Ok(())
    }

    #[test]
    fn accept_headers_are_checked() {
        let mut h = HeaderMap::new();
        assert!(check_accept(&h).is_ok());
        h.insert(header::ACCEPT, HeaderValue::from_static(TAXII));
        assert!(check_accept(&h).is_ok());
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/taxii+json;version=2.0"),
        );
        assert!(check_accept(&h).is_err());
        h.insert(header::ACCEPT, HeaderValue::from_static("text/html"));
        assert!(check_accept(&h).is_err());
    }
}
