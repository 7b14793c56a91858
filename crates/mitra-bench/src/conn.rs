//! One WebSocket connection speaking the automerge-repo protocol: connect,
//! `join` / `peer` handshake, then protocol messages as binary frames.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use mitra_protocol::wire::{DocumentMessage, Message, PROTOCOL_VERSION, PeerMetadata};
use mitra_protocol::{DocumentId, PeerId};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::http::Uri;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, client_async_with_config};

/// `url` without its query string (which may hold a token), for messages.
pub fn redact(url: &str) -> &str {
    url.split_once('?').map_or(url, |(base, _)| base)
}

/// Where and how to connect.
#[derive(Debug, Clone)]
pub struct Target {
    /// The WebSocket URL (ws:// only), with any `?token=` query.
    pub url: String,
    /// The server's socket address, resolved once.
    pub addr: SocketAddr,
}

impl Target {
    /// Parses a ws:// URL whose host is an IP address or `localhost`.
    pub fn parse(url: &str) -> Result<Target> {
        let uri: Uri = url
            .parse()
            .with_context(|| format!("invalid URL {:?}", redact(url)))?;
        if uri.scheme_str() != Some("ws") {
            bail!("the URL must start with ws:// (the bench speaks plain WebSocket)");
        }
        let host = uri.host().context("the URL has no host")?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let ip: IpAddr = if host == "localhost" {
            IpAddr::from([127, 0, 0, 1])
        } else {
            host.parse()
                .with_context(|| format!("the URL's host {host:?} is not an IP address"))?
        };
        let port = uri.port_u16().unwrap_or(80);
        Ok(Target {
            url: url.to_owned(),
            addr: SocketAddr::new(ip, port),
        })
    }
}

/// The WebSocket settings of every bench connection: large messages allowed
/// (a whole document's history arrives in one), small buffers (thousands of
/// idle connections must stay cheap).
fn ws_config() -> WebSocketConfig {
    let mut c = WebSocketConfig::default();
    c.max_message_size = Some(512 << 20);
    c.max_frame_size = Some(512 << 20);
    c.read_buffer_size = 16 << 10;
    c.write_buffer_size = 0;
    c
}

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
    pub async fn open(target: &Target, me: PeerId, timeout: Duration) -> Result<Conn> {
        Conn::open_from(target, None, me, timeout).await
    }

    /// Like [`Conn::open`], from the local address `source` when given (many
    /// thousands of connections need several loopback source addresses).
    pub async fn open_from(
        target: &Target,
        source: Option<IpAddr>,
        me: PeerId,
        timeout: Duration,
    ) -> Result<Conn> {
        let url = redact(&target.url).to_owned();
        let deadline = tokio::time::Instant::now() + timeout;
        let connecting = async {
            let socket = match target.addr {
                SocketAddr::V4(_) => TcpSocket::new_v4(),
                SocketAddr::V6(_) => TcpSocket::new_v6(),
            }
            .context("creating a socket")?;
            if let Some(ip) = source {
                socket
                    .bind(SocketAddr::new(ip, 0))
                    .with_context(|| format!("binding the source address {ip}"))?;
            }
            let tcp = socket.connect(target.addr).await.context("TCP connect")?;
            // Nagle off: small frames must leave at once or latencies measure TCP delays.
            tcp.set_nodelay(true)?;
            let (ws, _) = client_async_with_config(
                target.url.as_str(),
                MaybeTlsStream::Plain(tcp),
                Some(ws_config()),
            )
            .await
            .context("WebSocket upgrade")?;
            Ok::<_, anyhow::Error>(ws)
        };
        let ws = tokio::time::timeout_at(deadline, connecting)
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
