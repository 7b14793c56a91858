//! The sync message encoding, written straight from the stored bytes.
//!
//! The layout of automerge 0.12's `Message::encode` for a message without
//! the flags section: type byte `0x42` (V1) or `0x43` (V2), then heads and need (count +
//! 32-byte hashes), the `have` list (count, then each `last_sync` as count +
//! hashes and its bloom filter as length-prefixed bytes), and the changes
//! (count, then each length-prefixed chunk). Change bytes are copied once,
//! from the graph's arena into the message.

use automerge::ChangeHash;

/// First byte of a V1 sync message.
const MESSAGE_TYPE_SYNC: u8 = 0x42;

/// One `have` entry: the heads of the last sync and an encoded bloom filter.
pub(crate) struct HaveBytes<'a> {
    /// `last_sync`.
    pub(crate) last_sync: &'a [ChangeHash],
    /// The filter as `BloomFilter::to_bytes` writes it.
    pub(crate) bloom: &'a [u8],
}

/// First byte of a V2 sync message (one whose changes may hold a whole
/// document chunk).
const MESSAGE_TYPE_SYNC_V2: u8 = 0x43;

/// Encodes a V1 sync message without flags.
pub(crate) fn encode_message(
    heads: &[ChangeHash],
    need: &[ChangeHash],
    have: &[HaveBytes<'_>],
    changes: &[&[u8]],
) -> Vec<u8> {
    let chunks: Vec<&[&[u8]]> = changes.iter().map(std::slice::from_ref).collect();
    encode(MESSAGE_TYPE_SYNC, heads, need, have, &chunks)
}

/// Encodes a V2 sync message without flags whose only chunk is `parts`
/// concatenated (a saved document followed by the change chunks it does not
/// hold: automerge's "send the whole document" message, which a peer loads
/// with `load_incremental`).
pub(crate) fn encode_document_message(
    heads: &[ChangeHash],
    need: &[ChangeHash],
    have: &[HaveBytes<'_>],
    parts: &[&[u8]],
) -> Vec<u8> {
    encode(MESSAGE_TYPE_SYNC_V2, heads, need, have, &[parts])
}

/// Encodes a sync message without flags; each chunk is the concatenation of
/// its parts.
fn encode(
    message_type: u8,
    heads: &[ChangeHash],
    need: &[ChangeHash],
    have: &[HaveBytes<'_>],
    chunks: &[&[&[u8]]],
) -> Vec<u8> {
    let chunk_len = |parts: &[&[u8]]| parts.iter().map(|p| p.len()).sum::<usize>();
    let size = 1
        + 10
        + 32 * heads.len()
        + 10
        + 32 * need.len()
        + 10
        + have
            .iter()
            .map(|h| 20 + 32 * h.last_sync.len() + h.bloom.len())
            .sum::<usize>()
        + 10
        + chunks.iter().map(|c| 10 + chunk_len(c)).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.push(message_type);
    write_hashes(&mut out, heads);
    write_hashes(&mut out, need);
    write_uleb(&mut out, have.len() as u64);
    for h in have {
        write_hashes(&mut out, h.last_sync);
        write_uleb(&mut out, h.bloom.len() as u64);
        out.extend_from_slice(h.bloom);
    }
    write_uleb(&mut out, chunks.len() as u64);
    for parts in chunks {
        write_uleb(&mut out, chunk_len(parts) as u64);
        for part in *parts {
            out.extend_from_slice(part);
        }
    }
    out
}

fn write_hashes(out: &mut Vec<u8>, hashes: &[ChangeHash]) {
    write_uleb(out, hashes.len() as u64);
    for hash in hashes {
        out.extend_from_slice(&hash.0);
    }
}

/// Appends an unsigned LEB128 number.
pub(crate) fn write_uleb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads an unsigned LEB128 number: its value and how many bytes it took.
pub(crate) fn read_uleb(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        let low = u64::from(byte & 0x7f);
        let shift = 7 * i as u32;
        if shift == 63 && low > 1 {
            return None;
        }
        value |= low << shift;
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use automerge::sync::{BloomFilter, ChunkList, Have, Message, MessageVersion};

    #[test]
    fn messages_are_automerges_byte_for_byte() {
        let h = |b: u8| ChangeHash([b; 32]);
        let hashes = [h(1), h(2)];
        let mut bloom = Vec::new();
        crate::bloom::write_filter(&mut bloom, hashes.iter().copied());
        let changes: Vec<Vec<u8>> = vec![vec![9; 3], vec![8; 200]];
        let ours = encode_message(
            &[h(1), h(3)],
            &[h(4)],
            &[HaveBytes {
                last_sync: &hashes,
                bloom: &bloom,
            }],
            &changes.iter().map(Vec::as_slice).collect::<Vec<_>>(),
        );
        let theirs = Message {
            heads: vec![h(1), h(3)],
            need: vec![h(4)],
            have: vec![Have {
                last_sync: hashes.to_vec(),
                bloom: BloomFilter::from_hashes(hashes.iter()),
            }],
            changes: ChunkList::from(changes),
            flags: None,
            version: MessageVersion::V1,
        }
        .encode();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn uleb_round_trips() {
        for value in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            write_uleb(&mut out, value);
            assert_eq!(read_uleb(&out), Some((value, out.len())));
        }
        assert_eq!(read_uleb(&[0x80]), None);
    }
}
