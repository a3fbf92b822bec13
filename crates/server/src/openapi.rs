//! The OpenAPI 3 document (`/openapi.json`) and a page that lays it out (`/docs`).

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/openapi.json", get(|| async { Json(document()) }))
        .route(
            "/docs",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    DOCS_PAGE,
                )
                    .into_response()
            }),
        )
}

fn param(name: &str, place: &str, required: bool, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": place, "required": required, "description": description, "schema": schema})
}

fn q(name: &str, description: &str) -> Value {
    param(name, "query", false, description, json!({"type": "string"}))
}

fn path(name: &str, description: &str) -> Value {
    param(name, "path", true, description, json!({"type": "string"}))
}

fn ok(description: &str) -> Value {
    json!({
        "200": {"description": description, "content": {"application/json": {"schema": {"type": "object"}}}},
        "400": {"$ref": "#/components/responses/Error"},
        "401": {"$ref": "#/components/responses/Error"},
        "403": {"$ref": "#/components/responses/Error"},
        "404": {"$ref": "#/components/responses/Error"},
    })
}

fn op(tag: &str, summary: &str, role: &str, params: Vec<Value>, responses: Value) -> Value {
    json!({
        "tags": [tag],
        "summary": summary,
        "description": format!("Needs a token with the {role} role (or higher). Everything returned is filtered by the token's TLP clearance."),
        "parameters": params,
        "responses": responses,
    })
}

fn with_body(mut op: Value, media: &str, schema: Value) -> Value {
    op["requestBody"] = json!({"required": true, "content": {media: {"schema": schema}}});
    op
}

