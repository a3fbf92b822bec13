//! `POST /match/{dataset}` in yente's request and response shapes, so that clients
//! written for yente screen against dossier unchanged; and `GET /algorithms`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use dossier_screen::{Kind, Query as ScreenQuery, Record};
use dossier_store::Role;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::rest::{country_code, now, parse_json, Creds, Shared};
use crate::screening::{self, Asked, Screened, Settings};
use crate::state::AppState;

/// The most queries one request may carry (as yente).
pub const MAX_BATCH: usize = 100;
/// The most results per query.
const MAX_LIMIT: usize = 500;

/// The scoring dossier runs; yente's algorithm names are accepted and answered by it.
const ALGORITHM: &str = "dossier-v1";
const ACCEPTED_ALGORITHMS: &[&str] = &[
    ALGORITHM,
    "best",
    "logic-v1",
    "logic-v2",
    "name-based",
    "name-qualified",
    "regression-v1",
];

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/match/{dataset}", post(match_entities))
        .route("/algorithms", get(algorithms))
}

fn algorithm_description() -> Value {
    json!({
        "name": ALGORITHM,
        "description": "dossier's name matcher: names read per script and transliterated, \
            words paired by phonetic, consonant and edit similarity, legal forms and \
            numbers compared, then qualified by birth date, country and identifiers.",
        "features": {
            "name": {"description": "Similarity of the best pair of names", "coefficient": 1.0, "url": ""},
            "birth_date_match": {"description": "Birth dates agree", "coefficient": 1.0, "url": ""},
            "birth_date_mismatch": {"description": "Birth dates disagree", "coefficient": -1.0, "url": ""},
            "country_match": {"description": "Countries agree", "coefficient": 1.0, "url": ""},
            "country_mismatch": {"description": "Countries disagree", "coefficient": -1.0, "url": ""},
            "identifier_match": {"description": "An identifier is shared", "coefficient": 1.0, "url": ""},
        },
    })
}

async fn algorithms() -> Json<Value> {
    Json(json!({
        "algorithms": [algorithm_description()],
        "default": ALGORITHM,
        "best": ALGORITHM,
    }))
}

/// Query-string parameters (yente's), read by hand: lists repeat their key.
#[derive(Debug)]
struct Params {
    algorithm: String,
    limit: usize,
    threshold: f64,
    cutoff: f64,
    exclude_entity_ids: Vec<String>,
    exclude_schema: Vec<String>,
    exclude_dataset: Vec<String>,
    include_dataset: Vec<String>,
}

fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, ApiError> {
    value.parse().map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("query parameter {key}: {value:?} is not a number"),
        )
    })
}

fn parse_params(raw: Option<&str>) -> Result<Params, ApiError> {
    let mut p = Params {
        algorithm: ALGORITHM.to_owned(),
        limit: 5,
        threshold: dossier_screen::THRESHOLD,
        cutoff: dossier_screen::THRESHOLD,
        exclude_entity_ids: Vec::new(),
        exclude_schema: Vec::new(),
        exclude_dataset: Vec::new(),
        include_dataset: Vec::new(),
    };
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let v = v.into_owned();
        match k.as_ref() {
            "algorithm" => {
                if !ACCEPTED_ALGORITHMS.contains(&v.as_str()) {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        format!(
                            "algorithm {v:?}: not one of {}",
                            ACCEPTED_ALGORITHMS.join(", ")
                        ),
                    ));
                }
                p.algorithm = v;
            }
            "limit" => p.limit = number::<usize>("limit", &v)?.clamp(1, MAX_LIMIT),
            "threshold" => p.threshold = number("threshold", &v)?,
            "cutoff" => p.cutoff = number("cutoff", &v)?,
            "exclude_entity_ids" => p.exclude_entity_ids.push(v),
            "exclude_schema" => p.exclude_schema.push(v),
            "exclude_dataset" => p.exclude_dataset.push(v),
            "include_dataset" => p.include_dataset.push(v),
            // Accepted for compatibility; dossier has no use for them.
            _ => {}
        }
    }
    // As yente: nothing under the threshold or the cutoff, whichever is lower.
    p.cutoff = p.cutoff.min(p.threshold);
    for (key, v) in [("threshold", p.threshold), ("cutoff", p.cutoff)] {
        if !(0.0..=1.0).contains(&v) {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("query parameter {key}: {v} is not between 0 and 1"),
            ));
        }
    }
    Ok(p)
}

#[derive(Debug, Deserialize)]
struct MatchRequest {
    queries: BTreeMap<String, EntityExample>,
}

#[derive(Debug, Deserialize)]
struct EntityExample {
    #[serde(default)]
    id: Option<String>,
    schema: String,
    #[serde(default)]
    properties: BTreeMap<String, OneOrMany>,
}

/// yente takes a property as a list of strings; a lone string is taken too.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn values(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

const SCHEMATA: &[&str] = &[
    "Thing",
    "LegalEntity",
    "Person",
    "Organization",
    "Company",
    "PublicBody",
    "Vessel",
    "Airplane",
    "Asset",
];

