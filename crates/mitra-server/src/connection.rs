//! One WebSocket connection: handshake, then a reader loop (this task) and a
//! writer task joined by a bounded queue.
//!
//! The reader decodes frames through the sans-IO [`Session`], routes document
//! messages to document actors, and enforces the handshake deadline, the
//! idle timeout and the message size limit. The writer drains the outbound
//! queue with a timeout per write, sends pings, and writes the close frame.
//!
//! ## Requests set aside (authentication required)
//!
//! A `request` for a document the connection's principal does not reach
//! is answered `doc-unavailable` only after the grace period (the
//! document's creator may be uploading it right now; see [`crate::auth`]).
//! The reader does not wait for it: it sets the request aside and goes on
//! reading. When the grace period is over, the request is decided again
//! ([`auth::decide_later`]): routed to the document's actor if the
//! principal reaches the document now, else refused. At most
//! [`MAX_DEFERRED`] requests (and [`MAX_DEFERRED_BYTES`] of them) are set
//! aside per connection; one more waits, on the reader, until the oldest
//! is due and settled (backpressure, as before requests were set aside:
//! every refusal still waits its full grace period, which a peer finding
//! fifty documents its partner is creating right now depends on).
//!
//! The order this keeps: messages of one connection are decided and
//! routed in the order they arrive, except that a set-aside request is
//! decided when its grace period ends, after messages for *other*
//! documents that came later. Per document it is strict: a later message
//! for a document whose request is set aside (a `sync`, an ephemeral
//! message, another `request`) first settles that request, decided on the
//! spot without the rest of the grace period (routed, or answered
//! `doc-unavailable`), and only then is handled itself. So a later `sync`
//! never reaches the actor before the `request`, nor is it decided as if
//! the `request` had not been sent; the only difference from waiting is
//! that such a request may be refused before its grace period is over,
//! which the peer brought about itself, and which is the same for a
//! document of another partnership as for one that does not exist.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use mitra_protocol::{DocumentId, DocumentMessage, Message, PeerRef, Routed, Session, Step};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::error::Error as WsError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_util::sync::CancellationToken;

use crate::auth::{self, Authenticated, ConnectionAccess, Decision};
use crate::documents::{DocumentCommand, DocumentRegistry};
use crate::http::Remote;
use crate::metrics::Kind;
use crate::peers::{CloseReason, Outbound, PeerHandle, Registered, close_code};
use crate::server::Shared;

type Socket = WebSocketStream<TokioIo<Upgraded>>;

/// The error message and close reason of a join refused because another
/// principal's connection has the peer id.
pub const PEER_ID_TAKEN: &str =
    "this peer id is in use by another account's connection: join with a different peer id";

/// Most refused requests one connection sets aside for the grace period.
pub const MAX_DEFERRED: usize = 32;
/// Most bytes of request messages one connection sets aside.
pub const MAX_DEFERRED_BYTES: usize = 256 * 1024;

/// A `request` waiting for the end of its grace period.
struct DeferredRequest {
    due: Instant,
    message: DocumentMessage,
}

/// The requests a connection has set aside, in the order they arrived
/// (which is the order they are due: the grace period is the same for all).
#[derive(Default)]
struct Deferred {
    requests: VecDeque<DeferredRequest>,
    bytes: usize,
}

impl Deferred {
    /// When the first request is due.
    fn next_due(&self) -> Option<Instant> {
        self.requests.front().map(|r| r.due)
    }

    /// Sets a request aside; gives it back when the bounds are reached.
    fn push(&mut self, message: DocumentMessage, due: Instant) -> Result<(), DocumentMessage> {
        let len = message.data.len();
        if self.requests.len() >= MAX_DEFERRED || self.bytes + len > MAX_DEFERRED_BYTES {
            return Err(message);
        }
        self.bytes += len;
        self.requests.push_back(DeferredRequest { due, message });
        Ok(())
    }

