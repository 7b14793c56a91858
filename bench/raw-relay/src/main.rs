//! The raw relay: the lower bound of the benchmark. It speaks just enough of
//! the automerge-repo WebSocket protocol for automerge-repo clients (and
//! mitra-bench) to use it as a sync server, and does no CRDT work at all: no
//! document, no sync state, no change is ever decoded or applied.
//!
//! What "forwarding bytes" means here (see bench/README.md):
//!
//! - `join` is answered with `peer`, like any server.
//! - A `sync` or `request` whose automerge sync message carries changes is
//!   appended, as the frame it came in, to the document's log, forwarded
//!   unchanged to every other connection following that document, and
//!   answered to its sender with an acknowledgement: a sync message whose
//!   heads and `have.lastSync` are the heads the sender announced (the
//!   relay reads them from the message header; it never looks inside a
//!   change).
//! - The first message of a connection about a document subscribes it and
//!   replays the document's whole log to it (a new or reconnecting client
//!   receives every change ever sent, duplicates included: a relay cannot
//!   know what the client already has). A `request` for a document with an
//!   empty log is answered `doc-unavailable`; a `sync` without changes for
//!   one is answered "I have nothing", so an uploader sends everything.
//! - Sync messages without changes (acknowledgements, have/need) are
//!   dropped: forwarding them would make every client hear every other
//!   client's acknowledgements (N² messages that carry nothing a client
//!   needs).
//! - `ephemeral` messages are forwarded to the document's other followers.
//!
//! Every outgoing queue is bounded: a client that does not keep up is
//! disconnected. The relay listens on loopback only.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt, StreamExt};
use minicbor::data::Type;
use minicbor::{Decoder, Encoder};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Bytes;
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Frames queued for one connection before it counts as too slow.
const QUEUE: usize = 16_384;
/// Bytes of change-carrying frames the relay keeps, across documents.
const LOG_LIMIT: usize = 2 << 30;
/// The relay's peer id.
const PEER_ID: &str = "raw-relay";

type ConnId = u64;

#[derive(Default)]
struct Doc {
    log: Vec<Bytes>,
    followers: HashMap<ConnId, mpsc::Sender<Ws>>,
}

#[derive(Default)]
struct Hub {
    docs: Mutex<HashMap<String, Doc>>,
    logged: AtomicU64,
    next_conn: AtomicU64,
}

fn main() -> Result<()> {
    let mut port = 0u16;
    let mut threads = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
        match a.as_str() {
            "--port" => port = value("--port")?.parse().context("--port: not a port")?,
            "--threads" => {
                threads = value("--threads")?
                    .parse()
                    .context("--threads: not a number")?
            }
            other => bail!("unknown argument {other} (usage: raw-relay [--port N] [--threads N])"),
        }
    }
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if threads > 0 {
        rt.worker_threads(threads);
    }
    rt.build()?.block_on(serve(port))
}

async fn serve(port: u16) -> Result<()> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .context("binding 127.0.0.1")?;
    let addr = listener.local_addr()?;
    println!(
        "raw relay listening on ws://{addr}/sync (pid {})",
        std::process::id()
    );
    let hub = Arc::new(Hub::default());
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, do not spin.
                        eprintln!("raw-relay: accept: {e}");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let hub = hub.clone();
                tokio::spawn(async move {
                    if let Err(e) = connection(hub, stream).await {
                        eprintln!("raw-relay: connection: {e:#}");
                    }
                });
            }
        }
    }
}

