//! A sync engine on the automerge change graph.
//!
//! [`GraphEngine`] answers automerge's sync protocol (version 0.12, the one
//! Mitra pins) for a document it never materialises: it keeps each change's
//! raw bytes and its place in the change graph (hash, dependencies,
//! children, actor, sequence number), and builds the same sync messages,
//! byte for byte, that automerge's own `generate_sync_message` would, but
//! for deliberate differences (see [`engine`]): it never sends the trailing
//! flags section, it does not answer a peer naming unknown changes with
//! resets for ever, and a fresh peer taking V2 messages gets the stored
//! snapshot the document was loaded from plus the changes it does not hold
//! (one chunk) where automerge would send `save()` of the current document. Generating and receiving cost work proportional to what
//! differs between the server and a peer, not to the document's history or
//! size. It implements [`mitra_protocol::DocumentEngine`], so the server's
//! hot path can use it in place of [`mitra_protocol::AutomergeEngine`].
//!
//! - [`engine`]: [`GraphEngine`], the protocol (generate, receive), loading
//!   from storage and handing out what is to be made durable.
//! - [`error`]: why a chunk, a message or stored data is refused
//!   ([`ChunkError`], [`GraphError`]).
//! - `graph` (private): the change graph, its hash index, heads, the queue of
//!   changes waiting for their dependencies, and the graph walks.
//! - `chunk` (private): splitting and checking change chunks.
//! - `bloom`, `wire` (private): the bloom filter and the sync message
//!   encoding, written directly from the stored bytes.
//!
//! What only a materialised document can do (compressed snapshots, checking
//! that operations make sense, export) stays with automerge, off the hot
//! path: [`GraphEngine::materialise`].

mod bloom;
mod chunk;
pub mod engine;
pub mod error;
mod graph;
mod wire;

pub use engine::{GraphEngine, MAX_INFLATED_BYTES, MAX_QUEUED_BYTES, MAX_QUEUED_CHANGES};
pub use error::{ChunkError, GraphError, StoredPart};