    /// Takes the request set aside for `document`, if any.
    fn take(&mut self, document: DocumentId) -> Option<DocumentMessage> {
        let at = self
            .requests
            .iter()
            .position(|r| r.message.document_id == document)?;
        let request = self.requests.remove(at)?;
        self.bytes -= request.message.data.len();
        Some(request.message)
    }

    /// Takes the first request if it is due at `now`.
    fn pop_due(&mut self, now: Instant) -> Option<DocumentMessage> {
        if self.requests.front()?.due > now {
            return None;
        }
        let request = self.requests.pop_front()?;
        self.bytes -= request.message.data.len();
        Some(request.message)
    }
}

/// Runs one connection to its end.
pub async fn run(
    shared: Arc<Shared>,
    socket: Socket,
    remote: Remote,
    authenticated: Option<Authenticated>,
) {
    shared.metrics.connections.inc();
    shared.metrics.connections_total.inc();
    let (mut sink, mut stream) = socket.split();
    let mut session = Session::new(shared.identity.clone());
    let joined = handshake(&shared, &mut session, &mut sink, &mut stream, remote).await;
    if let Some((peer, reply)) = joined {
        let access = authenticated.map(ConnectionAccess::new);
        serve_peer(&shared, session, sink, stream, peer, reply, access).await;
    }
    shared.metrics.connections.dec();
}

/// Waits for `join`. On success returns the peer and the `peer` reply to send.
async fn handshake(
    shared: &Arc<Shared>,
    session: &mut Session,
    sink: &mut SplitSink<Socket, WsMessage>,
    stream: &mut SplitStream<Socket>,
    remote: Remote,
) -> Option<(PeerRef, Vec<u8>)> {
    let deadline = Instant::now() + shared.config.limits.handshake_timeout;
    loop {
        let frame = tokio::select! {
            frame = tokio::time::timeout_at(deadline, stream.next()) => frame,
            _ = shared.shutdown.cancelled() => {
                close_sink(sink, close_code::GOING_AWAY, "server shutting down").await;
                return None;
            }
        };
        let bytes = match frame {
            Err(_) => {
                shared.metrics.error("handshake_timeout");
                tracing::info!(%remote, "no join message before the handshake deadline");
                close_sink(
                    sink,
                    close_code::POLICY_VIOLATION,
                    "handshake timeout: send join first",
                )
                .await;
                return None;
            }
            Ok(Some(Err(WsError::Capacity(e)))) => {
                shared.metrics.error("message_too_big");
                tracing::warn!(%remote, error = %e, "message over the size limit before join: closing");
                let reason = format!(
                    "message too big (limit {} bytes)",
                    shared.config.limits.max_message_bytes
                );
                close_sink(sink, close_code::MESSAGE_TOO_BIG, &reason).await;
                return None;
            }
            Ok(None) | Ok(Some(Err(_))) => return None,
            Ok(Some(Ok(WsMessage::Binary(bytes)))) => bytes,
            Ok(Some(Ok(WsMessage::Text(_)))) => {
                close_sink(
                    sink,
                    close_code::UNSUPPORTED_DATA,
                    "text frames are not part of the protocol",
                )
                .await;
                return None;
            }
            Ok(Some(Ok(WsMessage::Close(_)))) => return None,
            Ok(Some(Ok(_))) => continue,
        };
        shared.metrics.bytes_in.inc_by(bytes.len() as u64);
        match session.receive(&bytes) {
            Step::Joined { peer, reply } => {
                let peer_ref = PeerRef {
                    peer: peer.peer_id,
                    connection: shared.next_connection_id(),
                    storage_id: peer
                        .metadata
                        .storage_id
                        .filter(|_| !peer.metadata.is_ephemeral),
                };
                shared
                    .metrics
                    .messages_in
                    .get_or_create(&Kind { kind: "join" })
                    .inc();
                tracing::info!(%remote, peer = %peer_ref.peer, connection = peer_ref.connection.0, "peer joined");
                return Some((peer_ref, reply.encode()));
            }
            Step::Close { error, reason } => {
                shared.metrics.error("handshake_rejected");
                tracing::warn!(%remote, reason, "handshake rejected");
                if let Some(error) = error {
                    let _ = sink.send(WsMessage::Binary(error.encode().into())).await;
                }
                close_sink(sink, close_code::PROTOCOL_ERROR, &reason).await;
                return None;
            }
            Step::Route(_) | Step::Ignore { .. } | Step::Echo { .. } => continue,
        }
    }
}