/// The whole document.
pub fn document() -> Value {
    let taxii = |summary: &str, params: Vec<Value>| {
        let mut o = op(
            "TAXII 2.1",
            summary,
            "reader",
            params,
            json!({
                "200": {"description": summary, "content": {"application/taxii+json;version=2.1": {"schema": {"type": "object"}}}},
                "401": {"description": "no valid token"},
                "404": {"description": "no such collection or object (or not visible at this clearance)"},
                "406": {"description": "the request does not accept TAXII 2.1"},
            }),
        );
        o["description"] = json!("TAXII 2.1 (OASIS). Authenticate with HTTP Basic (any user name, the token as password) or a bearer token.");
        o
    };
    let paging = || {
        vec![
            q("added_after", "Only objects added after this timestamp"),
            q("limit", "Page size (at most 10000)"),
            q("next", "The `next` value of the previous page"),
            q("match[id]", "Comma-separated STIX ids"),
            q("match[type]", "Comma-separated STIX types"),
            q(
                "match[version]",
                "first, last (default), all, or timestamps",
            ),
            q("match[spec_version]", "Comma-separated STIX versions"),
        ]
    };
    let cid = || path("collection_id", "A collection id from the collections list");
    let oid = || path("object_id", "A STIX id");
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "dossier",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Who is this, who is behind it, who says so, and is it sanctioned? \
                Entities with every statement's source, sanctions screening (also in yente's /match shape), \
                documents read into findings, TAXII 2.1, and an audit trail. Every request needs an API token \
                (`dossier token create`), sent as `Authorization: Bearer TOKEN`.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"basic": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "basic", "description": "Any user name; the token as password (for TAXII clients)"},
            },
            "responses": {
                "Error": {"description": "An error naming the field or value at fault", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "object", "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}},
                        "detail": {"type": "string"},
                    },
                }}}},
            },
            "schemas": {
                "EntityExample": {"type": "object", "required": ["schema"], "properties": {
                    "schema": {"type": "string", "example": "Person"},
                    "properties": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}, "example": {"name": ["Ni Gaobin"], "birthDate": ["1978"]}},
                }},
                "MatchRequest": {"type": "object", "required": ["queries"], "properties": {
                    "queries": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/EntityExample"}, "maxProperties": crate::MAX_BATCH},
                }},
                "ScreenRequest": {"type": "object", "properties": {
                    "name": {"type": "string"}, "names": {"type": "array", "items": {"type": "string"}},
                    "kind": {"type": "string", "example": "person"}, "birth_date": {"type": "string"},
                    "country": {"type": "string"}, "identifiers": {"type": "array", "items": {"type": "string"}},
                    "threshold": {"type": "number"}, "limit": {"type": "integer"}, "dataset": {"type": "string"},
                }},
                "DocumentRequest": {"type": "object", "required": ["text"], "properties": {
                    "text": {"type": "string"}, "title": {"type": "string"}, "publisher": {"type": "string"},
                    "published": {"type": "string"}, "tlp": {"type": "string"}, "file_name": {"type": "string"},
                }},
                "Decide": {"type": "object", "properties": {
                    "ids": {"type": "array", "items": {"type": "integer"}}, "all": {"type": "boolean"},
                    "document": {"type": "string"}, "note": {"type": "string"},
                }},
                "HitDecision": {"type": "object", "required": ["screening", "entity", "decision"], "properties": {
                    "screening": {"type": "integer", "description": "The audit id a screening returned"},
                    "query": {"type": "string"}, "entity": {"type": "string"},
                    "decision": {"type": "string", "enum": ["cleared", "confirmed"]}, "note": {"type": "string"},
                }},
            },
        },
        "paths": {
            "/health": {"get": {"tags": ["Service"], "summary": "Liveness", "security": [], "responses": {"200": {"description": "ok"}}}},
            "/entities": {"get": op("Entities", "Search names, aliases and identifiers", "reader",
                vec![param("q", "query", true, "Text to find", json!({"type": "string"})), q("limit", "At most this many")], ok("Search hits"))},
            "/entities/{id}": {"get": op("Entities", "The dossier of an entity: names by who uses them, kind, country, sponsor, relations both ways, each with sources, issuer, dates and confidence", "reader",
                vec![path("id", "Entity id"), q("as_of", "Only what was stated and valid then (YYYY, YYYY-MM or YYYY-MM-DD)")], ok("The dossier"))},
            "/entities/{id}/statements": {"get": op("Entities", "Every statement about an entity with its source", "reader",
                vec![path("id", "Entity id"), q("as_of", "As of this date")], ok("Statements"))},
            "/lookup": {"get": op("Entities", "Dossiers of the entities a name or alias names", "reader",
                vec![param("name", "query", true, "Name, alias or external id", json!({"type": "string"})), q("as_of", "As of this date")], ok("Dossiers"))},
            "/sources": {
                "get": op("Sources", "Imported source versions (list versions, bundles, documents)", "reader", vec![], ok("Sources")),
                "post": with_body(op("Sources", "Import a file (format detected: STIX, MISP galaxy, UN XML, UK, CSL, FollowTheMoney…) in one transaction", "analyst",
                    vec![q("name", "File name"), q("tlp", "Marking of records that carry none"), q("dataset", "File under this dataset")], ok("Import outcome")),
                    "application/octet-stream", json!({"type": "string", "format": "binary"})),
            },
            "/sources/{id}": {"get": op("Sources", "One source version", "reader", vec![path("id", "Source id")], ok("Source"))},
            "/diff": {"get": op("Sources", "Designations added, removed and changed between two versions of a list", "reader",
                vec![param("from", "query", true, "Older source id", json!({"type": "string"})), param("to", "query", true, "Newer source id", json!({"type": "string"}))], ok("Differences"))},
            "/screen": {"post": with_body(op("Screening", "Screen a name against the lists, with context (aliases, relations, disputes); audited", "reader", vec![], ok("Hits")),
                "application/json", json!({"$ref": "#/components/schemas/ScreenRequest"}))},
            "/match/{dataset}": {"post": with_body(op("Screening", "yente-compatible batch matching (up to 100 queries); audited", "reader",
                vec![path("dataset", "default, sanctions, or a list dataset"), q("algorithm", "Accepted for compatibility; dossier's matcher answers"),
                     q("limit", "Results per query"), q("threshold", "Score for `match`"), q("cutoff", "Lowest score returned"),
                     q("exclude_entity_ids", "Repeatable"), q("exclude_schema", "Repeatable"), q("exclude_dataset", "Repeatable"), q("include_dataset", "Repeatable")],
                ok("Responses per query")), "application/json", json!({"$ref": "#/components/schemas/MatchRequest"}))},
            "/algorithms": {"get": {"tags": ["Screening"], "summary": "The matching algorithm", "security": [], "responses": {"200": {"description": "Algorithms"}}}},
            "/documents": {"post": with_body(op("Documents", "Read a document: entities, indicators, claims and denials become pending findings; parties are screened", "analyst", vec![], ok("Findings")),
                "application/json", json!({"$ref": "#/components/schemas/DocumentRequest"}))},
            "/findings": {"get": op("Documents", "Findings of documents read", "reader", vec![q("status", "pending, accepted or rejected"), q("document", "Source id of the document")], ok("Findings"))},
            "/findings/accept": {"post": with_body(op("Documents", "Accept findings: their statements join the store", "analyst", vec![], ok("Decided")),
                "application/json", json!({"$ref": "#/components/schemas/Decide"}))},
            "/findings/reject": {"post": with_body(op("Documents", "Reject findings", "analyst", vec![], ok("Decided")),
                "application/json", json!({"$ref": "#/components/schemas/Decide"}))},
            "/audit": {"get": op("Audit", "The audit trail (admins: everyone's; others: their own)", "reader",
                vec![q("actor", "Token name"), q("action", "screen or decision"), q("subject", "Subject key"), q("after", "Entries after this id"), q("limit", "At most this many")], ok("Entries"))},
            "/audit/decisions": {"post": with_body(op("Audit", "Clear or confirm a hit of an audited screening; a cleared hit is not raised again for the same subject while the listed entity is unchanged", "analyst", vec![], ok("Decision")),
                "application/json", json!({"$ref": "#/components/schemas/HitDecision"}))},
            "/taxii2/": {"get": taxii("TAXII discovery", vec![])},
            "/taxii2/api/": {"get": taxii("API root", vec![])},
            "/taxii2/api/collections/": {"get": taxii("Collections: per dataset, documents, submissions, per TLP level", vec![])},
            "/taxii2/api/collections/{collection_id}/": {"get": taxii("One collection", vec![cid()])},
            "/taxii2/api/collections/{collection_id}/objects/": {
                "get": taxii("Objects, a page at a time", { let mut p = paging(); p.push(cid()); p }),
                "post": with_body({ let mut o = taxii("Add objects (to Submissions; analyst role); answers with a status resource", vec![cid()]); o["responses"]["202"] = json!({"description": "status resource"}); o },
                    "application/taxii+json;version=2.1", json!({"type": "object", "properties": {"objects": {"type": "array", "items": {"type": "object"}}}})),
            },
            "/taxii2/api/collections/{collection_id}/objects/{object_id}/": {"get": taxii("One object (its versions per match[version])", { let mut p = paging(); p.push(cid()); p.push(oid()); p })},
            "/taxii2/api/collections/{collection_id}/objects/{object_id}/versions/": {"get": taxii("Versions of an object", vec![cid(), oid(), q("added_after", "After"), q("limit", "Page size"), q("next", "Cursor")])},
            "/taxii2/api/collections/{collection_id}/manifest/": {"get": taxii("Manifest of objects", { let mut p = paging(); p.push(cid()); p })},
            "/taxii2/api/status/{status_id}/": {"get": taxii("Status of an add-objects request", vec![path("status_id", "From the add response")])},
        },
    })
}

