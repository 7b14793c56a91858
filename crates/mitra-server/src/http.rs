//! The HTTP surface of the server, on hyper: the WebSocket upgrade at
//! `/sync` and the operational endpoints.
//!
//! | path | answer |
//! | --- | --- |
//! | `/sync` | WebSocket upgrade to the automerge-repo protocol |
//! | `/healthz` | 200 while the process is alive |
//! | `/readyz` | 200 once storage is open and the listener is up; 503 otherwise |
//! | `/metrics` | Prometheus text |
//! | `/api/...` | the JSON HTTP API ([`crate::api`]) |
//! | anything else | the browser client's files ([`crate::web`]) |

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use crate::auth::{self, Refusal};
use crate::connection;
use crate::server::Shared;

use crate::web::{Body, fixed};

/// Serves one TCP connection (HTTP/1.1, with upgrades) until it ends or the server shuts down.
pub async fn serve_connection(shared: Arc<Shared>, stream: TcpStream, remote: SocketAddr) {
    let service_shared = Arc::clone(&shared);
    let service = hyper::service::service_fn(move |req| {
        let shared = Arc::clone(&service_shared);
        async move { Ok::<_, Infallible>(route(shared, req, remote).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(shared.config.limits.handshake_timeout)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(%remote, error = %e, "http connection ended with an error");
            }
        }
        _ = shared.shutdown.cancelled() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

fn text(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response<Body> {
    fixed(status, content_type, body)
}

async fn route(shared: Arc<Shared>, req: Request<Incoming>, remote: SocketAddr) -> Response<Body> {
    const PLAIN: &str = "text/plain; charset=utf-8";
    match (req.method(), req.uri().path()) {
        (_, "/sync") => upgrade(shared, req, remote).await,
        (_, path) if path == "/api" || path.starts_with("/api/") => {
            crate::api::serve(shared, req, remote).await
        }
        (&Method::GET, "/healthz") => text(StatusCode::OK, PLAIN, "ok\n"),
        (&Method::GET, "/readyz") => {
            if shared.is_ready() && storage_answers(&shared).await {
                text(StatusCode::OK, PLAIN, "ready\n")
            } else {
                text(StatusCode::SERVICE_UNAVAILABLE, PLAIN, "not ready\n")
            }
        }
        (&Method::GET, "/metrics") => text(
            StatusCode::OK,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
            shared.metrics.render(),
        ),
        _ => shared.web.serve(req).await,
    }
}

/// Whether storage answers a readiness check (timed and counted in the metrics).
async fn storage_answers(shared: &Shared) -> bool {
    let started = std::time::Instant::now();
    let checked = shared.storage.check().await;
    shared
        .metrics
        .storage_result("check", started.elapsed(), &checked);
    checked.is_ok()
}

/// Answers the WebSocket handshake and hands the upgraded socket to a connection task.
async fn upgrade(
    shared: Arc<Shared>,
    mut req: Request<Incoming>,
    remote: SocketAddr,
) -> Response<Body> {
    const PLAIN: &str = "text/plain; charset=utf-8";
    let headers = req.headers();
    let is_upgrade = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let version_ok = headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_some_and(|v| v == "13");
    let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY).cloned() else {
        return text(
            StatusCode::BAD_REQUEST,
            PLAIN,
            "this endpoint speaks the automerge-repo protocol over WebSocket\n",
        );
    };
    if req.method() != Method::GET || !is_upgrade || !version_ok {
        return text(
            StatusCode::BAD_REQUEST,
            PLAIN,
            "expected a WebSocket upgrade (GET, Upgrade: websocket, version 13)\n",
        );
    }
    // Credentials and Origin before anything else: an unauthenticated
    // upgrade gets no protocol message at all. The query string (which may
    // hold a token) is never logged.
    let authenticated = match &shared.access {
        None => None,
        Some(store) => {
            let query = req.uri().query().map(str::to_owned);
            match auth::authenticate(&shared, store, query.as_deref(), req.headers(), remote).await
            {
                Ok(authenticated) => Some(authenticated),
                Err(refusal) => {
                    let (status, body) = match refusal {
                        Refusal::Unauthenticated => (
                            StatusCode::UNAUTHORIZED,
                            "authentication required: pass ?token=API_TOKEN or sign in\n",
                        ),
                        Refusal::ForeignOrigin => {
                            (StatusCode::FORBIDDEN, "cross-origin WebSocket refused\n")
                        }
                        Refusal::RateLimited => (
                            StatusCode::TOO_MANY_REQUESTS,
                            "too many failed attempts; try again later\n",
                        ),
                        Refusal::Unavailable => (
                            StatusCode::SERVICE_UNAVAILABLE,
                            "access control is unavailable; try again later\n",
                        ),
                    };
                    return text(status, PLAIN, body);
                }
            }
        }
    };
    let Ok(permit) = Arc::clone(&shared.connection_slots).try_acquire_owned() else {
        shared.metrics.error("connection_limit");
        tracing::warn!(%remote, "connection limit reached: refusing a WebSocket upgrade");
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            PLAIN,
            "too many connections; try again later\n",
        );
    };
    if shared.shutdown.is_cancelled() {
        return text(StatusCode::SERVICE_UNAVAILABLE, PLAIN, "shutting down\n");
    }
    let on_upgrade = hyper::upgrade::on(&mut req);
    let limits = shared.config.limits.clone();
    let task_shared = Arc::clone(&shared);
    shared.connections.spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let config = WebSocketConfig::default()
                    .max_message_size(Some(limits.max_message_bytes))
                    .max_frame_size(Some(limits.max_frame_bytes));
                let ws = WebSocketStream::from_raw_socket(
                    TokioIo::new(upgraded),
                    Role::Server,
                    Some(config),
                )
                .await;
                connection::run(task_shared, ws, remote, authenticated).await;
            }
            Err(e) => tracing::debug!(%remote, error = %e, "WebSocket upgrade failed"),
        }
        drop(permit);
    });
    let mut response = fixed(StatusCode::SWITCHING_PROTOCOLS, "text/plain", Bytes::new());
    response.headers_mut().remove(header::CONTENT_TYPE);
    let h = response.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    response
}