async fn close_sink(sink: &mut SplitSink<Socket, WsMessage>, code: u16, reason: &str) {
    let frame = CloseFrame {
        code: CloseCode::from(code),
        reason: truncate_reason(reason).into(),
    };
    let _ = tokio::time::timeout(
        Duration::from_secs(1),
        sink.send(WsMessage::Close(Some(frame))),
    )
    .await;
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.close()).await;
}

/// A close reason must fit in 123 bytes.
fn truncate_reason(reason: &str) -> String {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_owned()
}

async fn serve_peer(
    shared: &Arc<Shared>,
    mut session: Session,
    sink: SplitSink<Socket, WsMessage>,
    mut stream: SplitStream<Socket>,
    peer: PeerRef,
    reply: Vec<u8>,
    access: Option<ConnectionAccess>,
) {
    let limits = &shared.config.limits;
    let (tx, rx) = mpsc::channel(limits.outbound_queue);
    let closing = shared.shutdown.child_token();
    let handle = Arc::new(PeerHandle::new(peer.clone(), tx, closing.clone(), access));
    match shared.peers.register(Arc::clone(&handle)) {
        Registered::New => {}
        Registered::Replaced(old) => {
            tracing::info!(peer = %peer.peer, old = old.peer.connection.0, new = peer.connection.0,
                "peer reconnected: closing its previous connection");
            old.close(
                close_code::POLICY_VIOLATION,
                "replaced by a newer connection of the same peer",
            );
        }
        Registered::Refused => {
            shared.metrics.error("peer_id_taken");
            tracing::warn!(peer = %peer.peer, connection = peer.connection.0,
                "join refused: the peer id is in use by another principal's connection");
            let error = Message::Error {
                sender_id: shared.identity.peer_id.clone(),
                message: PEER_ID_TAKEN.to_owned(),
                target_id: Some(peer.peer.clone()),
            };
            let mut sink = sink;
            let _ = tokio::time::timeout(
                Duration::from_secs(1),
                sink.send(WsMessage::Binary(error.encode().into())),
            )
            .await;
            close_sink(&mut sink, close_code::POLICY_VIOLATION, PEER_ID_TAKEN).await;
            return;
        }
    }
    handle.send_frame(reply, &shared.metrics);
    let writer = tokio::spawn(write_loop(
        Arc::clone(shared),
        sink,
        rx,
        closing.clone(),
        Arc::clone(&handle),
    ));

    let mut ping = tokio::time::interval(limits.ping_interval);
    ping.tick().await;
    let mut last_heard = Instant::now();
    let mut deferred = Deferred::default();
    // A session's connection closes when the session ends (1008 "session
    // expired"); an API token's does not expire.
    let mut expiry = session_deadline(shared, &handle);
    'reading: loop {
        let due = deferred.next_due();
        tokio::select! {
            _ = closing.cancelled() => break,
            _ = tokio::time::sleep_until(expiry.unwrap_or_else(Instant::now)), if expiry.is_some() => {
                if auth::close_if_expired(shared, &handle) {
                    break;
                }
                // The store's clock (not the system's) says not yet.
                expiry = session_deadline(shared, &handle);
            }
            _ = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {
                while let Some(message) = deferred.pop_due(Instant::now()) {
                    if !settle(shared, &handle, message).await {
                        break 'reading;
                    }
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > limits.idle_timeout {
                    shared.metrics.error("idle_timeout");
                    handle.close(close_code::GOING_AWAY, "idle timeout: nothing received, not even a pong");
                    break;
                }
                handle.send_ping();
            }
            frame = stream.next() => {
                let Some(frame) = frame else { break };
                match frame {
                    Ok(message) => {
                        last_heard = Instant::now();
                        match message {
                            WsMessage::Binary(bytes)
                                if !handle_frame(shared, &mut session, &handle, &mut deferred, &bytes).await =>
                            {
                                break;
                            }
                            WsMessage::Text(_) => {
                                shared.metrics.error("text_frame");
                                handle.close(close_code::UNSUPPORTED_DATA, "text frames are not part of the protocol");
                                break;
                            }
                            WsMessage::Close(_) => break,
                            _ => {}
                        }
                    }
                    Err(WsError::Capacity(e)) => {
                        shared.metrics.error("message_too_big");
                        tracing::warn!(peer = %peer.peer, error = %e, "message over the size limit: closing");
                        handle.close(
                            close_code::MESSAGE_TOO_BIG,
                            format!("message too big (limit {} bytes)", limits.max_message_bytes),
                        );
                        break;
                    }
                    Err(WsError::Protocol(e)) => {
                        shared.metrics.error("websocket_protocol");
                        tracing::warn!(peer = %peer.peer, error = %e, "WebSocket protocol error: closing");
                        handle.close(close_code::PROTOCOL_ERROR, "WebSocket protocol error");
                        break;
                    }
                    Err(e) => {
                        tracing::debug!(peer = %peer.peer, error = %e, "connection read ended");
                        break;
                    }
                }
            }
        }
    }
    handle.close(close_code::NORMAL, "closing");
    let _ = tokio::time::timeout(Duration::from_secs(3), writer).await;
    shared.peers.unregister(&peer);
    for document in handle.documents() {
        DocumentRegistry::send(
            shared,
            document,
            DocumentCommand::PeerLeft { from: peer.clone() },
        )
        .await;
    }
    if let Some(reason) = handle.close_reason() {
        tracing::info!(peer = %peer.peer, connection = peer.connection.0, code = reason.code,
            reason = %reason.reason, "connection closed");
    }
}

