//! Why the engine refuses input.
//!
//! A [`ChunkError`] names the offending chunk of a message (or of stored
//! data) and what is wrong with it; a message with one bad chunk is refused
//! as a whole and nothing from it is applied. [`GraphError`] is every
//! refusal of the engine, and converts into the server-facing
//! [`mitra_protocol::EngineError`].

use std::fmt;

use automerge::ChangeHash;
use mitra_protocol::EngineError;

/// A chunk of change bytes the engine will not accept. `index` counts the
/// chunks of the message (or of the stored piece) from 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChunkError {
    /// The bytes are not an automerge chunk, or not a well-formed change.
    #[error("chunk {index} is not a valid automerge change: {reason}")]
    Unparsable {
        /// Position of the chunk.
        index: usize,
        /// What the parser found wrong.
        reason: String,
    },
    /// The checksum in the chunk's header is not the start of the hash of
    /// its content: the bytes were damaged (or forged) on the way.
    #[error(
        "chunk {index} fails its checksum: the header says {stated}, the content (change {hash}) hashes to {actual}"
    )]
    ChecksumMismatch {
        /// Position of the chunk.
        index: usize,
        /// The hash of the content.
        hash: ChangeHash,
        /// The checksum the header states, in hex.
        stated: String,
        /// The checksum the content has, in hex.
        actual: String,
    },
    /// A whole-document chunk where only change chunks are accepted (a sync
    /// message: this server never asks for whole documents).
    #[error("chunk {index} is a whole-document chunk where change chunks are expected")]
    DocumentChunk {
        /// Position of the chunk.
        index: usize,
    },
    /// Another kind of chunk (a bundle) where change chunks are expected.
    #[error("chunk {index} is a {kind} chunk where change chunks are expected")]
    UnexpectedChunk {
        /// Position of the chunk.
        index: usize,
        /// The kind of chunk found.
        kind: &'static str,
    },
    /// The message's deflated change chunks inflate to more than the engine
    /// accepts from one message (a small message must not cost gigabytes).
    #[error("chunk {index} inflates past {max_bytes} bytes of changes for one message")]
    TooLarge {
        /// Position of the chunk.
        index: usize,
        /// The most inflated bytes one message may carry.
        max_bytes: u64,
    },
    /// The change takes a sequence number of its actor that a different
    /// change already has (here or waiting in the queue).
    #[error(
        "change {hash} is change {seq} of actor {actor}, which this document already has as a different change"
    )]
    DuplicateSeq {
        /// The refused change.
        hash: ChangeHash,
        /// Its actor, in hex.
        actor: String,
        /// Its sequence number.
        seq: u64,
    },
    /// The change's dependencies are all present but its sequence number is
    /// not the next one of its actor (automerge cannot apply it).
    #[error(
        "change {hash} is change {seq} of actor {actor}, but that actor's next change is number {expected}"
    )]
    SeqGap {
        /// The refused change.
        hash: ChangeHash,
        /// Its actor, in hex.
        actor: String,
        /// Its sequence number.
        seq: u64,
        /// The sequence number its actor's next change must have.
        expected: u64,
    },
    /// The change carries an author but is not its actor's first change
    /// (automerge records an author only with an actor's first change).
    #[error("change {hash} carries an author but is change {seq} of its actor, not the first")]
    AuthorNotFirst {
        /// The refused change.
        hash: ChangeHash,
        /// Its sequence number.
        seq: u64,
    },
    /// The change's operations name an actor that has no change in the
    /// document (automerge cannot apply it).
    #[error("change {hash} refers to actor {actor}, which has made no change in this document")]
    UnknownActor {
        /// The refused change.
        hash: ChangeHash,
        /// The unknown actor, in hex.
        actor: String,
    },
    /// Accepting the changes would make the queue of changes waiting for
    /// missing dependencies longer than its bound.
    #[error(
        "too many changes would wait for missing dependencies: {changes} changes, {bytes} bytes (at most {max_changes} changes, {max_bytes} bytes)"
    )]
    QueueFull {
        /// Changes that would be waiting.
        changes: usize,
        /// Their bytes.
        bytes: usize,
        /// The bound on waiting changes.
        max_changes: usize,
        /// The bound on their bytes.
        max_bytes: usize,
    },
}

/// Which piece of stored data a load error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredPart {
    /// The compacted snapshot.
    Snapshot,
    /// The appended chunk at this position (from 0, in storage order).
    Chunk(usize),
}

impl fmt::Display for StoredPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Snapshot => f.write_str("snapshot"),
            Self::Chunk(i) => write!(f, "chunk {i}"),
        }
    }
}

/// Everything the engine refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// The bytes are not a valid sync message.
    #[error("invalid sync message: {0}")]
    InvalidMessage(String),
    /// A chunk of the message was refused (and with it the whole message).
    #[error("refused the message's changes: {0}")]
    Chunk(#[from] ChunkError),
    /// A piece of stored data does not load.
    #[error("stored {part} does not load: {source}")]
    Stored {
        /// Which piece.
        part: StoredPart,
        /// What is wrong with it.
        source: ChunkError,
    },
    /// A whole-document chunk in storage that automerge cannot load.
    #[error("stored {part} holds a document chunk that does not load: {reason}")]
    Materialise {
        /// Which piece.
        part: StoredPart,
        /// Automerge's error.
        reason: String,
    },
    /// The document's changes do not load into automerge.
    #[error("the document's changes do not load into automerge: {0}")]
    Automerge(String),
    /// A saved sync state does not decode.
    #[error("invalid saved sync state: {0}")]
    SyncState(String),
}

impl From<GraphError> for EngineError {
    fn from(e: GraphError) -> Self {
        match e {
            GraphError::InvalidMessage(reason) => EngineError::InvalidSyncMessage(reason),
            GraphError::Chunk(chunk) => EngineError::Apply(chunk.to_string()),
            GraphError::SyncState(reason) => EngineError::SyncState(reason),
            other => EngineError::Load(other.to_string()),
        }
    }
}

/// Lower-case hex of a few bytes, for messages.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
