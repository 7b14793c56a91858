//! Splitting concatenated chunks and checking change chunks.
//!
//! An automerge chunk is: 4 magic bytes, a 4-byte checksum (the first bytes
//! of the SHA-256 hash of what follows), a type byte (0 document, 1 change,
//! 2 deflated change, 3 bundle), the content's length (unsigned LEB128) and
//! the content. A sync message's changes and a stored piece are such chunks
//! back to back. `Change::from_bytes` parses a change but does not verify
//! its checksum; [`parse_change`] does.

use automerge::{ActorId, Change, ChangeHash};

use crate::error::{ChunkError, hex};

/// The magic bytes that open every automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// What a chunk holds, from its type byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChunkKind {
    /// A whole document (what `Automerge::save` writes).
    Document,
    /// One change.
    Change,
    /// One change, deflated.
    CompressedChange,
    /// Several changes in the document encoding (automerge's experimental bundles).
    Bundle,
}

/// One chunk of concatenated chunk bytes.
pub(crate) struct Chunk<'a> {
    /// Position among the chunks (from 0).
    pub(crate) index: usize,
    /// What it holds.
    pub(crate) kind: ChunkKind,
    /// Its bytes, header included.
    pub(crate) bytes: &'a [u8],
    /// Where its content starts in `bytes` (after the header).
    pub(crate) content_start: usize,
}

/// Iterates over the chunks of concatenated chunk bytes. Stops after the
/// first error.
pub(crate) struct Chunks<'a> {
    rest: &'a [u8],
    index: usize,
    failed: bool,
}

impl<'a> Chunks<'a> {
    /// The chunks of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self {
            rest: bytes,
            index: 0,
            failed: false,
        }
    }
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Result<Chunk<'a>, ChunkError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.failed {
            return None;
        }
        let index = self.index;
        self.index += 1;
        match split_chunk(self.rest) {
            Ok((kind, content_start, len)) => {
                let (bytes, rest) = self.rest.split_at(len);
                self.rest = rest;
                Some(Ok(Chunk {
                    index,
                    kind,
                    bytes,
                    content_start,
                }))
            }
            Err(reason) => {
                self.failed = true;
                Some(Err(ChunkError::Unparsable { index, reason }))
            }
        }
    }
}

/// The kind, content start and total length of the chunk at the start of `input`.
fn split_chunk(input: &[u8]) -> Result<(ChunkKind, usize, usize), String> {
    if input.len() < 9 {
        return Err(format!(
            "{} bytes are too few for a chunk header",
            input.len()
        ));
    }
    if input[..4] != MAGIC {
        return Err("it does not start with automerge's magic bytes".into());
    }
    let kind = match input[8] {
        0 => ChunkKind::Document,
        1 => ChunkKind::Change,
        2 => ChunkKind::CompressedChange,
        3 => ChunkKind::Bundle,
        other => return Err(format!("unknown chunk type {other}")),
    };
    let (len, len_size) =
        crate::wire::read_uleb(&input[9..]).ok_or("the chunk length is malformed")?;
    let end = usize::try_from(len)
        .ok()
        .and_then(|len| len.checked_add(9 + len_size))
        .filter(|end| *end <= input.len())
        .ok_or_else(|| {
            format!(
                "the header announces {len} bytes of content but only {} follow",
                input.len() - 9 - len_size
            )
        })?;
    Ok((kind, 9 + len_size, end))
}

/// What the graph keeps of a change: its identity, its place in the
/// history, and its bytes.
#[derive(Debug, Clone)]
pub(crate) struct ParsedChange {
    /// The change's hash.
    pub(crate) hash: ChangeHash,
    /// Its actor.
    pub(crate) actor: ActorId,
    /// Its sequence number among its actor's changes (from 1).
    pub(crate) seq: u64,
    /// The changes it depends on.
    pub(crate) deps: Vec<ChangeHash>,
    /// Other actors its operations refer to.
    pub(crate) other_actors: Vec<ActorId>,
    /// The uncompressed change chunk (what automerge sends and saves).
    pub(crate) bytes: Vec<u8>,
}

impl ParsedChange {
    /// What the graph keeps of a change automerge built or parsed. Refuses
    /// an author on anything but an actor's first change (automerge would
    /// panic applying it).
    pub(crate) fn from_change(change: &Change) -> Result<Self, ChunkError> {
        if change.author().is_some() && change.seq() != 1 {
            return Err(ChunkError::AuthorNotFirst {
                hash: change.hash(),
                seq: change.seq(),
            });
        }
        Ok(Self {
            hash: change.hash(),
            actor: change.actor_id().clone(),
            seq: change.seq(),
            deps: change.deps().to_vec(),
            other_actors: change.other_actor_ids().to_vec(),
            bytes: change.raw_bytes().to_vec(),
        })
    }
}