/// When the connection's session ends, by the store's clock: `None` for an
/// API token (or in open mode). At least a tenth of a second away when not
/// yet reached, so a clock that does not move costs no busy loop.
fn session_deadline(shared: &Shared, handle: &PeerHandle) -> Option<Instant> {
    let left = handle
        .access
        .as_ref()?
        .authenticated
        .session_left(shared.config.access_options.clock.as_ref())?;
    Some(if left.is_zero() {
        Instant::now()
    } else {
        Instant::now() + left.max(Duration::from_millis(100))
    })
}

/// Handles one binary frame from a joined peer. Returns false when the connection must close.
async fn handle_frame(
    shared: &Arc<Shared>,
    session: &mut Session,
    handle: &Arc<PeerHandle>,
    deferred: &mut Deferred,
    bytes: &[u8],
) -> bool {
    shared.metrics.bytes_in.inc_by(bytes.len() as u64);
    let peer = &handle.peer;
    match session.receive(bytes) {
        Step::Route(routed) => {
            let kind = match &routed {
                Routed::Sync { request: true, .. } => "request",
                Routed::Sync { .. } => "sync",
                Routed::Ephemeral(_) => "ephemeral",
                Routed::SubscriptionChange { .. } => "remote-subscription-change",
                Routed::DocUnavailable { .. } => "doc-unavailable",
            };
            shared
                .metrics
                .messages_in
                .get_or_create(&Kind { kind })
                .inc();
            let mut read_only = false;
            if let (Some(id), Some(store), Some(access)) =
                (document_of(&routed), &shared.access, &handle.access)
            {
                // An earlier request for this document, set aside for its
                // grace period, is settled first (see the module doc).
                if let Some(earlier) = deferred.take(id)
                    && !settle(shared, handle, earlier).await
                {
                    return false;
                }
                match auth::decide(shared, store, access, &routed, id).await {
                    Decision::Allow { read_only: r } => read_only = r,
                    Decision::Unavailable => {
                        // Exactly as for a document that does not exist:
                        // `doc-unavailable` for sync and request, nothing
                        // for ephemeral messages.
                        shared.metrics.error("access_denied");
                        if matches!(routed, Routed::Sync { .. }) {
                            auth::unavailable(shared, handle, id);
                        }
                        return true;
                    }
                    Decision::Later => {
                        let Routed::Sync { message, .. } = routed else {
                            return true;
                        };
                        let due = Instant::now() + shared.config.unavailable_grace;
                        return set_aside(shared, handle, deferred, message, due).await;
                    }
                }
            }
            route(shared, handle, routed, read_only).await
        }
        Step::Echo { .. } => true,
        Step::Ignore { reason } => {
            shared.metrics.error("ignored_message");
            tracing::warn!(peer = %peer.peer, reason, "ignoring message");
            true
        }
        Step::Close {
            error: None,
            reason,
        } => {
            // The peer said goodbye (`leave`) or reported its own error.
            tracing::info!(peer = %peer.peer, connection = peer.connection.0, reason, "peer closing");
            handle.close(close_code::NORMAL, reason);
            false
        }
        Step::Close {
            error: Some(error),
            reason,
        } => {
            shared.metrics.error("protocol_violation");
            tracing::warn!(peer = %peer.peer, connection = peer.connection.0, reason, "closing connection");
            handle.send_frame(error.encode(), &shared.metrics);
            let code = if reason.starts_with("malformed") {
                close_code::INVALID_PAYLOAD
            } else {
                close_code::PROTOCOL_ERROR
            };
            handle.close(code, reason);
            false
        }
        Step::Joined { .. } => true,
    }
}

