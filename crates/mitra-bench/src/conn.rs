//! One WebSocket connection speaking the automerge-repo protocol: connect,
//! `join` / `peer` handshake, then protocol messages as binary frames.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use mitra_protocol::wire::{DocumentMessage, Message, PROTOCOL_VERSION, PeerMetadata};
use mitra_protocol::{DocumentId, PeerId};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async_with_config};

/// An open, joined connection to a sync server.
pub struct Conn {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Our peer id.
    pub me: PeerId,
    /// The server's peer id, from its `peer` answer.
    pub server: PeerId,
    /// Why the server closed the socket, when it said.
    close_reason: Option<String>,
}

impl Conn {
    /// Connects, sends `join` and waits for `peer`, all within `timeout`.
    pub async fn open(url: &str, me: PeerId, timeout: Duration) -> Result<Conn> {
        let deadline = tokio::time::Instant::now() + timeout;
        // Nagle off: small frames must leave at once or latencies measure TCP delays.
        let (ws, _) = tokio::time::timeout_at(deadline, connect_async_with_config(url, None, true))
            .await
            .map_err(|_| anyhow!("connecting to {url} timed out after {timeout:?}"))?
            .with_context(|| format!("connecting to {url}"))?;
        let mut conn = Conn {
            ws,
            me: me.clone(),
            server: PeerId::new(""),
            close_reason: None,
        };
        conn.send(&Message::Join {
            sender_id: me,
            peer_metadata: PeerMetadata {
                storage_id: None,
                is_ephemeral: true,
            },
            supported_protocol_versions: Some(vec![PROTOCOL_VERSION.to_owned()]),
        })
        .await?;
        loop {
            let next = tokio::time::timeout_at(deadline, conn.recv())
                .await
                .map_err(|_| anyhow!("{url}: no `peer` answer to `join` within {timeout:?}"))?;
            match next? {
                Some((
                    Message::Peer {
                        sender_id,
                        selected_protocol_version,
                        ..
                    },
                    _,
                )) => {
                    if selected_protocol_version != PROTOCOL_VERSION {
                        bail!(
                            "{url}: server selected protocol version {selected_protocol_version:?}"
                        );
                    }
                    conn.server = sender_id;
                    return Ok(conn);
                }
                Some((Message::Error { message, .. }, _)) => {
                    bail!("{url}: server refused `join`: {message}")
                }
                Some(_) => continue,
                None => bail!(
                    "{url}: server closed the connection during the handshake{}",
                    conn.reason()
                ),
            }
        }
    }

    /// Sends one protocol message as one binary frame.
    pub async fn send(&mut self, msg: &Message) -> Result<()> {
        self.ws
            .send(WsMessage::Binary(msg.encode().into()))
            .await
            .context("sending a frame")
    }

    /// Sends a `sync` (or `request`) for `doc` carrying an encoded automerge sync message.
    pub async fn send_sync(&mut self, doc: DocumentId, data: Vec<u8>, request: bool) -> Result<()> {
        let m = DocumentMessage {
            sender_id: self.me.clone(),
            target_id: self.server.clone(),
            document_id: doc,
            data,
        };
        let msg = if request {
            Message::Request(m)
        } else {
            Message::Sync(m)
        };
        self.send(&msg).await
    }

    /// The next protocol message and the instant its frame arrived, or `None`
    /// once the server closed the connection. Cancel-safe.
    pub async fn recv(&mut self) -> Result<Option<(Message, Instant)>> {
        loop {
            match self.ws.next().await {
                None => return Ok(None),
                Some(Err(e)) => {
                    use tokio_tungstenite::tungstenite::Error;
                    return match e {
                        Error::ConnectionClosed | Error::AlreadyClosed => Ok(None),
                        e => Err(e).context("reading from the server"),
                    };
                }
                Some(Ok(WsMessage::Binary(bytes))) => {
                    let at = Instant::now();
                    let msg = Message::decode(&bytes)
                        .map_err(|e| anyhow!("undecodable frame from the server: {e}"))?;
                    return Ok(Some((msg, at)));
                }
                Some(Ok(WsMessage::Close(frame))) => {
                    self.close_reason = frame.map(|f| format!("{} {}", f.code, f.reason));
                }
                // Pings are answered by tungstenite itself; text frames are not protocol.
                Some(Ok(_)) => {}
            }
        }
    }

    /// ": <close code and reason>" when the server gave one, else "".
    pub fn reason(&self) -> String {
        match &self.close_reason {
            Some(r) => format!(" ({r})"),
            None => String::new(),
        }
    }

    /// Closes politely, giving up after a second.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(1), self.ws.close(None)).await;
    }
}
