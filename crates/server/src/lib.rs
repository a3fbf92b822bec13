//! dossier over HTTP (`dossier serve`): the REST API with its OpenAPI document,
//! yente-compatible `/match`, TAXII 2.1, API tokens with roles and TLP clearance, and the
//! audit trail. Also the pieces the command line shares with it: the bundled datasets,
//! reading documents, and screening hits with their context.

pub mod bundled;
pub mod context;
mod error;
mod matching;
mod openapi;
pub mod reading;
mod recorder;
mod rest;
mod screening;
mod state;
mod taxii;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use dossier_store::Store;

pub use error::ApiError;
pub use matching::MAX_BATCH;
pub use screening::{fingerprint, subject_key};
pub use state::AppState;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    pub addr: SocketAddr,
    /// Largest upload (imports, documents, TAXII envelopes), in bytes.
    pub max_upload: usize,
    /// Largest other request body, in bytes.
    pub max_body: usize,
    /// Log one JSON line per request to standard error.
    pub log_requests: bool,
}

impl Config {
    pub fn new(db: PathBuf) -> Self {
        Config {
            db,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_upload: 256 << 20,
            max_body: 2 << 20,
            log_requests: true,
        }
    }
}

/// A new token secret: 256 random bits, with a prefix that says what it is.
pub fn new_secret() -> String {
    format!(
        "dossier_{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Loads the bundled datasets into an empty store (as `dossier init`); returns the
/// number of datasets loaded.
pub fn load_bundled_if_empty(store: &mut Store) -> anyhow::Result<usize> {
    if !store.is_empty()? {
        return Ok(0);
    }
    // One import: the resolver runs once, and a failure leaves the store empty.
    let mut bulk = store.bulk_import(&rest::now())?;
    for b in bundled::BUNDLED {
        let batch = b.read().map_err(|e| anyhow::anyhow!("{}: {e}", b.name))?;
        bulk.import(&batch, &mut |_, _| {})
            .map_err(|e| anyhow::anyhow!("{}: import failed: {e}", b.name))?;
    }
    bulk.finish()?;
    Ok(bundled::BUNDLED.len())
}

/// The whole application, for a listener (and for tests).
pub fn app(config: &Config) -> Router {
    let state = Arc::new(AppState::new(config.db.clone(), config.max_upload));
    state.start_checkpoints();
    let router = Router::new()
        .merge(rest::routes(config.max_upload))
        .merge(matching::routes())
        .merge(taxii::routes(config.max_upload))
        .merge(openapi::routes())
        .layer(axum::extract::DefaultBodyLimit::max(config.max_body))
        .with_state(state);
    let limits = (config.max_body, config.max_upload);
    let router = router.layer(middleware::from_fn(move |r: Request, n: Next| {
        refuse_oversized(limits, r, n)
    }));
    if config.log_requests {
        router.layer(middleware::from_fn(log_request))
    } else {
        router
    }
}

/// Whether a request may carry an upload-sized body: imports, documents, TAXII envelopes.
fn is_upload(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == axum::http::Method::POST
        && (path == "/sources" || path == "/documents" || path.ends_with("/objects/"))
}

/// Answers 413 at once to a request that announces a body over its limit, before a
/// byte of it is read (the body limits catch bodies sent without a length).
async fn refuse_oversized(
    (max_body, max_upload): (usize, usize),
    request: Request,
    next: Next,
) -> Response {
    let limit = if is_upload(&request) {
        max_upload
    } else {
        max_body
    };
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return axum::response::IntoResponse::into_response(ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than this server takes here ({limit} bytes)"),
        ));
    }
    next.run(request).await
}

/// One JSON line per request: time, method, route, status, duration. Query strings are
/// left out (they carry what was searched for; the audit trail keeps that).
async fn log_request(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || request.uri().path().to_owned(),
        |m| m.as_str().to_owned(),
    );
    let response = next.run(request).await;
    let line = serde_json::json!({
        "at": rest::now(),
        "method": method.as_str(),
        "route": route,
        "status": response.status().as_u16(),
        "ms": (start.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
    });
    eprintln!("{line}");
    response
}

/// Serves until `shutdown` completes, then finishes the requests under way.
pub async fn serve(
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = app(&config);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// `dossier serve`: opens (and on first run fills) the store, binds, serves until
/// Ctrl-C or SIGTERM.
pub fn run(config: Config) -> anyhow::Result<()> {
    {
        let mut store = Store::open(&config.db)?;
        if store.is_empty()? {
            eprintln!("empty database: loading the bundled datasets first");
            load_bundled_if_empty(&mut store)?;
        }
        if store.tokens()?.iter().all(|t| t.revoked_at.is_some()) {
            eprintln!(
                "no API token yet: every request will get 401; create one with \
                 `dossier token create --name NAME --role reader|analyst|admin --clearance clear|green|amber|red`"
            );
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
        let addr = listener.local_addr()?;
        eprintln!(
            "{}",
            serde_json::json!({"at": rest::now(), "listening": format!("http://{addr}"), "db": config.db.display().to_string()})
        );
        serve(config, listener, shutdown_signal()).await
    })
}
