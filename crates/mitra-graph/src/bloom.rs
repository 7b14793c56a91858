//! Automerge's bloom filter, written straight into bytes.
//!
//! The same filter as automerge 0.12's `BloomFilter::from_hashes` (10 bits
//! per entry, 7 probes; probes derived from the first 12 bytes of each
//! hash), encoded as `BloomFilter::to_bytes` does, without a per-hash
//! allocation. Checking a peer's filter uses automerge's own
//! `BloomFilter::contains_hash`, after [`check_filter`] made sure it cannot
//! make that function divide by zero or allocate without bound.

use automerge::ChangeHash;
use automerge::sync::BloomFilter;

/// Bits per entry (automerge's value; a 1% false-positive rate).
const BITS_PER_ENTRY: u64 = 10;
/// Probes per entry (automerge's value).
const NUM_PROBES: u32 = 7;
/// The most probes a peer's filter may ask for (automerge sends 7).
const MAX_PROBES: u64 = 64;

/// Appends the encoded filter of `hashes` to `out` (nothing for no hashes).
pub(crate) fn write_filter(out: &mut Vec<u8>, hashes: impl ExactSizeIterator<Item = ChangeHash>) {
    let entries = hashes.len() as u64;
    if entries == 0 {
        return;
    }
    crate::wire::write_uleb(out, entries);
    crate::wire::write_uleb(out, BITS_PER_ENTRY);
    crate::wire::write_uleb(out, u64::from(NUM_PROBES));
    let start = out.len();
    let len = (entries * BITS_PER_ENTRY).div_ceil(8) as usize;
    out.resize(start + len, 0);
    let bits = &mut out[start..];
    let modulo = 8 * len as u64;
    for hash in hashes {
        let word = |i: usize| {
            u64::from(u32::from_le_bytes([
                hash.0[i],
                hash.0[i + 1],
                hash.0[i + 2],
                hash.0[i + 3],
            ])) % modulo
        };
        let (mut x, mut y, z) = (word(0), word(4), word(8));
        set_bit(bits, x);
        for _ in 1..NUM_PROBES {
            x = (x + y) % modulo;
            y = (y + z) % modulo;
            set_bit(bits, x);
        }
    }
}

fn set_bit(bits: &mut [u8], probe: u64) {
    if let Some(byte) = bits.get_mut((probe >> 3) as usize) {
        *byte |= 1 << (probe & 7);
    }
}

/// Checks that a peer's filter is safe to query with automerge's
/// `contains_hash`: a filter with entries but no bits would divide by zero,
/// and an absurd number of probes would allocate without bound.
pub(crate) fn check_filter(filter: &BloomFilter) -> Result<(), String> {
    let bytes = filter.to_bytes();
    if bytes.is_empty() {
        return Ok(());
    }
    let mut rest = &bytes[..];
    let mut next = || {
        let (value, size) = crate::wire::read_uleb(rest)?;
        rest = &rest[size..];
        Some(value)
    };
    let (Some(entries), Some(_bits_per_entry), Some(probes)) = (next(), next(), next()) else {
        return Err("a bloom filter's header is malformed".into());
    };
    if entries > 0 && rest.is_empty() {
        return Err(format!(
            "a bloom filter claims {entries} entries but has no bits"
        ));
    }
    if probes > MAX_PROBES {
        return Err(format!(
            "a bloom filter asks for {probes} probes per entry (at most {MAX_PROBES})"
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn hash(i: u32) -> ChangeHash {
        let mut bytes = [0u8; 32];
        for (j, b) in bytes.iter_mut().enumerate() {
            *b = (i.wrapping_mul(2_654_435_761).rotate_left(j as u32) >> 3) as u8 ^ j as u8;
        }
        ChangeHash(bytes)
    }

    #[test]
    fn filters_are_automerges_byte_for_byte() {
        for n in [0u32, 1, 2, 3, 7, 8, 100, 1000] {
            let hashes: Vec<ChangeHash> = (0..n).map(hash).collect();
            let mut ours = Vec::new();
            write_filter(&mut ours, hashes.iter().copied());
            let theirs = BloomFilter::from_hashes(hashes.iter());
            assert_eq!(ours, theirs.to_bytes(), "{n} hashes");
            let decoded = BloomFilter::try_from(&ours[..]).unwrap();
            check_filter(&decoded).unwrap();
            assert!(hashes.iter().all(|h| decoded.contains_hash(h)));
        }
    }

    #[test]
    fn dangerous_filters_are_refused() {
        // Entries but zero bits per entry: no bits at all.
        let no_bits = BloomFilter::try_from(&[5u8, 0, 7][..]).unwrap();
        assert!(check_filter(&no_bits).is_err());
        // A billion probes.
        let mut bytes = vec![1u8, 10];
        crate::wire::write_uleb(&mut bytes, 1_000_000_000);
        bytes.extend([0u8, 0]);
        let probes = BloomFilter::try_from(&bytes[..]).unwrap();
        assert!(check_filter(&probes).is_err());
    }
}