/// The document a routed message is for, if any.
fn document_of(routed: &Routed) -> Option<DocumentId> {
    match routed {
        Routed::Sync { message, .. } => Some(message.document_id),
        Routed::Ephemeral(message) => Some(message.document_id),
        Routed::SubscriptionChange { .. } | Routed::DocUnavailable { .. } => None,
    }
}

/// Routes an allowed document message to its actor, or handles a
/// connection-level one. Returns false when the connection must close.
async fn route(
    shared: &Arc<Shared>,
    handle: &Arc<PeerHandle>,
    routed: Routed,
    read_only: bool,
) -> bool {
    let peer = &handle.peer;
    let limit = shared.config.limits.max_documents_per_connection;
    if let Some(id) = document_of(&routed)
        && !handle.touch_document(id, limit)
    {
        shared.metrics.error("too_many_documents");
        let reason = format!("more than {limit} documents open on one connection");
        tracing::warn!(peer = %peer.peer, reason, "closing connection");
        handle.close(close_code::POLICY_VIOLATION, reason);
        return false;
    }
    match routed {
        Routed::Sync { message, request } => {
            let id = message.document_id;
            DocumentRegistry::send(
                shared,
                id,
                DocumentCommand::Sync {
                    from: peer.clone(),
                    message,
                    request,
                    read_only,
                    principal: handle.access.as_ref().map(|a| Arc::clone(&a.principal)),
                },
            )
            .await;
        }
        Routed::Ephemeral(message) => {
            let id = message.document_id;
            DocumentRegistry::send(
                shared,
                id,
                DocumentCommand::Ephemeral {
                    from: peer.clone(),
                    message,
                },
            )
            .await;
        }
        Routed::SubscriptionChange { add, remove } => {
            handle.change_subscriptions(add, &remove);
        }
        Routed::DocUnavailable { document_id } => {
            tracing::debug!(peer = %peer.peer, document = %document_id, "peer reports a document unavailable");
        }
    }
    true
}

