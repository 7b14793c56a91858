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
async fn root_serves_an_html_page() {
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
        response.body.to_ascii_lowercase().contains("<html"),
        "{}",
        response.body
    );
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
