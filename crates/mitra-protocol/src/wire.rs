//! The automerge-repo WebSocket messages and their CBOR codec.
//!
//! One protocol message is one binary WebSocket frame holding one CBOR map
//! with text keys. The decoder is lenient where the official JavaScript
//! encoder is loose (non-minimal lengths, `undefined` for absent values,
//! floats for integers) and strict where safety matters: every field is
//! typed, document ids are validated, and nothing panics on any input.

use std::collections::BTreeMap;

use minicbor::data::Type;
use minicbor::{Decoder, Encoder};

use crate::ids::{DocumentId, DocumentIdError, PeerId, StorageId};

/// The only protocol version automerge-repo speaks today.
pub const PROTOCOL_VERSION: &str = "1";

/// What a peer says about itself in `join` and `peer`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerMetadata {
    /// Stable storage id, for peers that persist documents.
    pub storage_id: Option<StorageId>,
    /// An ephemeral peer keeps nothing; its sync state is not worth saving.
    pub is_ephemeral: bool,
}

/// Heads of one storage id for one document, as gossiped in `remote-heads-changed`.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteHeads {
    /// bs58check-encoded change hashes.
    pub heads: Vec<String>,
    /// Milliseconds since the epoch when these heads were observed.
    pub timestamp: f64,
}

/// One automerge-repo protocol message.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// First message of a client: who it is and which versions it speaks.
    Join {
        /// The joining peer's id.
        sender_id: PeerId,
        /// What the peer says about itself.
        peer_metadata: PeerMetadata,
        /// Protocol versions the peer speaks; `None` when the field was absent.
        supported_protocol_versions: Option<Vec<String>>,
    },
    /// The server's answer to `join`.
    Peer {
        /// The server's peer id.
        sender_id: PeerId,
        /// What the server says about itself.
        peer_metadata: PeerMetadata,
        /// The version both sides will speak.
        selected_protocol_version: String,
        /// The joining peer.
        target_id: PeerId,
    },
    /// A fatal error; the sender closes the connection after it.
    Error {
        /// Who reports the error.
        sender_id: PeerId,
        /// Human-readable reason.
        message: String,
        /// Who it is for, when known.
        target_id: Option<PeerId>,
    },
    /// Removed from the protocol in automerge-repo 2.0; accepted and treated as a close.
    Leave {
        /// Who is leaving.
        sender_id: PeerId,
    },
    /// An automerge sync message for one document.
    Sync(DocumentMessage),
    /// Like `sync`, sent first by a peer that does not have the document.
    Request(DocumentMessage),
    /// The sender has no copy of the document and knows no peer that does.
    DocUnavailable {
        /// Who reports it.
        sender_id: PeerId,
        /// Who asked.
        target_id: PeerId,
        /// The document.
        document_id: DocumentId,
    },
    /// Application data (presence, cursors), relayed unchanged but for `targetId`.
    Ephemeral(EphemeralMessage),
    /// Subscribe to or unsubscribe from heads gossip about storage ids.
    RemoteSubscriptionChange {
        /// Who changes its subscriptions.
        sender_id: PeerId,
        /// Who it tells.
        target_id: PeerId,
        /// Storage ids to start following.
        add: Vec<StorageId>,
        /// Storage ids to stop following.
        remove: Vec<StorageId>,
    },
    /// Heads gossip: which heads some storage ids hold for a document.
    RemoteHeadsChanged {
        /// Who reports it.
        sender_id: PeerId,
        /// Who it is for.
        target_id: PeerId,
        /// The document.
        document_id: DocumentId,
        /// Heads per storage id.
        new_heads: BTreeMap<StorageId, RemoteHeads>,
    },
}

/// The fields shared by `sync` and `request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentMessage {
    /// Who sent it.
    pub sender_id: PeerId,
    /// Who it is for.
    pub target_id: PeerId,
    /// The document.
    pub document_id: DocumentId,
    /// An encoded `automerge::sync::Message`.
    pub data: Vec<u8>,
}

/// An `ephemeral` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EphemeralMessage {
    /// The original author (kept when relayed).
    pub sender_id: PeerId,
    /// Who it is for (rewritten when relayed).
    pub target_id: PeerId,
    /// The document it is about.
    pub document_id: DocumentId,
    /// The author's session, for de-duplication by receivers.
    pub session_id: String,
    /// Sequence number within the session.
    pub count: u64,
    /// Application payload (CBOR), opaque to the server.
    pub data: Vec<u8>,
}