/// Sets a refused request aside until `due`. While the bounds are reached,
/// first waits for the oldest request set aside to be due and settles it.
/// Returns false when the connection must close.
async fn set_aside(
    shared: &Arc<Shared>,
    handle: &Arc<PeerHandle>,
    deferred: &mut Deferred,
    message: DocumentMessage,
    due: Instant,
) -> bool {
    let mut message = message;
    loop {
        message = match deferred.push(message, due) {
            Ok(()) => return true,
            Err(back) => back,
        };
        let Some(oldest) = deferred.next_due() else {
            // Too big to set aside even alone: wait for it here.
            tokio::time::sleep_until(due).await;
            return settle(shared, handle, message).await;
        };
        tokio::time::sleep_until(oldest).await;
        while let Some(earlier) = deferred.pop_due(Instant::now()) {
            if !settle(shared, handle, earlier).await {
                return false;
            }
        }
    }
}

/// Decides a request that was set aside: routes it if the principal
/// reaches the document now, else refuses it. Returns false when the
/// connection must close.
async fn settle(shared: &Arc<Shared>, handle: &Arc<PeerHandle>, message: DocumentMessage) -> bool {
    let (Some(store), Some(access)) = (&shared.access, &handle.access) else {
        return true;
    };
    let id = message.document_id;
    match auth::decide_later(shared, store, access, id).await {
        Decision::Allow { read_only } => {
            let routed = Routed::Sync {
                message,
                request: true,
            };
            route(shared, handle, routed, read_only).await
        }
        Decision::Unavailable | Decision::Later => {
            auth::refuse_request(shared, store, handle, id).await;
            true
        }
    }
}

/// Writes queued frames until the connection closes, then writes what is
/// left (within a short deadline) and the close frame.
async fn write_loop(
    shared: Arc<Shared>,
    mut sink: SplitSink<Socket, WsMessage>,
    mut rx: mpsc::Receiver<Outbound>,
    closing: CancellationToken,
    handle: Arc<PeerHandle>,
) {
    let write_timeout = shared.config.limits.write_timeout;
    loop {
        let next = tokio::select! {
            biased;
            _ = closing.cancelled() => break,
            next = rx.recv() => next,
        };
        let Some(out) = next else { break };
        let message = match out {
            Outbound::Frame(bytes) => WsMessage::Binary(bytes.into()),
            Outbound::Ping => WsMessage::Ping(Vec::new().into()),
        };
        let sent = tokio::select! {
            sent = tokio::time::timeout(write_timeout, sink.send(message)) => sent,
            // Closing (a slow consumer, say) must not wait for a stuck write.
            _ = closing.cancelled() => break,
        };
        match sent {
            Ok(Ok(())) => {}
            Ok(Err(_)) => {
                handle.close(close_code::NORMAL, "connection lost");
                break;
            }
            Err(_) => {
                shared.metrics.error("write_timeout");
                handle.close(
                    close_code::POLICY_VIOLATION,
                    "write timeout: peer not reading",
                );
                break;
            }
        }
    }
    let reason = handle.close_reason().unwrap_or(CloseReason {
        code: close_code::GOING_AWAY,
        reason: "server shutting down".into(),
    });
    // Frames queued before the close (an `error` message, say) still go out.
    let drain_deadline = Instant::now() + Duration::from_secs(1);
    if reason.code != close_code::POLICY_VIOLATION {
        while let Ok(out) = rx.try_recv() {
            let Outbound::Frame(bytes) = out else {
                continue;
            };
            let left = drain_deadline.saturating_duration_since(Instant::now());
            let sent = tokio::time::timeout(left, sink.send(WsMessage::Binary(bytes.into()))).await;
            if !matches!(sent, Ok(Ok(()))) {
                break;
            }
        }
    }
    close_sink(&mut sink, reason.code, &reason.reason).await;
}