const ID_PROPERTIES: &[(&str, Option<&str>)] = &[
    ("idNumber", None),
    ("passportNumber", Some("passport")),
    ("registrationNumber", Some("registration")),
    ("taxNumber", Some("tax")),
    ("innCode", Some("inn")),
    ("ogrnCode", Some("ogrn")),
    ("leiCode", Some("lei")),
    ("swiftBic", Some("swift")),
    ("imoNumber", Some("imo")),
    ("mmsi", Some("mmsi")),
    ("registrationNumber", Some("registration")),
];

fn example_to_query(key: &str, ex: &EntityExample, p: &Params) -> Result<Asked, ApiError> {
    let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, format!("queries.{key}: {m}"));
    if !SCHEMATA.contains(&ex.schema.as_str()) {
        return Err(bad(format!(
            "schema {:?} cannot be screened (one of {})",
            ex.schema,
            SCHEMATA.join(", ")
        )));
    }
    let prop = |name: &str| -> Vec<String> {
        ex.properties
            .get(name)
            .map(OneOrMany::values)
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let mut names = prop("name");
    names.extend(prop("alias"));
    let first = prop("firstName");
    let last = prop("lastName");
    if names.is_empty() {
        if let (Some(f), Some(l)) = (first.first(), last.first()) {
            let middle = prop("middleName").join(" ");
            let full = [f.as_str(), middle.as_str(), l.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            names.push(full);
        }
    }
    let mut identifiers = Vec::new();
    for (prop_name, scheme) in ID_PROPERTIES {
        for v in prop(prop_name) {
            identifiers.push((scheme.map(str::to_owned), v));
        }
    }
    identifiers.dedup();
    if names.is_empty() && identifiers.is_empty() {
        return Err(bad(
            "properties: give a name (or an identifier) to match".to_owned()
        ));
    }
    names.truncate(10);
    let mut q = ScreenQuery::new(names.first().cloned().unwrap_or_default());
    q.kind = Kind::from_schema(&ex.schema);
    q.birth_date = prop("birthDate").into_iter().next();
    let country = ["country", "nationality", "citizenship", "jurisdiction"]
        .iter()
        .flat_map(|c| prop(c))
        .next();
    q.country = country.as_deref().map(country_code).transpose()?;
    q.identifiers = identifiers;
    q.threshold = p.threshold;
    if names.is_empty() {
        names.push(String::new());
    }
    Ok(Asked {
        key: key.to_owned(),
        names,
        query: q,
    })
}

fn schema_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "Person",
        Kind::Organization => "Organization",
        Kind::Vessel => "Vessel",
        Kind::Aircraft => "Airplane",
        Kind::Any => "LegalEntity",
    }
}

/// A record in FollowTheMoney terms.
fn properties(record: Option<&Record>, s: &Screened) -> Map<String, Value> {
    let mut props = Map::new();
    let mut put = |key: &str, values: Vec<String>| {
        let mut values = values;
        values.sort();
        values.dedup();
        if !values.is_empty() {
            props.insert(key.to_owned(), json!(values));
        }
    };
    put("name", vec![s.hit.caption.clone()]);
    let mut programs = Vec::new();
    let mut authorities = Vec::new();
    for l in &s.hit.listings {
        programs.extend(l.programs.iter().cloned());
        authorities.extend(l.authority.iter().cloned());
    }
    put("program", programs);
    put("authority", authorities);
    if !s.hit.listings.is_empty() {
        put("topics", vec!["sanction".to_owned()]);
    }
    let Some(r) = record else {
        return props;
    };
    put(
        "alias",
        r.names
            .iter()
            .filter(|n| !n.weak && n.text != s.hit.caption)
            .map(|n| n.text.clone())
            .collect(),
    );
    put(
        "weakAlias",
        r.names
            .iter()
            .filter(|n| n.weak)
            .map(|n| n.text.clone())
            .collect(),
    );
    if r.kind == Kind::Person {
        put("birthDate", r.birth_dates.clone());
        put(
            "nationality",
            r.countries.iter().map(|c| c.to_ascii_lowercase()).collect(),
        );
    } else {
        put(
            "country",
            r.countries.iter().map(|c| c.to_ascii_lowercase()).collect(),
        );
    }
    let mut by_prop: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (scheme, value) in &r.identifiers {
        let s = scheme.to_ascii_lowercase();
        let prop = ID_PROPERTIES
            .iter()
            .find(|(_, sc)| sc.is_some_and(|sc| s.contains(sc)))
            .map_or("idNumber", |(p, _)| p);
        by_prop.entry(prop).or_default().push(value.clone());
    }
    for (p, v) in by_prop {
        put(p, v);
    }
    props
}