/// Why bytes are not a valid protocol message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Not well-formed CBOR, or a field of the wrong CBOR type.
    #[error("malformed CBOR: {0}")]
    Cbor(String),
    /// The top level is not a map.
    #[error("message is not a CBOR map")]
    NotAMap,
    /// A required field is missing.
    #[error("message of type {message_type:?} lacks field {field:?}")]
    MissingField {
        /// The message type (or "unknown" before it was read).
        message_type: String,
        /// The missing field.
        field: &'static str,
    },
    /// The `type` field names no message this server knows.
    #[error("unknown message type {0:?}")]
    UnknownType(String),
    /// A document id that is not bs58check of 16 bytes.
    #[error("invalid documentId: {0}")]
    DocumentId(#[from] DocumentIdError),
    /// A number field that is negative, fractional or out of range.
    #[error("field {0:?} is not a valid count")]
    BadNumber(&'static str),
}

impl From<minicbor::decode::Error> for DecodeError {
    fn from(e: minicbor::decode::Error) -> Self {
        DecodeError::Cbor(e.to_string())
    }
}

impl Message {
    /// The `type` string of this message on the wire.
    pub fn type_name(&self) -> &'static str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Error { .. } => "error",
            Message::Leave { .. } => "leave",
            Message::Sync(_) => "sync",
            Message::Request(_) => "request",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Ephemeral(_) => "ephemeral",
            Message::RemoteSubscriptionChange { .. } => "remote-subscription-change",
            Message::RemoteHeadsChanged { .. } => "remote-heads-changed",
        }
    }

    /// The peer that sent this message.
    pub fn sender_id(&self) -> &PeerId {
        match self {
            Message::Join { sender_id, .. }
            | Message::Peer { sender_id, .. }
            | Message::Error { sender_id, .. }
            | Message::Leave { sender_id }
            | Message::DocUnavailable { sender_id, .. }
            | Message::RemoteSubscriptionChange { sender_id, .. }
            | Message::RemoteHeadsChanged { sender_id, .. } => sender_id,
            Message::Sync(m) | Message::Request(m) => &m.sender_id,
            Message::Ephemeral(m) => &m.sender_id,
        }
    }

    /// Encodes this message as one CBOR map.
    pub fn encode(&self) -> Vec<u8> {
        let mut enc = Encoder::new(Vec::new());
        self.encode_into(&mut enc)
            .expect("writing CBOR into a Vec cannot fail");
        enc.into_writer()
    }

    fn encode_into(
        &self,
        e: &mut Encoder<Vec<u8>>,
    ) -> Result<(), minicbor::encode::Error<std::convert::Infallible>> {
        match self {
            Message::Join {
                sender_id,
                peer_metadata,
                supported_protocol_versions,
            } => {
                let n = 3 + u64::from(supported_protocol_versions.is_some());
                e.map(n)?;
                e.str("type")?.str("join")?;
                e.str("senderId")?.str(sender_id.as_str())?;
                e.str("peerMetadata")?;
                encode_metadata(e, peer_metadata)?;
                if let Some(versions) = supported_protocol_versions {
                    e.str("supportedProtocolVersions")?
                        .array(versions.len() as u64)?;
                    for v in versions {
                        e.str(v)?;
                    }
                }
            }
            Message::Peer {
                sender_id,
                peer_metadata,
                selected_protocol_version,
                target_id,
            } => {
                e.map(5)?;
                e.str("type")?.str("peer")?;
                e.str("senderId")?.str(sender_id.as_str())?;
                e.str("peerMetadata")?;
                encode_metadata(e, peer_metadata)?;
                e.str("selectedProtocolVersion")?
                    .str(selected_protocol_version)?;
                e.str("targetId")?.str(target_id.as_str())?;
            }
            Message::Error {
                sender_id,
                message,
                target_id,
            } => {
                e.map(3 + u64::from(target_id.is_some()))?;
                e.str("type")?.str("error")?;
                e.str("senderId")?.str(sender_id.as_str())?;
                e.str("message")?.str(message)?;
                if let Some(t) = target_id {
                    e.str("targetId")?.str(t.as_str())?;
                }
            }
            Message::Leave { sender_id } => {
                e.map(2)?;
                e.str("type")?.str("leave")?;
                e.str("senderId")?.str(sender_id.as_str())?;
            }
            Message::Sync(m) | Message::Request(m) => {
                e.map(5)?;
                e.str("type")?.str(self.type_name())?;
                e.str("senderId")?.str(m.sender_id.as_str())?;
                e.str("targetId")?.str(m.target_id.as_str())?;
                e.str("documentId")?.str(&m.document_id.to_string())?;
                e.str("data")?.bytes(&m.data)?;
            }
            Message::DocUnavailable {
                sender_id,
                target_id,
                document_id,
            } => {
                e.map(4)?;
                e.str("type")?.str("doc-unavailable")?;
                e.str("senderId")?.str(sender_id.as_str())?;
                e.str("targetId")?.str(target_id.as_str())?;
                e.str("documentId")?.str(&document_id.to_string())?;
            }
            Message::Ephemeral(m) => {
                e.map(7)?;
                e.str("type")?.str("ephemeral")?;
                e.str("senderId")?.str(m.sender_id.as_str())?;
                e.str("targetId")?.str(m.target_id.as_str())?;
                e.str("documentId")?.str(&m.document_id.to_string())?;
                e.str("sessionId")?.str(&m.session_id)?;
                e.str("count")?.u64(m.count)?;
                e.str("data")?.bytes(&m.data)?;
            }
            Message::RemoteSubscriptionChange {
                sender_id,
                target_id,
                add,
                remove,
            } => {
                e.map(5)?;
                e.str("type")?.str("remote-subscription-change")?;
                e.str("senderId")?.str(sender_id.as_str())?;
                e.str("targetId")?.str(target_id.as_str())?;
                for (key, list) in [("add", add), ("remove", remove)] {
                    e.str(key)?.array(list.len() as u64)?;
                    for s in list {
                        e.str(s.as_str())?;
                    }
                }
            }
            Message::RemoteHeadsChanged {
                sender_id,
                target_id,
                document_id,
                new_heads,
            } => {
                e.map(5)?;
                e.str("type")?.str("remote-heads-changed")?;
                e.str("senderId")?.str(sender_id.as_str())?;
                e.str("targetId")?.str(target_id.as_str())?;
                e.str("documentId")?.str(&document_id.to_string())?;
                e.str("newHeads")?.map(new_heads.len() as u64)?;
                for (storage_id, heads) in new_heads {
                    e.str(storage_id.as_str())?.map(2)?;
                    e.str("heads")?.array(heads.heads.len() as u64)?;
                    for h in &heads.heads {
                        e.str(h)?;
                    }
                    e.str("timestamp")?;
                    encode_timestamp(e, heads.timestamp)?;
                }
            }
        }
        Ok(())
    }

    /// Decodes one message from the bytes of one WebSocket frame.
    pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
        let mut d = Decoder::new(bytes);
        let fields = Fields::read(&mut d)?;
        fields.into_message()
    }
}

