//! Shared helpers for the integration tests: a real server on a free port
//! with a temporary data directory, a raw automerge-repo protocol client,
//! and a tiny HTTP client over a plain TCP stream.

#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use automerge::sync::{Message as SyncMessage, State as SyncState, SyncDoc};
use automerge::{Automerge, ChangeHash, ReadDoc};
use futures_util::{SinkExt, StreamExt};
use mitra_protocol::{
    DocumentId, DocumentMessage, EphemeralMessage, Message, PeerId, PeerMetadata, StorageId,
};
use mitra_server::{Server, ServerConfig, ServerError, Shared};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

pub mod access;

/// Default patience for anything a test waits on.
pub const TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

/// A real Mitra server on 127.0.0.1 with a temporary data directory.
pub struct TestServer {
    /// The data directory (kept across restarts, removed on drop).
    pub dir: Arc<tempfile::TempDir>,
    /// The configuration it was (re)started with.
    pub config: ServerConfig,
    /// The bound address.
    pub addr: SocketAddr,
    /// The server's shared state.
    pub shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

impl TestServer {
    /// Starts a server with default settings.
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after `tweak` adjusted its configuration.
    pub async fn start_with(tweak: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let dir = Arc::new(tempfile::tempdir().expect("temporary directory"));
        let mut config = ServerConfig::new(
            "127.0.0.1:0".parse().expect("address"),
            dir.path().to_path_buf(),
        );
        config.shutdown_deadline = Duration::from_secs(5);
        // No browser client unless a test gives one (never whatever is built nearby).
        config.web_dir = Some(dir.path().join("no-web-client"));
        tweak(&mut config);
        Self::start_on(dir, config).await
    }