/// Parses one change chunk (plain or deflated) and verifies its checksum.
pub(crate) fn parse_change(index: usize, chunk: &[u8]) -> Result<ParsedChange, ChunkError> {
    let change = Change::try_from(chunk).map_err(|e| ChunkError::Unparsable {
        index,
        reason: e.to_string(),
    })?;
    let hash = change.hash();
    // The checksum of a deflated chunk is that of the inflated change, whose
    // hash `Change` reports: one comparison covers both kinds.
    if chunk[4..8] != hash.0[..4] {
        return Err(ChunkError::ChecksumMismatch {
            index,
            hash,
            stated: hex(&chunk[4..8]),
            actual: hex(&hash.0[..4]),
        });
    }
    ParsedChange::from_change(&change)
}

/// Parses the change chunks of a sync message: every chunk must be a change
/// chunk with a valid checksum, and deflated ones may inflate to at most
/// `max_inflated` bytes in all.
pub(crate) fn parse_message_changes<'a>(
    chunks: impl Iterator<Item = &'a [u8]>,
    max_inflated: u64,
) -> Result<Vec<ParsedChange>, ChunkError> {
    let mut parsed = Vec::new();
    let mut index = 0;
    let mut budget = max_inflated;
    for bytes in chunks {
        // Automerge joins the message's chunks before splitting them again;
        // a list element holding several whole chunks is accepted the same.
        for item in Chunks::new(bytes) {
            let chunk = item.map_err(|e| renumber(e, index))?;
            match chunk.kind {
                ChunkKind::Change => parsed.push(parse_change(index, chunk.bytes)?),
                ChunkKind::CompressedChange => {
                    // Automerge inflates without bound: measure first.
                    let content = &chunk.bytes[chunk.content_start..];
                    let inflated = inflated_len(content, budget)
                        .map_err(|reason| ChunkError::Unparsable { index, reason })?;
                    budget = budget.checked_sub(inflated).ok_or(ChunkError::TooLarge {
                        index,
                        max_bytes: max_inflated,
                    })?;
                    parsed.push(parse_change(index, chunk.bytes)?);
                }
                ChunkKind::Document => return Err(ChunkError::DocumentChunk { index }),
                ChunkKind::Bundle => {
                    return Err(ChunkError::UnexpectedChunk {
                        index,
                        kind: "bundle",
                    });
                }
            }
            index += 1;
        }
    }
    Ok(parsed)
}

/// How many bytes deflated `data` inflates to, counting at most `limit + 1`.
fn inflated_len(data: &[u8], limit: u64) -> Result<u64, String> {
    use std::io::Read;
    let mut inflating = flate2::read::DeflateDecoder::new(data).take(limit.saturating_add(1));
    std::io::copy(&mut inflating, &mut std::io::sink())
        .map_err(|e| format!("its deflated content does not inflate: {e}"))
}

/// An error from splitting one list element, numbered within the message.
fn renumber(e: ChunkError, index: usize) -> ChunkError {
    match e {
        ChunkError::Unparsable { reason, .. } => ChunkError::Unparsable { index, reason },
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{Automerge, ROOT, ReadDoc};

    /// A change with a long, very compressible value, and its deflated chunk.
    fn deflated_change() -> (Change, Vec<u8>) {
        let mut doc = Automerge::new();
        let mut tx = doc.transaction();
        tx.put(ROOT, "minutes", "a".repeat(100_000)).unwrap();
        let (hash, _) = tx.commit();
        let mut change = doc.get_change_by_hash(&hash.unwrap()).unwrap();
        let deflated = change.bytes().to_vec();
        assert_eq!(deflated[8], 2, "a deflated change chunk");
        assert!(deflated.len() < 10_000);
        (change, deflated)
    }

    #[test]
    fn deflated_changes_are_kept_inflated_within_the_budget() {
        let (change, deflated) = deflated_change();
        let parsed = parse_message_changes([&deflated[..]].into_iter(), 1_000_000).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].hash, change.hash());
        assert_eq!(parsed[0].bytes, change.raw_bytes());
        // Two of them do not fit in a budget for one.
        let error =
            parse_message_changes([&deflated[..], &deflated[..]].into_iter(), 150_000).unwrap_err();
        assert_eq!(
            error,
            ChunkError::TooLarge {
                index: 1,
                max_bytes: 150_000
            }
        );
        let error = parse_message_changes([&deflated[..]].into_iter(), 10_000).unwrap_err();
        assert!(matches!(error, ChunkError::TooLarge { index: 0, .. }));
    }

    #[test]
    fn truncated_and_foreign_bytes_are_unparsable() {
        for bytes in [&[1u8, 2, 3][..], &[0u8; 20][..]] {
            let mut chunks = Chunks::new(bytes);
            assert!(matches!(
                chunks.next(),
                Some(Err(ChunkError::Unparsable { index: 0, .. }))
            ));
            assert!(chunks.next().is_none());
        }
        // A header announcing more content than there is.
        let bytes = [0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1, 0x10, 1, 2];
        assert!(matches!(
            Chunks::new(&bytes).next(),
            Some(Err(ChunkError::Unparsable { .. }))
        ));
    }
}