fn encode_metadata(
    e: &mut Encoder<Vec<u8>>,
    m: &PeerMetadata,
) -> Result<(), minicbor::encode::Error<std::convert::Infallible>> {
    e.map(1 + u64::from(m.storage_id.is_some()))?;
    if let Some(s) = &m.storage_id {
        e.str("storageId")?.str(s.as_str())?;
    }
    e.str("isEphemeral")?.bool(m.is_ephemeral)?;
    Ok(())
}

fn encode_timestamp(
    e: &mut Encoder<Vec<u8>>,
    t: f64,
) -> Result<(), minicbor::encode::Error<std::convert::Infallible>> {
    if t >= 0.0 && t.fract() == 0.0 && t < 9.007_199_254_740_992e15 {
        e.u64(t as u64)?;
    } else {
        e.f64(t)?;
    }
    Ok(())
}

/// The raw fields of a message map, before they are checked against its type.
#[derive(Default)]
struct Fields {
    message_type: Option<String>,
    sender_id: Option<String>,
    target_id: Option<String>,
    document_id: Option<String>,
    data: Option<Vec<u8>>,
    peer_metadata: Option<PeerMetadata>,
    supported_protocol_versions: Option<Vec<String>>,
    selected_protocol_version: Option<String>,
    message: Option<String>,
    session_id: Option<String>,
    count: Option<u64>,
    add: Option<Vec<StorageId>>,
    remove: Option<Vec<StorageId>>,
    new_heads: Option<BTreeMap<StorageId, RemoteHeads>>,
}