    async fn start_on(dir: Arc<tempfile::TempDir>, config: ServerConfig) -> TestServer {
        let server = tokio::time::timeout(TIMEOUT, Server::bind(config.clone()))
            .await
            .expect("bind timed out")
            .expect("bind");
        let addr = server.local_addr();
        let shared = Arc::clone(server.shared());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async move {
            let _ = stop_rx.await;
        }));
        TestServer {
            dir,
            config,
            addr,
            shared,
            stop: Some(stop_tx),
            task: Some(task),
        }
    }

    /// `ws://ADDR/sync`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/sync", self.addr)
    }

    /// The Prometheus text of `/metrics` (read in-process).
    pub fn metrics(&self) -> String {
        self.shared.metrics.render()
    }

    /// One sample of the metrics text (e.g. `mitra_errors_total{kind="slow_consumer"}`); 0 when absent.
    pub fn metric(&self, sample: &str) -> f64 {
        metric_value(&self.metrics(), sample).unwrap_or(0.0)
    }

    /// Stops gracefully and returns what `run` returned and how long stopping took.
    pub async fn stop(&mut self) -> (Result<(), ServerError>, Duration) {
        let started = Instant::now();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = self.task.take().expect("server already stopped");
        let result = tokio::time::timeout(self.config.shutdown_deadline + TIMEOUT, task)
            .await
            .expect("server did not stop")
            .expect("server task panicked");
        (result, started.elapsed())
    }

    /// Stops gracefully and starts again on the same data directory (on a new port).
    pub async fn restart(&mut self) {
        let (result, _) = self.stop().await;
        result.expect("server stopped with an error");
        let fresh = Self::start_on(Arc::clone(&self.dir), self.config.clone()).await;
        *self = fresh;
    }

    /// Polls until `condition` holds, failing the test after `within`.
    pub async fn wait_for(&self, what: &str, within: Duration, condition: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + within;
        while !condition(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; metrics:\n{}",
                self.metrics()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// The value of one sample line in Prometheus text, e.g.
/// `mitra_connections` or `mitra_messages_received_total{kind="join"}`.
pub fn metric_value(text: &str, sample: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|line| {
            let rest = line.strip_prefix(sample)?;
            let rest = rest.strip_prefix(' ')?;
            rest.split_whitespace().next()?.parse().ok()
        })
}

// ---------------------------------------------------------------------------
// A raw protocol client
// ---------------------------------------------------------------------------

/// The WebSocket stream of a raw client.
pub type Ws = WebSocketStream<TcpStream>;

/// Something read from the socket.
#[derive(Debug)]
pub enum Event {
    /// A decoded protocol message.
    Message(Message),
    /// A binary frame that does not decode.
    Undecodable(Vec<u8>, String),
    /// A close frame (code and reason; `None` when it had no payload).
    Close(Option<(u16, String)>),
    /// The stream ended or failed without a close frame.
    Ended(String),
    /// Nothing arrived in time.
    Timeout,
}

/// How a connection ended.
#[derive(Debug)]
pub struct Closed {
    /// Every protocol message received before the end.
    pub messages: Vec<Message>,
    /// The close code, if a close frame arrived.
    pub code: Option<u16>,
    /// The close reason, if a close frame arrived.
    pub reason: String,
}

impl Closed {
    /// The text of every `error` message received.
    pub fn errors(&self) -> Vec<String> {
        self.messages
            .iter()
            .filter_map(|m| match m {
                Message::Error { message, .. } => Some(message.clone()),
                _ => None,
            })
            .collect()
    }
}

/// What a `request` for a document yields.
#[derive(Debug)]
pub enum Fetched {
    /// The server sent the document.
    Document(Box<Automerge>),
    /// The server answered `doc-unavailable`.
    Unavailable,
}

/// A hand-driven automerge-repo client on one WebSocket.
pub struct RawClient {
    /// The socket.
    pub ws: Ws,
    /// Our peer id (after `join`).
    pub peer_id: PeerId,
    /// The server's peer id (after `join`).
    pub server_id: PeerId,
    /// The server's storage id (after `join`).
    pub server_storage_id: Option<StorageId>,
}

/// Opens a TCP connection and upgrades it to a WebSocket at `url`,
/// optionally with a small receive buffer (to play a slow reader).
pub async fn ws_connect(addr: SocketAddr, path: &str, recv_buffer: Option<u32>) -> Result<Ws> {
    let socket = TcpSocket::new_v4()?;
    if let Some(size) = recv_buffer {
        socket.set_recv_buffer_size(size)?;
    }
    let stream = tokio::time::timeout(TIMEOUT, socket.connect(addr))
        .await
        .context("TCP connect timed out")??;
    let url = format!("ws://{addr}{path}");
    let (ws, _response) =
        tokio::time::timeout(TIMEOUT, tokio_tungstenite::client_async(url, stream))
            .await
            .context("WebSocket upgrade timed out")??;
    Ok(ws)
}

/// A fresh random document id.
pub fn random_document_id() -> DocumentId {
    DocumentId::from_bytes(rand::random())
}

/// A peer id unique to this process.
pub fn unique_peer(prefix: &str) -> String {
    format!("{prefix}-{:016x}", rand::random::<u64>())
}

impl RawClient {
    /// Connects without joining.
    pub async fn connect(server: &TestServer) -> Result<RawClient> {
        Self::connect_to(server.addr, None).await
    }

    /// Connects without joining, with an optional small receive buffer.
    pub async fn connect_to(addr: SocketAddr, recv_buffer: Option<u32>) -> Result<RawClient> {
        let ws = ws_connect(addr, "/sync", recv_buffer).await?;
        Ok(RawClient {
            ws,
            peer_id: PeerId::new(""),
            server_id: PeerId::new(""),
            server_storage_id: None,
        })
    }

    /// Connects to `path` (e.g. `/sync?token=...`) and joins with a fresh
    /// peer id.
    pub async fn join_at(server: &TestServer, path: &str) -> Result<RawClient> {
        let ws = ws_connect(server.addr, path, None).await?;
        let mut client = RawClient {
            ws,
            peer_id: PeerId::new(""),
            server_id: PeerId::new(""),
            server_storage_id: None,
        };
        client.join(&unique_peer("raw")).await?;
        Ok(client)
    }

    /// Connects and joins as `peer_id`.
    pub async fn join_as(server: &TestServer, peer_id: &str) -> Result<RawClient> {
        let mut client = Self::connect(server).await?;
        client.join(peer_id).await?;
        Ok(client)
    }

    /// Connects and joins with a fresh peer id.
    pub async fn joined(server: &TestServer) -> Result<RawClient> {
        Self::join_as(server, &unique_peer("raw")).await
    }

    /// Sends `join` (protocol version 1, an ephemeral peer) and waits for `peer`.
    pub async fn join(&mut self, peer_id: &str) -> Result<()> {
        self.join_with(
            peer_id,
            PeerMetadata {
                storage_id: None,
                is_ephemeral: true,
            },
        )
        .await
    }

    /// Sends `join` with the given metadata and waits for `peer`.
    pub async fn join_with(&mut self, peer_id: &str, metadata: PeerMetadata) -> Result<()> {
        self.send(&Message::Join {
            sender_id: PeerId::new(peer_id),
            peer_metadata: metadata,
            supported_protocol_versions: Some(vec!["1".into()]),
        })
        .await?;
        match self.next_event(TIMEOUT).await {
            Event::Message(Message::Peer {
                sender_id,
                peer_metadata,
                selected_protocol_version,
                target_id,
            }) => {
                if selected_protocol_version != "1" || target_id.as_str() != peer_id {
                    bail!(
                        "unexpected peer reply: version {selected_protocol_version}, target {target_id}"
                    );
                }
                self.peer_id = PeerId::new(peer_id);
                self.server_id = sender_id;
                self.server_storage_id = peer_metadata.storage_id;
                Ok(())
            }
            other => bail!("expected a peer message after join, got {other:?}"),
        }
    }

    /// Sends one protocol message as a binary frame.
    pub async fn send(&mut self, message: &Message) -> Result<()> {
        self.send_bytes(message.encode()).await
    }

    /// Sends arbitrary bytes as one binary frame.
    pub async fn send_bytes(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.send_frame(WsMessage::Binary(bytes.into())).await
    }

    /// Sends any WebSocket frame.
    pub async fn send_frame(&mut self, frame: WsMessage) -> Result<()> {
        tokio::time::timeout(TIMEOUT, self.ws.send(frame))
            .await
            .context("send timed out")??;
        Ok(())
    }

    /// Reads the next meaningful event (skipping pings and pongs).
    pub async fn next_event(&mut self, timeout: Duration) -> Event {
        let deadline = Instant::now() + timeout;
        loop {
            let frame = match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return Event::Timeout,
                Ok(None) => return Event::Ended("stream ended".into()),
                Ok(Some(Err(e))) => return Event::Ended(e.to_string()),
                Ok(Some(Ok(frame))) => frame,
            };
            match frame {
                WsMessage::Binary(bytes) => {
                    return match Message::decode(&bytes) {
                        Ok(m) => Event::Message(m),
                        Err(e) => Event::Undecodable(bytes.to_vec(), e.to_string()),
                    };
                }
                WsMessage::Close(frame) => {
                    return Event::Close(
                        frame.map(|CloseFrame { code, reason }| {
                            (u16::from(code), reason.to_string())
                        }),
                    );
                }
                WsMessage::Text(t) => {
                    return Event::Undecodable(t.as_bytes().to_vec(), "text frame".into());
                }
                _ => continue,
            }
        }
    }

    /// The next protocol message, or an error describing what came instead.
    pub async fn recv(&mut self, timeout: Duration) -> Result<Message> {
        match self.next_event(timeout).await {
            Event::Message(m) => Ok(m),
            other => Err(anyhow!("expected a message, got {other:?}")),
        }
    }

    /// Reads until the connection ends, collecting messages; fails if it
    /// does not end within `timeout`.
    pub async fn expect_closed(&mut self, timeout: Duration) -> Result<Closed> {
        let deadline = Instant::now() + timeout;
        let mut messages = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_event(left).await {
                Event::Message(m) => messages.push(m),
                Event::Undecodable(_, e) => bail!("undecodable frame from the server: {e}"),
                Event::Close(frame) => {
                    let (code, reason) = match frame {
                        Some((code, reason)) => (Some(code), reason),
                        None => (None, String::new()),
                    };
                    return Ok(Closed {
                        messages,
                        code,
                        reason,
                    });
                }
                Event::Ended(why) => {
                    return Ok(Closed {
                        messages,
                        code: None,
                        reason: why,
                    });
                }
                Event::Timeout => {
                    bail!("connection still open after {timeout:?}; got {messages:?}")
                }
            }
        }
    }

    /// For a client that never read its socket: reads the raw bytes the
    /// server wrote until it closed the TCP connection, without answering
    /// anything (so no pong is written into a closed socket), and returns
    /// the close frame's code and reason if one was among them.
    pub async fn raw_close_frame(mut self, timeout: Duration) -> Result<Option<(u16, String)>> {
        let mut raw = Vec::new();
        tokio::time::timeout(timeout, self.ws.get_mut().read_to_end(&mut raw))
            .await
            .context("the server did not close the TCP connection")??;
        let mut rest = raw.as_slice();
        while rest.len() >= 2 {
            let opcode = rest[0] & 0x0f;
            let (len, header) = match rest[1] & 0x7f {
                126 if rest.len() >= 4 => (usize::from(u16::from_be_bytes([rest[2], rest[3]])), 4),
                127 if rest.len() >= 10 => (
                    usize::try_from(u64::from_be_bytes(rest[2..10].try_into()?))?,
                    10,
                ),
                n if n < 126 => (usize::from(n), 2),
                _ => break,
            };
            let Some(payload) = rest.get(header..header + len) else {
                break;
            };
            if opcode == 0x8 {
                if payload.len() < 2 {
                    return Ok(Some((1005, String::new())));
                }
                let code = u16::from_be_bytes([payload[0], payload[1]]);
                return Ok(Some((
                    code,
                    String::from_utf8_lossy(&payload[2..]).into_owned(),
                )));
            }
            rest = &rest[header + len..];
        }
        Ok(None)
    }

    /// Every message that arrives until nothing more comes for `quiet`.
    pub async fn drain(&mut self, quiet: Duration) -> Vec<Message> {
        let mut out = Vec::new();
        while let Event::Message(m) = self.next_event(quiet).await {
            out.push(m);
        }
        out
    }

    /// Waits for `doc-unavailable` for `id` (nothing else may come first).
    pub async fn expect_unavailable(&mut self, id: DocumentId) {
        match self.recv(TIMEOUT).await.unwrap() {
            Message::DocUnavailable { document_id, .. } => assert_eq!(document_id, id),
            other => panic!("expected doc-unavailable for {id}, got {other:?}"),
        }
    }

    /// Sends the first sync message a peer holding `doc` sends for `id`
    /// (all of `doc`'s heads, as when creating it).
    pub async fn offer(&mut self, id: DocumentId, doc: &Automerge) -> Result<()> {
        let first = doc
            .generate_sync_message(&mut SyncState::new())
            .ok_or_else(|| anyhow!("a fresh sync state always has something to say"))?;
        self.send_sync(id, first.encode()).await
    }

    /// Pushes `doc`'s last local change for `id` whatever the server is
    /// known to have (as a viewer that edited its copy would), asserts
    /// that the server answers the document is read-only, and returns
    /// every message it sent until it was quiet for `quiet`.
    pub async fn push_refused_as_read_only(
        &mut self,
        id: DocumentId,
        doc: &Automerge,
        quiet: Duration,
    ) -> Vec<Message> {
        let mut message = doc.generate_sync_message(&mut SyncState::new()).unwrap();
        let last = doc.get_last_local_change().unwrap();
        message.changes = vec![last.raw_bytes().to_vec()].into();
        self.send_sync(id, message.encode()).await.unwrap();
        let answers = self.drain(quiet).await;
        assert!(
            answers.iter().any(
                |m| matches!(m, Message::Error { message, .. } if message.contains("read-only"))
            ),
            "the viewer is told the document is read-only for it: {answers:?}"
        );
        answers
    }

    /// Asserts that nothing but pings arrives for `quiet` and the connection stays open.
    pub async fn expect_silence(&mut self, quiet: Duration) -> Result<()> {
        match self.next_event(quiet).await {
            Event::Timeout => Ok(()),
            other => bail!("expected silence, got {other:?}"),
        }
    }

    fn document_message(&self, document_id: DocumentId, data: Vec<u8>) -> DocumentMessage {
        DocumentMessage {
            sender_id: self.peer_id.clone(),
            target_id: self.server_id.clone(),
            document_id,
            data,
        }
    }

    /// Sends a `sync` message.
    pub async fn send_sync(&mut self, document_id: DocumentId, data: Vec<u8>) -> Result<()> {
        let m = Message::Sync(self.document_message(document_id, data));
        self.send(&m).await
    }

    /// Sends a `request` message.
    pub async fn send_request(&mut self, document_id: DocumentId, data: Vec<u8>) -> Result<()> {
        let m = Message::Request(self.document_message(document_id, data));
        self.send(&m).await
    }

    /// Sends an `ephemeral` message under our own peer id.
    pub async fn send_ephemeral(
        &mut self,
        document_id: DocumentId,
        count: u64,
        data: Vec<u8>,
    ) -> Result<()> {
        let m = Message::Ephemeral(EphemeralMessage {
            sender_id: self.peer_id.clone(),
            target_id: self.server_id.clone(),
            document_id,
            session_id: format!("session-{}", self.peer_id),
            count,
            data,
        });
        self.send(&m).await
    }

    /// Syncs `doc` to the server until the server acknowledged (and so made
    /// durable) every head of it.
    pub async fn upload(
        &mut self,
        document_id: DocumentId,
        doc: &mut Automerge,
        state: &mut SyncState,
    ) -> Result<()> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(m) = doc.generate_sync_message(state) {
                self.send_sync(document_id, m.encode()).await?;
            }
            if state.shared_heads == doc.get_heads() {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_event(left).await {
                Event::Message(Message::Sync(m)) if m.document_id == document_id => {
                    let message = SyncMessage::decode(&m.data)?;
                    doc.receive_sync_message(state, message)?;
                }
                Event::Message(
                    Message::RemoteHeadsChanged { .. } | Message::Ephemeral(_) | Message::Sync(_),
                ) => {}
                other => bail!("upload of {document_id}: unexpected {other:?}"),
            }
        }
    }

    /// Asks the server for a document (`request`) and syncs until we hold
    /// every head the server announced, or the server says it is unavailable.
    pub async fn fetch(&mut self, document_id: DocumentId) -> Result<Fetched> {
        let mut doc = Automerge::new();
        let mut state = SyncState::new();
        let first = doc
            .generate_sync_message(&mut state)
            .ok_or_else(|| anyhow!("a fresh sync state always has something to say"))?;
        self.send_request(document_id, first.encode()).await?;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_event(left).await {
                Event::Message(Message::Sync(m)) if m.document_id == document_id => {
                    let message = SyncMessage::decode(&m.data)?;
                    doc.receive_sync_message(&mut state, message)?;
                }
                Event::Message(Message::DocUnavailable { document_id: d, .. })
                    if d == document_id =>
                {
                    return Ok(Fetched::Unavailable);
                }
                Event::Message(
                    Message::RemoteHeadsChanged { .. } | Message::Ephemeral(_) | Message::Sync(_),
                ) => {}
                other => bail!("fetch of {document_id}: unexpected {other:?}"),
            }
            if let Some(m) = doc.generate_sync_message(&mut state) {
                self.send_sync(document_id, m.encode()).await?;
            }
            if let Some(theirs) = &state.their_heads
                && !theirs.is_empty()
                && theirs.iter().all(|h| doc.get_change_by_hash(h).is_some())
            {
                return Ok(Fetched::Document(Box::new(doc)));
            }
        }
    }

    /// Fetches a document that must exist.
    pub async fn fetch_document(&mut self, document_id: DocumentId) -> Result<Automerge> {
        match self.fetch(document_id).await? {
            Fetched::Document(doc) => Ok(*doc),
            Fetched::Unavailable => bail!("server says {document_id} is unavailable"),
        }
    }

    /// Closes the WebSocket politely and waits for the server's close.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.ws.close(None)).await;
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await;
    }
}

