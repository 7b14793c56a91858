//! The plain HTTP surface next to the WebSocket endpoint: health, readiness,
//! metrics, the landing page, unknown paths and a non-upgrade `/sync`.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;

#[tokio::test]
async fn healthz_answers_200() {
    let server = TestServer::start().await;
    let response = http_get(server.addr, "/healthz").await.unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body.trim(), "ok");
}

#[tokio::test]
async fn readyz_answers_200_once_serving() {
    let server = TestServer::start().await;
    let response = http_get(server.addr, "/readyz").await.unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body.trim(), "ready");
}

#[tokio::test]
async fn metrics_lists_connections_and_counters_move_after_traffic() {
    let server = TestServer::start().await;
    let before = http_get(server.addr, "/metrics").await.unwrap();
    assert_eq!(before.status, 200, "{before:?}");
    assert!(
        before
            .header("content-type")
            .is_some_and(|c| c.contains("text")),
        "{:?}",
        before.headers
    );
    assert_eq!(metric_value(&before.body, "mitra_connections"), Some(0.0));
    let accepted_before =
        metric_value(&before.body, "mitra_connections_accepted_total").unwrap_or(0.0);

    assert_serving(&server).await;
    let client = RawClient::joined(&server).await.unwrap();
    // The health check's clients are gone; this one stays.
    server
        .wait_for("one open connection", TIMEOUT, |s| {
            s.metric("mitra_connections") == 1.0
        })
        .await;

    let after = http_get(server.addr, "/metrics").await.unwrap();
    assert_eq!(after.status, 200);
    let body = &after.body;
    assert_eq!(metric_value(body, "mitra_connections"), Some(1.0), "{body}");
    assert!(
        metric_value(body, "mitra_connections_accepted_total").unwrap() >= accepted_before + 3.0,
        "{body}"
    );
    for sample in [
        "mitra_messages_received_total{kind=\"join\"}",
        "mitra_messages_received_total{kind=\"sync\"}",
        "mitra_messages_received_total{kind=\"request\"}",
        "mitra_messages_sent_total{kind=\"sync\"}",
        "mitra_received_bytes_total",
        "mitra_sent_bytes_total",
        "mitra_change_batches_persisted_total",
        "mitra_persisted_bytes_total",
    ] {
        assert!(
            metric_value(body, sample).is_some_and(|v| v >= 1.0),
            "{sample} did not move:\n{body}"
        );
    }
    client.close().await;
}

#[tokio::test]
async fn root_without_a_built_client_explains_how_to_build_it() {
    let server = TestServer::start().await;
    let response = http_get(server.addr, "/").await.unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    assert!(
        response
            .header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{:?}",
        response.headers
    );
    assert!(
        response.body.contains("npm --prefix web run build"),
        "{}",
        response.body
    );
    let asset = http_get(server.addr, "/assets/app.js").await.unwrap();
    assert_eq!(asset.status, 404, "{asset:?}");
}

/// A directory shaped like `web/dist`: index.html and a hashed asset.
fn built_client() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><html><head><title>Mitra</title></head><body><div id=app></div></body></html>",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(
        dir.path().join("assets/index-abc123.js"),
        "console.log('mitra')\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("assets/engine-abc123.wasm"),
        b"\0asm\x01\0\0\0",
    )
    .unwrap();
    dir
}

#[tokio::test]
async fn the_built_client_is_served_with_cache_and_security_headers() {
    let web = built_client();
    let root = web.path().to_path_buf();
    let server = TestServer::start_with(|c| c.web_dir = Some(root)).await;

    let index = http_get(server.addr, "/").await.unwrap();
    assert_eq!(index.status, 200, "{index:?}");
    assert!(index.body.contains("<div id=app>"), "{}", index.body);
    assert!(
        index
            .header("content-type")
            .is_some_and(|c| c.starts_with("text/html"))
    );
    // index.html names the current assets: always revalidated.
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let csp = index.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));

    let script = http_get(server.addr, "/assets/index-abc123.js")
        .await
        .unwrap();
    assert_eq!(script.status, 200, "{script:?}");
    assert!(
        script
            .header("content-type")
            .is_some_and(|c| c.contains("javascript")),
        "{:?}",
        script.headers
    );
    assert!(
        script
            .header("cache-control")
            .is_some_and(|c| c.contains("immutable"))
    );
    // WebAssembly must be served as such for streaming compilation.
    let wasm = http_get(server.addr, "/assets/engine-abc123.wasm")
        .await
        .unwrap();
    assert_eq!(
        wasm.header("content-type"),
        Some("application/wasm"),
        "{:?}",
        wasm.headers
    );

    // The server's own endpoints still answer.
    assert_eq!(http_get(server.addr, "/healthz").await.unwrap().status, 200);
    assert_serving(&server).await;
}

#[tokio::test]
async fn the_client_directory_cannot_be_escaped_and_only_reads_are_allowed() {
    let web = built_client();
    let root = web.path().join("assets");
    std::fs::write(root.join("index.html"), "inner").unwrap();
    let server = TestServer::start_with(|c| c.web_dir = Some(root)).await;
    for path in [
        "/../index.html",
        "/%2e%2e/index.html",
        "/assets/../../index.html",
    ] {
        let response = http_get(server.addr, path).await.unwrap();
        assert!(
            !response.body.contains("<div id=app>"),
            "{path} escaped the web directory: {response:?}"
        );
    }
    let post = http_request(
        server.addr,
        &format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            server.addr
        ),
    )
    .await
    .unwrap();
    assert_eq!(post.status, 405, "{post:?}");
    let missing = http_get(server.addr, "/assets/nothing-here.js")
        .await
        .unwrap();
    assert_eq!(missing.status, 404, "{missing:?}");
}

#[tokio::test]
async fn unknown_path_is_404() {
    let server = TestServer::start().await;
    let response = http_get(server.addr, "/no/such/thing").await.unwrap();
    assert_eq!(response.status, 404, "{response:?}");
}

#[tokio::test]
async fn sync_without_upgrade_headers_is_400() {
    let server = TestServer::start().await;
    let response = http_get(server.addr, "/sync").await.unwrap();
    assert_eq!(response.status, 400, "{response:?}");
    // A key but no Upgrade header is not a WebSocket handshake either.
    let request = format!(
        "GET /sync HTTP/1.1\r\nHost: {}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\nConnection: close\r\n\r\n",
        server.addr
    );
    let response = http_request(server.addr, &request).await.unwrap();
    assert_eq!(response.status, 400, "{response:?}");
    // And the server still upgrades proper requests.
    assert_serving(&server).await;
}