/// Reads a map header, definite or indefinite. `None` length means indefinite.
fn read_map_len(d: &mut Decoder<'_>) -> Result<Option<u64>, DecodeError> {
    match d.datatype()? {
        Type::Map | Type::MapIndef => Ok(d.map()?),
        _ => Err(DecodeError::NotAMap),
    }
}

/// Iterates over the entries of a map (definite or indefinite), calling `f` per key.
fn for_each_entry<'b>(
    d: &mut Decoder<'b>,
    mut f: impl FnMut(&mut Decoder<'b>, &str) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let len = read_map_len(d)?;
    let mut i = 0u64;
    loop {
        match len {
            Some(n) if i >= n => break,
            None if d.datatype()? == Type::Break => {
                d.skip()?;
                break;
            }
            _ => {}
        }
        let key = match d.datatype()? {
            Type::String | Type::StringIndef => owned_str(d)?,
            _ => {
                // Non-text keys are not part of the protocol: skip key and value.
                d.skip()?;
                d.skip()?;
                i += 1;
                continue;
            }
        };
        f(d, &key)?;
        i += 1;
    }
    Ok(())
}

fn owned_str(d: &mut Decoder<'_>) -> Result<String, DecodeError> {
    match d.datatype()? {
        Type::String => Ok(d.str()?.to_owned()),
        Type::StringIndef => {
            let mut out = String::new();
            for part in d.str_iter()? {
                out.push_str(part?);
            }
            Ok(out)
        }
        other => Err(DecodeError::Cbor(format!("expected text, found {other}"))),
    }
}

fn owned_bytes(d: &mut Decoder<'_>) -> Result<Vec<u8>, DecodeError> {
    match d.datatype()? {
        Type::Bytes => Ok(d.bytes()?.to_vec()),
        Type::BytesIndef => {
            let mut out = Vec::new();
            for part in d.bytes_iter()? {
                out.extend_from_slice(part?);
            }
            Ok(out)
        }
        other => Err(DecodeError::Cbor(format!("expected bytes, found {other}"))),
    }
}