async fn connection(hub: Arc<Hub>, stream: TcpStream) -> Result<()> {
    stream.set_nodelay(true)?;
    let mut config = WebSocketConfig::default();
    config.max_message_size = Some(256 << 20);
    config.max_frame_size = Some(256 << 20);
    #[allow(clippy::result_large_err)]
    let only_sync = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        if req.uri().path() == "/sync" {
            Ok(resp)
        } else {
            let mut err = ErrorResponse::new(Some("not found".to_owned()));
            *err.status_mut() = StatusCode::NOT_FOUND;
            Err(err)
        }
    };
    let ws = tokio_tungstenite::accept_hdr_async_with_config(stream, only_sync, Some(config))
        .await
        .context("WebSocket handshake")?;
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::channel::<Ws>(QUEUE);
    let writer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            let close = matches!(m, Ws::Close(_));
            if sink.send(m).await.is_err() || close {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let id = hub.next_conn.fetch_add(1, Ordering::Relaxed);
    let mut peer = String::new();
    let mut following: Vec<String> = Vec::new();
    let result = async {
        while let Some(frame) = source.next().await {
            let bytes = match frame.context("reading")? {
                Ws::Binary(b) => b,
                Ws::Close(_) => break,
                _ => continue,
            };
            let env = Envelope::decode(&bytes)?;
            match env.kind.as_str() {
                "join" => {
                    peer = env.sender.clone();
                    push(&tx, peer_message(&peer))?;
                }
                "sync" | "request" => {
                    let doc = env.document.context("a sync message without documentId")?;
                    let data = env.data.context("a sync message without data")?;
                    let header = SyncHeader::parse(data)?;
                    handle_sync(
                        &hub,
                        id,
                        &tx,
                        &peer,
                        &doc,
                        &bytes,
                        &header,
                        env.kind == "request",
                        &mut following,
                    )?;
                }
                "ephemeral" => {
                    if let Some(doc) = env.document {
                        let docs = hub.docs.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                        if let Some(d) = docs.get(&doc) {
                            forward(d, id, &bytes);
                        }
                    }
                }
                "leave" => break,
                _ => {}
            }
        }
        Ok::<(), anyhow::Error>(())
    }
    .await;
    if let Ok(mut docs) = hub.docs.lock() {
        for doc in following {
            if let Some(d) = docs.get_mut(&doc) {
                d.followers.remove(&id);
            }
        }
    }
    drop(tx);
    let _ = writer.await;
    result
}

fn push(tx: &mpsc::Sender<Ws>, bytes: Vec<u8>) -> Result<()> {
    tx.try_send(Ws::Binary(bytes.into()))
        .map_err(|_| anyhow::anyhow!("client too slow: its queue of {QUEUE} frames is full"))
}

/// Sends `frame` to every follower of `doc` but `from`; a follower whose
/// queue is full is dropped (its writer then closes the socket).
fn forward(doc: &Doc, from: ConnId, frame: &Bytes) -> Vec<ConnId> {
    let mut slow = Vec::new();
    for (id, tx) in &doc.followers {
        if *id != from && tx.try_send(Ws::Binary(frame.clone())).is_err() {
            slow.push(*id);
        }
    }
    slow
}

#[allow(clippy::too_many_arguments)]
fn handle_sync(
    hub: &Hub,
    id: ConnId,
    tx: &mpsc::Sender<Ws>,
    peer: &str,
    doc: &str,
    frame: &Bytes,
    header: &SyncHeader,
    request: bool,
    following: &mut Vec<String>,
) -> Result<()> {
    let mut docs = hub.docs.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
    let d = docs.entry(doc.to_owned()).or_default();
    if let Entry::Vacant(slot) = d.followers.entry(id) {
        slot.insert(tx.clone());
        following.push(doc.to_owned());
        if d.log.is_empty() && header.changes == 0 {
            let answer = if request {
                doc_unavailable(peer, doc)
            } else {
                sync_message(peer, doc, &ack(&[]))
            };
            return push(tx, answer);
        }
        for f in &d.log {
            tx.try_send(Ws::Binary(f.clone()))
                .map_err(|_| anyhow::anyhow!("replaying the log overflowed the client's queue"))?;
        }
    }
    if header.changes > 0 {
        let total =
            hub.logged.fetch_add(frame.len() as u64, Ordering::Relaxed) as usize + frame.len();
        if total > LOG_LIMIT {
            bail!("the relay's log is full ({LOG_LIMIT} bytes)");
        }
        d.log.push(frame.clone());
        for slow in forward(d, id, frame) {
            d.followers.remove(&slow);
        }
        push(tx, sync_message(peer, doc, &ack(&header.heads)))?;
    }
    Ok(())
}

/// The fields of a protocol message the relay looks at.
struct Envelope<'a> {
    kind: String,
    sender: String,
    document: Option<String>,
    data: Option<&'a [u8]>,
}