/// A document with one text value at `key`, ready to upload.
pub fn document_with(key: &str, value: &str) -> Automerge {
    use automerge::transaction::Transactable;
    let mut doc = Automerge::new();
    doc.transact::<_, _, automerge::AutomergeError>(|tx| {
        tx.put(automerge::ROOT, key, value)?;
        Ok(())
    })
    .expect("transaction");
    doc
}

/// Sets `key` to `value` in a new change.
pub fn put(doc: &mut Automerge, key: &str, value: impl Into<automerge::ScalarValue>) {
    use automerge::transaction::Transactable;
    let value = value.into();
    doc.transact::<_, _, automerge::AutomergeError>(|tx| {
        tx.put(automerge::ROOT, key, value)?;
        Ok(())
    })
    .expect("transaction");
}

/// The string at `key` in the root map, if any.
pub fn get_str(doc: &Automerge, key: &str) -> Option<String> {
    use automerge::ReadDoc;
    match doc.get(automerge::ROOT, key).ok()?? {
        (automerge::Value::Scalar(s), _) => match s.as_ref() {
            automerge::ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// Polls `condition` until it holds (other tasks of the server act on
/// it), failing the test after [`TIMEOUT`].
pub async fn eventually(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Heads, sorted (for comparisons).
pub fn sorted_heads(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

/// Proves the server still serves: one raw client uploads a fresh document
/// and a second raw client fetches it with the same content. Returns how
/// long that took.
pub async fn assert_serving(server: &TestServer) -> Duration {
    let started = Instant::now();
    let result = tokio::time::timeout(TIMEOUT, async {
        let id = random_document_id();
        let value = format!("v{}", rand::random::<u32>());
        let mut writer = RawClient::joined(server).await?;
        let mut doc = document_with("probe", &value);
        writer.upload(id, &mut doc, &mut SyncState::new()).await?;
        let mut reader = RawClient::joined(server).await?;
        let fetched = reader.fetch_document(id).await?;
        if get_str(&fetched, "probe").as_deref() != Some(value.as_str()) {
            bail!("fetched document lacks the probe value");
        }
        writer.close().await;
        reader.close().await;
        Ok::<_, anyhow::Error>(())
    })
    .await;
    match result {
        Ok(Ok(())) => started.elapsed(),
        Ok(Err(e)) => panic!("server no longer serves: {e:#}"),
        Err(_) => panic!("server no longer serves: health check timed out"),
    }
}

// ---------------------------------------------------------------------------
// Hand-made CBOR, for messages the typed encoder refuses to build
// ---------------------------------------------------------------------------

/// A CBOR value.
pub enum Cbor {
    /// Text string.
    Text(String),
    /// Byte string.
    Bytes(Vec<u8>),
    /// Unsigned integer.
    Uint(u64),
    /// Array.
    Array(Vec<Cbor>),
    /// Map with text keys.
    Map(Vec<(String, Cbor)>),
}

impl Cbor {
    /// A text value.
    pub fn text(s: impl Into<String>) -> Cbor {
        Cbor::Text(s.into())
    }

    /// A map from `(key, value)` pairs.
    pub fn map<const N: usize>(entries: [(&str, Cbor); N]) -> Cbor {
        Cbor::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    /// Encodes to bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    fn head(out: &mut Vec<u8>, major: u8, n: u64) {
        let m = major << 5;
        if n < 24 {
            out.push(m | n as u8);
        } else if n <= u64::from(u8::MAX) {
            out.extend([m | 24, n as u8]);
        } else if n <= u64::from(u16::MAX) {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        } else if n <= u64::from(u32::MAX) {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        } else {
            out.push(m | 27);
            out.extend(n.to_be_bytes());
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Cbor::Uint(n) => Self::head(out, 0, *n),
            Cbor::Bytes(b) => {
                Self::head(out, 2, b.len() as u64);
                out.extend(b);
            }
            Cbor::Text(s) => {
                Self::head(out, 3, s.len() as u64);
                out.extend(s.as_bytes());
            }
            Cbor::Array(items) => {
                Self::head(out, 4, items.len() as u64);
                for i in items {
                    i.write(out);
                }
            }
            Cbor::Map(entries) => {
                Self::head(out, 5, entries.len() as u64);
                for (k, v) in entries {
                    Cbor::Text(k.clone()).write(out);
                    v.write(out);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------

/// An HTTP response.
#[derive(Debug)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body as text (lossy).
    pub body: String,
}

impl HttpResponse {
    /// The first header of that (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `GET path` over a fresh TCP connection (`Connection: close`).
pub async fn http_get(addr: SocketAddr, path: &str) -> Result<HttpResponse> {
    http_request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
    .await
}

/// Sends a raw HTTP/1.1 request and reads the response until the server closes.
pub async fn http_request(addr: SocketAddr, request: &str) -> Result<HttpResponse> {
    tokio::time::timeout(TIMEOUT, async {
        let mut stream = TcpStream::connect(addr).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        parse_response(&raw)
    })
    .await
    .context("HTTP request timed out")?
}

fn parse_response(raw: &[u8]) -> Result<HttpResponse> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow!("no end of headers in {text:?}"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}