/// True (and consumes it) when the next item is CBOR `null` or `undefined`.
fn skip_absent(d: &mut Decoder<'_>) -> Result<bool, DecodeError> {
    match d.datatype()? {
        Type::Null | Type::Undefined => {
            d.skip()?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Reads a non-negative number that may arrive as an integer or a float.
fn number(d: &mut Decoder<'_>, field: &'static str) -> Result<f64, DecodeError> {
    let value = match d.datatype()? {
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => d.u64()? as f64,
        Type::F16 | Type::F32 | Type::F64 => d.f64()?,
        _ => return Err(DecodeError::BadNumber(field)),
    };
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(DecodeError::BadNumber(field))
    }
}

fn count(d: &mut Decoder<'_>, field: &'static str) -> Result<u64, DecodeError> {
    let v = number(d, field)?;
    if v.fract() != 0.0 || v > u64::MAX as f64 {
        return Err(DecodeError::BadNumber(field));
    }
    Ok(v as u64)
}

fn string_list(d: &mut Decoder<'_>) -> Result<Vec<String>, DecodeError> {
    if skip_absent(d)? {
        return Ok(Vec::new());
    }
    let len = d.array()?;
    let mut out = Vec::new();
    let mut i = 0u64;
    loop {
        match len {
            Some(n) if i >= n => break,
            None if d.datatype()? == Type::Break => {
                d.skip()?;
                break;
            }
            _ => {}
        }
        out.push(owned_str(d)?);
        i += 1;
    }
    Ok(out)
}

fn read_metadata(d: &mut Decoder<'_>) -> Result<PeerMetadata, DecodeError> {
    let mut meta = PeerMetadata::default();
    if skip_absent(d)? {
        return Ok(meta);
    }
    for_each_entry(d, |d, key| {
        match key {
            "storageId" => {
                if !skip_absent(d)? {
                    meta.storage_id = Some(StorageId::new(owned_str(d)?));
                }
            }
            "isEphemeral" => {
                if !skip_absent(d)? {
                    meta.is_ephemeral = d.bool()?;
                }
            }
            _ => d.skip()?,
        }
        Ok(())
    })?;
    Ok(meta)
}

fn read_new_heads(d: &mut Decoder<'_>) -> Result<BTreeMap<StorageId, RemoteHeads>, DecodeError> {
    let mut out = BTreeMap::new();
    for_each_entry(d, |d, storage_id| {
        let mut heads = Vec::new();
        let mut timestamp = 0.0;
        for_each_entry(d, |d, key| {
            match key {
                "heads" => heads = string_list(d)?,
                "timestamp" => timestamp = number(d, "timestamp")?,
                _ => d.skip()?,
            }
            Ok(())
        })?;
        out.insert(StorageId::new(storage_id), RemoteHeads { heads, timestamp });
        Ok(())
    })?;
    Ok(out)
}

impl Fields {
    fn read(d: &mut Decoder<'_>) -> Result<Fields, DecodeError> {
        let mut f = Fields::default();
        for_each_entry(d, |d, key| {
            if skip_absent(d)? {
                return Ok(());
            }
            match key {
                "type" => f.message_type = Some(owned_str(d)?),
                "senderId" => f.sender_id = Some(owned_str(d)?),
                "targetId" => f.target_id = Some(owned_str(d)?),
                "documentId" => f.document_id = Some(owned_str(d)?),
                "data" => f.data = Some(owned_bytes(d)?),
                "peerMetadata" => f.peer_metadata = Some(read_metadata(d)?),
                "supportedProtocolVersions" => {
                    f.supported_protocol_versions = Some(string_list(d)?)
                }
                "selectedProtocolVersion" => f.selected_protocol_version = Some(owned_str(d)?),
                "message" => f.message = Some(owned_str(d)?),
                "sessionId" => f.session_id = Some(owned_str(d)?),
                "count" => f.count = Some(count(d, "count")?),
                "add" => f.add = Some(string_list(d)?.into_iter().map(StorageId::new).collect()),
                "remove" => {
                    f.remove = Some(string_list(d)?.into_iter().map(StorageId::new).collect())
                }
                "newHeads" => f.new_heads = Some(read_new_heads(d)?),
                _ => d.skip()?,
            }
            Ok(())
        })?;
        Ok(f)
    }

    fn into_message(self) -> Result<Message, DecodeError> {
        let message_type = self.message_type.clone().ok_or(DecodeError::MissingField {
            message_type: "unknown".into(),
            field: "type",
        })?;
        let missing = |field: &'static str| DecodeError::MissingField {
            message_type: message_type.clone(),
            field,
        };
        let sender_id = PeerId::new(self.sender_id.ok_or_else(|| missing("senderId"))?);
        let target = self.target_id.map(PeerId::new);
        let document_id = self
            .document_id
            .as_deref()
            .map(str::parse::<DocumentId>)
            .transpose()?;
        let message = match message_type.as_str() {
            "join" => Message::Join {
                sender_id,
                peer_metadata: self.peer_metadata.unwrap_or_default(),
                supported_protocol_versions: self.supported_protocol_versions,
            },
            "peer" => Message::Peer {
                sender_id,
                peer_metadata: self.peer_metadata.unwrap_or_default(),
                selected_protocol_version: self
                    .selected_protocol_version
                    .ok_or_else(|| missing("selectedProtocolVersion"))?,
                target_id: target.ok_or_else(|| missing("targetId"))?,
            },
            "error" => Message::Error {
                sender_id,
                message: self.message.unwrap_or_default(),
                target_id: target,
            },
            "leave" => Message::Leave { sender_id },
            "sync" | "request" => {
                let m = DocumentMessage {
                    sender_id,
                    target_id: target.ok_or_else(|| missing("targetId"))?,
                    document_id: document_id.ok_or_else(|| missing("documentId"))?,
                    data: self.data.ok_or_else(|| missing("data"))?,
                };
                if message_type == "sync" {
                    Message::Sync(m)
                } else {
                    Message::Request(m)
                }
            }
            "doc-unavailable" => Message::DocUnavailable {
                sender_id,
                target_id: target.ok_or_else(|| missing("targetId"))?,
                document_id: document_id.ok_or_else(|| missing("documentId"))?,
            },
            "ephemeral" => Message::Ephemeral(EphemeralMessage {
                sender_id,
                target_id: target.ok_or_else(|| missing("targetId"))?,
                document_id: document_id.ok_or_else(|| missing("documentId"))?,
                session_id: self.session_id.ok_or_else(|| missing("sessionId"))?,
                count: self.count.ok_or_else(|| missing("count"))?,
                data: self.data.ok_or_else(|| missing("data"))?,
            }),
            "remote-subscription-change" => Message::RemoteSubscriptionChange {
                sender_id,
                target_id: target.ok_or_else(|| missing("targetId"))?,
                add: self.add.unwrap_or_default(),
                remove: self.remove.unwrap_or_default(),
            },
            "remote-heads-changed" => Message::RemoteHeadsChanged {
                sender_id,
                target_id: target.ok_or_else(|| missing("targetId"))?,
                document_id: document_id.ok_or_else(|| missing("documentId"))?,
                new_heads: self.new_heads.ok_or_else(|| missing("newHeads"))?,
            },
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        };
        Ok(message)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn doc() -> DocumentId {
        DocumentId::from_bytes([3; 16])
    }

    fn all_messages() -> Vec<Message> {
        let p = |s: &str| PeerId::new(s);
        vec![
            Message::Join {
                sender_id: p("a"),
                peer_metadata: PeerMetadata {
                    storage_id: Some(StorageId::new("s1")),
                    is_ephemeral: false,
                },
                supported_protocol_versions: Some(vec!["1".into()]),
            },
            Message::Join {
                sender_id: p("a"),
                peer_metadata: PeerMetadata::default(),
                supported_protocol_versions: None,
            },
            Message::Peer {
                sender_id: p("server"),
                peer_metadata: PeerMetadata {
                    storage_id: Some(StorageId::new("s2")),
                    is_ephemeral: false,
                },
                selected_protocol_version: "1".into(),
                target_id: p("a"),
            },
            Message::Error {
                sender_id: p("server"),
                message: "no".into(),
                target_id: Some(p("a")),
            },
            Message::Leave { sender_id: p("a") },
            Message::Sync(DocumentMessage {
                sender_id: p("a"),
                target_id: p("b"),
                document_id: doc(),
                data: vec![0x42, 1, 2],
            }),
            Message::Request(DocumentMessage {
                sender_id: p("a"),
                target_id: p("b"),
                document_id: doc(),
                data: vec![0x42],
            }),
            Message::DocUnavailable {
                sender_id: p("b"),
                target_id: p("a"),
                document_id: doc(),
            },
            Message::Ephemeral(EphemeralMessage {
                sender_id: p("a"),
                target_id: p("b"),
                document_id: doc(),
                session_id: "sess".into(),
                count: 7,
                data: vec![0xa0],
            }),
            Message::RemoteSubscriptionChange {
                sender_id: p("a"),
                target_id: p("b"),
                add: vec![StorageId::new("x")],
                remove: vec![],
            },
            Message::RemoteHeadsChanged {
                sender_id: p("b"),
                target_id: p("a"),
                document_id: doc(),
                new_heads: BTreeMap::from([(
                    StorageId::new("x"),
                    RemoteHeads {
                        heads: vec!["abc".into()],
                        timestamp: 1_700_000_000_000.0,
                    },
                )]),
            },
        ]
    }

    #[test]
    fn every_message_round_trips() {
        for m in all_messages() {
            let bytes = m.encode();
            assert_eq!(Message::decode(&bytes).unwrap(), m, "{}", m.type_name());
        }
    }

    #[test]
    fn accepts_non_minimal_headers_undefined_and_float_counts() {
        // {type: "ephemeral", ...} written the way cbor-x writes it: a 0xb9
        // map header with a 2-byte length, `count` as a float64, and an
        // extra key whose value is `undefined`.
        let mut e = Encoder::new(Vec::new());
        let mut bytes = vec![0xb9, 0x00, 0x08];
        e.str("type")
            .and_then(|e| e.str("ephemeral"))
            .and_then(|e| e.str("senderId"))
            .and_then(|e| e.str("a"))
            .and_then(|e| e.str("targetId"))
            .and_then(|e| e.str("b"))
            .and_then(|e| e.str("documentId"))
            .and_then(|e| e.str(&doc().to_string()))
            .and_then(|e| e.str("sessionId"))
            .and_then(|e| e.str("s"))
            .and_then(|e| e.str("count"))
            .and_then(|e| e.f64(3.0))
            .and_then(|e| e.str("data"))
            .and_then(|e| e.bytes(&[1]))
            .and_then(|e| e.str("extra"))
            .and_then(|e| e.undefined())
            .unwrap();
        bytes.extend(e.into_writer());
        match Message::decode(&bytes).unwrap() {
            Message::Ephemeral(m) => {
                assert_eq!(m.count, 3);
                assert_eq!(m.data, vec![1]);
            }
            other => panic!("decoded {other:?}"),
        }
    }

    #[test]
    fn storage_id_undefined_means_none() {
        let mut e = Encoder::new(Vec::new());
        e.map(4)
            .and_then(|e| e.str("type"))
            .and_then(|e| e.str("join"))
            .and_then(|e| e.str("senderId"))
            .and_then(|e| e.str("a"))
            .and_then(|e| e.str("peerMetadata"))
            .and_then(|e| e.map(2))
            .and_then(|e| e.str("storageId"))
            .and_then(|e| e.undefined())
            .and_then(|e| e.str("isEphemeral"))
            .and_then(|e| e.bool(true))
            .and_then(|e| e.str("supportedProtocolVersions"))
            .and_then(|e| e.array(1))
            .and_then(|e| e.str("1"))
            .unwrap();
        match Message::decode(&e.into_writer()).unwrap() {
            Message::Join { peer_metadata, .. } => {
                assert_eq!(peer_metadata.storage_id, None);
                assert!(peer_metadata.is_ephemeral);
            }
            other => panic!("decoded {other:?}"),
        }
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert_eq!(Message::decode(&[0x01]), Err(DecodeError::NotAMap));
        assert!(Message::decode(&[]).is_err());
        assert!(Message::decode(&[0xbf]).is_err());
        let unknown = {
            let mut e = Encoder::new(Vec::new());
            e.map(2)
                .and_then(|e| e.str("type"))
                .and_then(|e| e.str("frobnicate"))
                .and_then(|e| e.str("senderId"))
                .and_then(|e| e.str("a"))
                .unwrap();
            e.into_writer()
        };
        assert_eq!(
            Message::decode(&unknown),
            Err(DecodeError::UnknownType("frobnicate".into()))
        );
        // Every prefix and every single-byte corruption of valid messages.
        for m in all_messages() {
            let bytes = m.encode();
            for cut in 0..bytes.len() {
                let _ = Message::decode(&bytes[..cut]);
            }
            for i in 0..bytes.len() {
                let mut b = bytes.clone();
                b[i] ^= 0xff;
                let _ = Message::decode(&b);
            }
        }
    }

    #[test]
    fn random_and_mutated_bytes_never_panic() {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        let mut rng = StdRng::seed_from_u64(7);
        let valid: Vec<Vec<u8>> = all_messages().iter().map(Message::encode).collect();
        for _ in 0..50_000 {
            let bytes: Vec<u8> = if rng.random_bool(0.5) {
                let len = rng.random_range(0..64);
                (0..len).map(|_| rng.random()).collect()
            } else {
                let mut b = valid[rng.random_range(0..valid.len())].clone();
                for _ in 0..rng.random_range(1..4) {
                    let i = rng.random_range(0..b.len());
                    b[i] = rng.random();
                }
                b
            };
            let _ = Message::decode(&bytes);
        }
    }

    #[test]
    fn invalid_document_id_is_rejected() {
        let m = Message::Sync(DocumentMessage {
            sender_id: PeerId::new("a"),
            target_id: PeerId::new("b"),
            document_id: doc(),
            data: vec![],
        });
        let bytes = m.encode();
        let id = doc().to_string();
        let pos = bytes
            .windows(id.len())
            .position(|w| w == id.as_bytes())
            .unwrap();
        let mut bad = bytes.clone();
        bad[pos] = b'0'; // not in the base58 alphabet
        assert!(matches!(
            Message::decode(&bad),
            Err(DecodeError::DocumentId(_))
        ));
    }
}
