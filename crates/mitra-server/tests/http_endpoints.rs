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

/// The body of `GET /metrics`.
async fn scrape(server: &TestServer) -> String {
    let response = http_get(server.addr, "/metrics").await.unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    response.body
}

/// Polls `/metrics` until `condition` holds for `sample`, failing after `within`.
async fn wait_for_metric(
    server: &TestServer,
    sample: &str,
    within: std::time::Duration,
    condition: impl Fn(f64) -> bool,
) -> String {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let body = scrape(server).await;
        if metric_value(&body, sample).is_some_and(&condition) {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {sample}:\n{body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn metrics_describe_the_process_with_the_standard_names() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let body = scrape(&server).await;
    let value = |sample: &str| {
        metric_value(&body, sample).unwrap_or_else(|| panic!("{sample} is missing:\n{body}"))
    };
    for (name, kind) in [
        ("process_resident_memory_bytes", "gauge"),
        ("process_virtual_memory_bytes", "gauge"),
        ("process_open_fds", "gauge"),
        ("process_max_fds", "gauge"),
        ("process_cpu_seconds", "counter"),
        ("process_start_time_seconds", "gauge"),
        ("process_threads", "gauge"),
        ("mitra_storage_queue_depth", "gauge"),
    ] {
        assert!(
            body.contains(&format!("# TYPE {name} {kind}\n")),
            "{name} is not a {kind}:\n{body}"
        );
    }
    // This test process (the server runs inside it) holds megabytes, not pages.
    let resident = value("process_resident_memory_bytes");
    assert!(resident > 1024.0 * 1024.0, "{body}");
    assert!(value("process_virtual_memory_bytes") >= resident, "{body}");
    // At least the listener and the SQLite files are open.
    let open = value("process_open_fds");
    assert!(open >= 3.0, "{body}");
    assert!(value("process_max_fds") >= open, "{body}");
    assert!(value("process_cpu_seconds_total") >= 0.0, "{body}");
    assert!(value("process_threads") >= 2.0, "{body}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let started = value("process_start_time_seconds");
    assert!(
        started <= now + 1.0 && started > now - 24.0 * 3600.0,
        "started {started}, now {now}"
    );
    assert!(body.ends_with("# EOF\n"), "{body}");

    // CPU time moves with work (it counts in clock ticks, 10 ms each).
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    loop {
        let spin = std::time::Instant::now();
        let mut x = 0u64;
        while spin.elapsed() < std::time::Duration::from_millis(50) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let later = scrape(&server).await;
        if metric_value(&later, "process_cpu_seconds_total").is_some_and(|cpu| cpu > 0.0) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "CPU time did not move:\n{later}"
        );
    }
}

/// Sends `doc` to the server until it acknowledged every head (which it
/// does only once they are durable), for up to `within`.
async fn upload_within(
    client: &mut RawClient,
    id: mitra_protocol::DocumentId,
    doc: &mut automerge::Automerge,
    within: std::time::Duration,
) -> anyhow::Result<()> {
    use automerge::sync::{Message as SyncMessage, State as SyncState, SyncDoc};
    let mut state = SyncState::new();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(m) = doc.generate_sync_message(&mut state) {
            client.send_sync(id, m.encode()).await?;
        }
        if state.shared_heads == doc.get_heads() {
            return Ok(());
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        anyhow::ensure!(!left.is_zero(), "the server never acknowledged the upload");
        match client.next_event(left).await {
            Event::Message(mitra_protocol::Message::Sync(m)) if m.document_id == id => {
                doc.receive_sync_message(&mut state, SyncMessage::decode(&m.data)?)?;
            }
            Event::Message(_) | Event::Timeout => {}
            other => anyhow::bail!("upload: unexpected {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_metrics_follow_latency_queue_depth_and_failures() {
    const APPENDS: &str = "mitra_storage_latency_seconds_count{operation=\"append\"}";
    const APPEND_SECONDS: &str = "mitra_storage_latency_seconds_sum{operation=\"append\"}";
    const APPEND_ERRORS: &str = "mitra_storage_errors_total{operation=\"append\"}";
    const DEPTH: &str = "mitra_storage_queue_depth";
    let server = TestServer::start().await;
    let before = scrape(&server).await;
    assert_eq!(metric_value(&before, DEPTH), Some(0.0), "{before}");
    assert_eq!(metric_value(&before, APPEND_ERRORS), None, "{before}");
    let appends_before = metric_value(&before, APPENDS).unwrap_or(0.0);

    // A client's writes are timed and counted by operation.
    assert_serving(&server).await;
    let after = scrape(&server).await;
    assert!(
        metric_value(&after, APPENDS).is_some_and(|n| n > appends_before),
        "{after}"
    );
    assert!(
        metric_value(
            &after,
            "mitra_storage_latency_seconds_count{operation=\"load\"}"
        )
        .is_some_and(|n| n >= 1.0),
        "{after}"
    );
    assert!(
        metric_value(&after, "mitra_documents_loaded").is_some_and(|n| n >= 1.0),
        "{after}"
    );
    assert_eq!(metric_value(&after, DEPTH), Some(0.0), "{after}");
    let seconds_before = metric_value(&after, APPEND_SECONDS).unwrap();

    // A stuck disk: another connection holds SQLite's write lock, so the
    // next write waits in the storage queue and then fails (busy).
    let db = rusqlite::Connection::open(server.dir.path().join("mitra.sqlite3")).unwrap();
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut client = RawClient::joined(&server).await.unwrap();
    let id = random_document_id();
    let upload = tokio::spawn(async move {
        let mut doc = document_with("written", "while the disk was stuck");
        let result = upload_within(&mut client, id, &mut doc, TIMEOUT * 3).await;
        (result, client)
    });
    wait_for_metric(&server, DEPTH, TIMEOUT, |depth| depth >= 1.0).await;
    wait_for_metric(&server, APPEND_ERRORS, TIMEOUT * 2, |errors| errors >= 1.0).await;
    assert!(
        !upload.is_finished(),
        "the server acknowledged a change storage had not made durable"
    );
    db.execute_batch("ROLLBACK").unwrap();
    drop(db);

    // The server retries; the write lands, the queue drains.
    let (result, client) = tokio::time::timeout(TIMEOUT * 3, upload)
        .await
        .expect("upload timed out")
        .unwrap();
    result.unwrap();
    let done = wait_for_metric(&server, DEPTH, TIMEOUT, |depth| depth == 0.0).await;
    // The failed call waited for the lock, and its latency says so.
    assert!(
        metric_value(&done, APPEND_SECONDS).unwrap() - seconds_before >= 1.0,
        "{done}"
    );
    assert!(
        server.metric("mitra_errors_total{kind=\"storage_append\"}") >= 1.0,
        "{done}"
    );

    // Every metric the sample alert rules use is one the server exports.
    let alerts = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/alerts.yml"
    ))
    .unwrap();
    let names: Vec<&str> = alerts
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|t| t.starts_with("mitra_") || t.starts_with("process_"))
        .collect();
    assert!(names.len() >= 5, "{names:?}");
    for name in names {
        assert!(
            done.lines().any(|line| line
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with([' ', '{']))),
            "deploy/alerts.yml uses {name}, which /metrics does not have:\n{done}"
        );
    }
    client.close().await;
}