impl<'a> Envelope<'a> {
    fn decode(bytes: &'a [u8]) -> Result<Envelope<'a>> {
        let mut d = Decoder::new(bytes);
        let n = d.map()?.context("indefinite maps are not supported")?;
        let mut env = Envelope {
            kind: String::new(),
            sender: String::new(),
            document: None,
            data: None,
        };
        for _ in 0..n {
            let key = d.str()?;
            match (key, d.datatype()?) {
                ("type", Type::String) => env.kind = d.str()?.to_owned(),
                ("senderId", Type::String) => env.sender = d.str()?.to_owned(),
                ("documentId", Type::String) => env.document = Some(d.str()?.to_owned()),
                ("data", Type::Bytes) => env.data = Some(d.bytes()?),
                _ => d.skip()?,
            }
        }
        if env.kind.is_empty() {
            bail!("a message without a type");
        }
        Ok(env)
    }
}

/// What the relay reads of an automerge sync message: the sender's heads
/// and how many changes it carries (never the changes themselves).
struct SyncHeader {
    heads: Vec<[u8; 32]>,
    changes: u64,
}

impl SyncHeader {
    fn parse(data: &[u8]) -> Result<SyncHeader> {
        let mut r = Reader(data);
        match r.byte()? {
            0x42 | 0x43 => {}
            t => bail!("not an automerge sync message (type byte {t:#x})"),
        }
        let heads = r.hashes()?;
        r.hashes()?; // need
        for _ in 0..r.uleb()? {
            r.hashes()?; // have.lastSync
            let bloom = r.uleb()?;
            r.skip(bloom)?;
        }
        let changes = r.uleb()?;
        Ok(SyncHeader { heads, changes })
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8> {
        let (&b, rest) = self.0.split_first().context("truncated sync message")?;
        self.0 = rest;
        Ok(b)
    }
    fn uleb(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        bail!("a LEB128 number too long")
    }
    fn skip(&mut self, n: u64) -> Result<()> {
        let n = usize::try_from(n)?;
        if n > self.0.len() {
            bail!("truncated sync message");
        }
        self.0 = &self.0[n..];
        Ok(())
    }
    fn hashes(&mut self) -> Result<Vec<[u8; 32]>> {
        let n = self.uleb()?;
        if n > (self.0.len() / 32) as u64 {
            bail!("truncated sync message");
        }
        let mut out = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let mut h = [0u8; 32];
            h.copy_from_slice(&self.0[..32]);
            self.0 = &self.0[32..];
            out.push(h);
        }
        Ok(out)
    }
}

fn uleb_into(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A sync message saying: my heads are `heads`, I need nothing, I have
/// everything up to them.
fn ack(heads: &[[u8; 32]]) -> Vec<u8> {
    let mut out = vec![0x42];
    let hashes = |out: &mut Vec<u8>| {
        uleb_into(out, heads.len() as u64);
        for h in heads {
            out.extend_from_slice(h);
        }
    };
    hashes(&mut out); // heads
    uleb_into(&mut out, 0); // need
    uleb_into(&mut out, 1); // one have
    hashes(&mut out); // its lastSync
    uleb_into(&mut out, 0); // an empty bloom filter
    uleb_into(&mut out, 0); // no changes
    out
}

fn encoder() -> Encoder<Vec<u8>> {
    Encoder::new(Vec::with_capacity(128))
}

fn peer_message(target: &str) -> Vec<u8> {
    let mut e = encoder();
    let _ = (|| {
        e.map(5)?;
        e.str("type")?.str("peer")?;
        e.str("senderId")?.str(PEER_ID)?;
        e.str("peerMetadata")?
            .map(1)?
            .str("isEphemeral")?
            .bool(false)?;
        e.str("selectedProtocolVersion")?.str("1")?;
        e.str("targetId")?.str(target)?;
        Ok::<_, minicbor::encode::Error<std::convert::Infallible>>(())
    })();
    e.into_writer()
}

fn sync_message(target: &str, doc: &str, data: &[u8]) -> Vec<u8> {
    let mut e = encoder();
    let _ = (|| {
        e.map(5)?;
        e.str("type")?.str("sync")?;
        e.str("senderId")?.str(PEER_ID)?;
        e.str("targetId")?.str(target)?;
        e.str("documentId")?.str(doc)?;
        e.str("data")?.bytes(data)?;
        Ok::<_, minicbor::encode::Error<std::convert::Infallible>>(())
    })();
    e.into_writer()
}

fn doc_unavailable(target: &str, doc: &str) -> Vec<u8> {
    let mut e = encoder();
    let _ = (|| {
        e.map(4)?;
        e.str("type")?.str("doc-unavailable")?;
        e.str("senderId")?.str(PEER_ID)?;
        e.str("targetId")?.str(target)?;
        e.str("documentId")?.str(doc)?;
        Ok::<_, minicbor::encode::Error<std::convert::Infallible>>(())
    })();
    e.into_writer()
}