fn result_json(screener: &screening::Screener, s: &Screened, p: &Params) -> Value {
    let record = screener.index.record(&s.hit.id);
    let mut datasets: Vec<String> = s.hit.listings.iter().map(|l| l.dataset.clone()).collect();
    datasets.sort();
    datasets.dedup();
    if datasets.is_empty() {
        datasets.push("threat-intel".to_owned());
    }
    let listed: Vec<&str> = s
        .hit
        .listings
        .iter()
        .filter_map(|l| l.listed_on.as_deref())
        .collect();
    // Full date-times only: clients parse them as such.
    let first_seen = listed
        .iter()
        .filter(|d| d.len() == 10)
        .min()
        .map(|d| format!("{d}T00:00:00"));
    let mut features = Map::new();
    features.insert("name".to_owned(), json!(s.hit.name.score));
    for f in &s.hit.features {
        features.insert(f.name.to_owned(), json!(f.value));
    }
    let mut explanations = Map::new();
    explanations.insert(
        "name".to_owned(),
        json!({
            "score": s.hit.name.score,
            "query": s.hit.name.query_name,
            "candidate": s.hit.name.candidate_name,
            "detail": s.hit.name.features.iter().map(|f| format!("{}: {}", f.name, f.detail)).collect::<Vec<_>>().join("; "),
        }),
    );
    for f in &s.hit.features {
        explanations.insert(
            f.name.to_owned(),
            json!({"score": f.value, "detail": f.detail}),
        );
    }
    let mut out = json!({
        "id": s.hit.id,
        "caption": s.hit.caption,
        "schema": schema_of(s.hit.kind),
        "properties": properties(record, s),
        "datasets": datasets,
        "referents": [],
        "target": !s.hit.listings.is_empty(),
        "first_seen": first_seen,
        "last_seen": null,
        "last_change": null,
        "score": s.hit.score,
        "features": features,
        "match": s.raised && s.hit.score >= p.threshold,
        "explanations": explanations,
    });
    if let Some(d) = &s.decision {
        out["decision"] = json!(d);
    }
    out
}

async fn match_entities(
    State(state): Shared,
    Creds(c): Creds,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let p = parse_params(raw.as_deref())?;
    let req: MatchRequest = parse_json(&body)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.message))?;
    if req.queries.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "queries: no query given",
        ));
    }
    if req.queries.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "queries: {} given, at most {MAX_BATCH} per request",
                req.queries.len()
            ),
        ));
    }
    let asked = req
        .queries
        .iter()
        .map(|(k, ex)| example_to_query(k, ex, &p))
        .collect::<Result<Vec<_>, _>>()?;
    let st = Arc::clone(&state);
    state
        .read(c, Role::Reader, move |store, caller| {
            let screener = st.index(store, caller.clearance)?;
            let include: Vec<&String> = p.include_dataset.iter().collect();
            let scope = match include.as_slice() {
                [one] => one.as_str(),
                _ => dataset.as_str(),
            };
            if !screener.knows_dataset(&dataset) || !screener.knows_dataset(scope) {
                return Err(ApiError::not_found(format!(
                    "dataset {dataset:?} does not exist"
                )));
            }
            let settings = Settings {
                endpoint: "/match",
                algorithm: &p.algorithm,
                dataset: scope,
                threshold: p.threshold,
                cutoff: p.cutoff,
                limit: p.limit,
                exclude: &p.exclude_entity_ids,
            };
            let (audit, answers) = screening::screen(
                store,
                &st.recorder,
                &screener,
                caller,
                &settings,
                &asked,
                &now(),
            )?;
            let mut responses = Map::new();
            for ((key, ex), answer) in req.queries.iter().zip(&answers) {
                let results: Vec<Value> = answer
                    .hits
                    .iter()
                    .filter(|s| !p.exclude_schema.iter().any(|x| x == schema_of(s.hit.kind)))
                    .filter(|s| {
                        !s.hit
                            .listings
                            .iter()
                            .any(|l| p.exclude_dataset.contains(&l.dataset))
                    })
                    .map(|s| result_json(&screener, s, &p))
                    .collect();
                let props: Map<String, Value> = ex
                    .properties
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v.values())))
                    .collect();
                responses.insert(
                    key.clone(),
                    json!({
                        "status": 200,
                        "results": results,
                        "total": {"value": answer.total, "relation": "eq"},
                        "query": {"id": ex.id, "schema": ex.schema, "properties": props},
                    }),
                );
            }
            Ok(Json(json!({
                "responses": responses,
                "matcher": algorithm_description(),
                "limit": p.limit,
                "screening": audit,
            })))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_repeat_and_are_checked() -> Result<(), ApiError> {
        let p = parse_params(Some(
            "limit=3&threshold=0.9&exclude_entity_ids=a&exclude_entity_ids=b&algorithm=logic-v2",
        ))?;
        assert_eq!(p.limit, 3);
        assert_eq!(p.exclude_entity_ids, ["a", "b"]);
        assert!(parse_params(Some("threshold=2")).is_err());
        assert!(parse_params(Some("limit=x")).is_err());
        assert!(parse_params(Some("algorithm=magic")).is_err());
        Ok(())
    }
}
