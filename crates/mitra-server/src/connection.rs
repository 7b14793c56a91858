//! One WebSocket connection: handshake, then a reader loop (this task) and a
//! writer task joined by a bounded queue.
//!
//! The reader decodes frames through the sans-IO [`Session`], routes document
//! messages to document actors, and enforces the handshake deadline, the
//! idle timeout and the message size limit. The writer drains the outbound
//! queue with a timeout per write, sends pings, and writes the close frame.

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use mitra_protocol::{PeerRef, Routed, Session, Step};
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
use crate::metrics::Kind;
use crate::peers::{CloseReason, Outbound, PeerHandle, close_code};
use crate::server::Shared;

type Socket = WebSocketStream<TokioIo<Upgraded>>;

/// Runs one connection to its end.
pub async fn run(
    shared: Arc<Shared>,
    socket: Socket,
    remote: std::net::SocketAddr,
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
    remote: std::net::SocketAddr,
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
    if let Some(old) = shared.peers.register(Arc::clone(&handle)) {
        tracing::info!(peer = %peer.peer, old = old.peer.connection.0, new = peer.connection.0,
            "peer reconnected: closing its previous connection");
        old.close(
            close_code::POLICY_VIOLATION,
            "replaced by a newer connection of the same peer",
        );
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
    loop {
        tokio::select! {
            _ = closing.cancelled() => break,
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
                                if !handle_frame(shared, &mut session, &handle, &bytes).await =>
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

/// Handles one binary frame from a joined peer. Returns false when the connection must close.
async fn handle_frame(
    shared: &Arc<Shared>,
    session: &mut Session,
    handle: &Arc<PeerHandle>,
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
            let limit = shared.config.limits.max_documents_per_connection;
            let document = match &routed {
                Routed::Sync { message, .. } => Some(message.document_id),
                Routed::Ephemeral(message) => Some(message.document_id),
                _ => None,
            };
            let mut read_only = false;
            if let (Some(id), Some(store), Some(access)) =
                (document, &shared.access, &handle.access)
            {
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
                }
            }
            if let Some(id) = document
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