/// A page that lays out `/openapi.json`: every route, what it needs, its parameters and
/// request body; self-contained (no scripts or styles from elsewhere).
const DOCS_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>dossier API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 2rem; color: #1b1f24; }
h1 { margin-bottom: 0.2rem; }
.op { border: 1px solid #d0d7de; border-radius: 6px; margin: 0.6rem 0; }
.op > summary { cursor: pointer; padding: 0.4rem 0.8rem; display: flex; gap: 0.8rem; align-items: baseline; }
.method { font: bold 13px monospace; text-transform: uppercase; min-width: 4rem; }
.get .method { color: #0969da; } .post .method { color: #1a7f37; }
.path { font-family: monospace; }
.body { padding: 0.2rem 1rem 0.8rem; border-top: 1px solid #d0d7de; }
table { border-collapse: collapse; } td, th { text-align: left; padding: 0.1rem 0.8rem 0.1rem 0; vertical-align: top; }
code, pre { background: #f6f8fa; } pre { padding: 0.5rem; overflow: auto; }
.tag { margin-top: 1.6rem; }
</style>
</head>
<body>
<h1>dossier API</h1>
<p id="intro">Loading <a href="/openapi.json">/openapi.json</a>…</p>
<main id="ops"></main>
<script>
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}
fetch('/openapi.json').then(r => r.json()).then(doc => {
  document.getElementById('intro').textContent = doc.info.description + ' (version ' + doc.info.version + ')';
  const byTag = {};
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      const tag = (op.tags || ['Other'])[0];
      (byTag[tag] = byTag[tag] || []).push([p, m, op]);
    }
  }
  const main = document.getElementById('ops');
  for (const [tag, ops] of Object.entries(byTag)) {
    main.append(el('h2', {class: 'tag'}, tag));
    for (const [p, m, op] of ops) {
      const body = el('div', {class: 'body'}, el('p', {}, op.description || ''));
      if ((op.parameters || []).length) {
        const t = el('table', {}, el('tr', {}, el('th', {}, 'parameter'), el('th', {}, 'in'), el('th', {}, 'meaning')));
        for (const prm of op.parameters) t.append(el('tr', {}, el('td', {}, el('code', {}, prm.name + (prm.required ? ' *' : ''))), el('td', {}, prm.in), el('td', {}, prm.description || '')));
        body.append(t);
      }
      if (op.requestBody) {
        const [media, c] = Object.entries(op.requestBody.content)[0];
        let schema = c.schema;
        if (schema.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop()];
        body.append(el('p', {}, 'Request body (' + media + '):'), el('pre', {}, JSON.stringify(schema, null, 2)));
      }
      main.append(el('details', {class: 'op ' + m, 'data-path': p}, el('summary', {}, el('span', {class: 'method'}, m), el('span', {class: 'path'}, p), el('span', {}, op.summary || '')), body));
    }
  }
}).catch(e => { document.getElementById('intro').textContent = 'Could not load /openapi.json: ' + e; });
</script>
</body>
</html>
"#;
