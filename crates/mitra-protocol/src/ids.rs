//! Identifiers that travel on the wire: documents, peers and storage ids.

use std::fmt;
use std::str::FromStr;

/// The URL scheme automerge-repo uses for document links.
pub const URL_PREFIX: &str = "automerge:";

/// Bytes a document id's text encodes: the 16 id bytes and bs58check's
/// 4-byte checksum.
const CHECKED_ID_BYTES: usize = 16 + 4;

/// The longest text a valid document id can have (28 characters): the
/// base58 form of 20 bytes (see [`base58_len`]). Longer text is refused
/// before it is decoded, since base58 decoding costs time quadratic in the
/// length of its input.
pub const MAX_DOCUMENT_ID_CHARS: usize = base58_len(CHECKED_ID_BYTES);

/// The longest base58 text of `bytes` bytes:
/// `ceil(bytes * log(256) / log(58))` (leading zero bytes, written as one
/// `1` each, make the text no longer than this).
///
/// The ratio is rounded up in its tenth decimal, which can only make the
/// bound larger, and only for inputs of millions of bytes.
pub const fn base58_len(bytes: usize) -> usize {
    /// `log(256) / log(58)` = 1.365658237309..., times 10^9, rounded up.
    const RATIO_E9: usize = 1_365_658_238;
    const SCALE: usize = 1_000_000_000;
    (bytes * RATIO_E9).div_ceil(SCALE)
}

/// An automerge-repo document id: 16 bytes (a UUID), written as bs58check.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId([u8; 16]);

/// Why a string is not a document id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentIdError {
    /// Longer than any valid id; refused without decoding it.
    #[error(
        "document id is {0} bytes long; a valid one has at most {max} characters",
        max = MAX_DOCUMENT_ID_CHARS
    )]
    TooLong(usize),
    /// Not valid bs58check (bad alphabet or checksum).
    #[error("document id is not valid bs58check: {0}")]
    Encoding(String),
    /// Decoded, but not 16 bytes long.
    #[error("document id must be 16 bytes, got {0}")]
    Length(usize),
}

impl DocumentId {
    /// A document id from its 16 raw bytes (the caller supplies randomness).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The 16 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The `automerge:<id>` URL form.
    pub fn url(&self) -> String {
        format!("{URL_PREFIX}{self}")
    }

    /// Parses either a bare id or an `automerge:` URL (a `#heads` suffix is
    /// ignored). What is left after the prefix and before any `#` is held to
    /// [`MAX_DOCUMENT_ID_CHARS`], as in [`DocumentId::from_str`].
    pub fn parse_url_or_id(input: &str) -> Result<Self, DocumentIdError> {
        let bare = input.strip_prefix(URL_PREFIX).unwrap_or(input);
        let bare = bare.split('#').next().unwrap_or(bare);
        bare.parse()
    }
}

impl FromStr for DocumentId {
    type Err = DocumentIdError;

    /// Parses the bs58check text of an id. Text longer than
    /// [`MAX_DOCUMENT_ID_CHARS`] is refused as [`DocumentIdError::TooLong`]
    /// before decoding (base58 decoding is quadratic in its input, and this
    /// runs on every message a peer sends).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() > MAX_DOCUMENT_ID_CHARS {
            return Err(DocumentIdError::TooLong(s.len()));
        }
        let bytes = bs58::decode(s)
            .with_check(None)
            .into_vec()
            .map_err(|e| DocumentIdError::Encoding(e.to_string()))?;
        let array: [u8; 16] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| DocumentIdError::Length(bytes.len()))?;
        Ok(Self(array))
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(&self.0).with_check().into_string())
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({self})")
    }
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Wraps a string received or chosen as this id.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
}

string_id!(
    /// A peer's self-chosen id (`senderId` / `targetId` on the wire).
    PeerId
);
string_id!(
    /// A peer's storage id: stable across restarts of a peer that persists data.
    StorageId
);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn document_id_round_trips_through_text_and_url() {
        let id = DocumentId::from_bytes([7; 16]);
        let text = id.to_string();
        assert_eq!(text.parse::<DocumentId>().unwrap(), id);
        assert_eq!(DocumentId::parse_url_or_id(&id.url()).unwrap(), id);
        assert_eq!(
            DocumentId::parse_url_or_id(&format!("{}#abc|def", id.url())).unwrap(),
            id
        );
    }

    #[test]
    fn invalid_document_ids_are_errors() {
        assert!(matches!(
            "not-base58!!".parse::<DocumentId>(),
            Err(DocumentIdError::Encoding(_))
        ));
        let short = bs58::encode([1u8; 4]).with_check().into_string();
        assert_eq!(short.parse::<DocumentId>(), Err(DocumentIdError::Length(4)));
        // A valid id with its checksum broken.
        let mut text = DocumentId::from_bytes([9; 16]).to_string();
        let last = text.pop().unwrap();
        text.push(if last == '1' { '2' } else { '1' });
        assert!(text.parse::<DocumentId>().is_err());
    }

    #[test]
    fn the_length_bound_is_the_longest_base58_text() {
        // The longest text of n bytes is that of n bytes of 0xff (leading
        // zero bytes give one `1` each, never more).
        for n in 1..=64 {
            let longest = bs58::encode(vec![0xffu8; n]).into_string().len();
            assert_eq!(base58_len(n), longest.max(n), "{n} bytes");
        }
        assert_eq!(base58_len(16), 22);
        assert_eq!(MAX_DOCUMENT_ID_CHARS, 28);
        // Ids at the extremes parse, and are within the bound.
        for bytes in [[0u8; 16], [0xff; 16], [1; 16]] {
            let id = DocumentId::from_bytes(bytes);
            let text = id.to_string();
            assert!(text.len() <= MAX_DOCUMENT_ID_CHARS, "{text}");
            assert_eq!(text.parse::<DocumentId>().unwrap(), id);
        }
    }

    #[test]
    fn an_overlong_document_id_is_refused_without_decoding() {
        let huge = "z".repeat(1 << 20);
        let started = Instant::now();
        assert_eq!(
            huge.parse::<DocumentId>(),
            Err(DocumentIdError::TooLong(1 << 20))
        );
        assert_eq!(
            DocumentId::parse_url_or_id(&format!("{URL_PREFIX}{huge}#heads")),
            Err(DocumentIdError::TooLong(1 << 20))
        );
        // Decoding 1 MiB of base58 would take minutes; refusing is instant.
        assert!(started.elapsed() < Duration::from_millis(50));
        // One character over the bound is refused as well.
        let over = "z".repeat(MAX_DOCUMENT_ID_CHARS + 1);
        assert_eq!(
            over.parse::<DocumentId>(),
            Err(DocumentIdError::TooLong(MAX_DOCUMENT_ID_CHARS + 1))
        );
        // The message says what is wrong, without echoing the input.
        let message = DocumentIdError::TooLong(1 << 20).to_string();
        assert!(message.contains("at most 28 characters"), "{message}");
    }

    #[test]
    fn a_message_with_an_overlong_document_id_is_refused_fast() {
        use crate::wire::{DecodeError, Message};

        // A sync message as a hostile peer would send it: 1 MiB of `z` as
        // its documentId.
        let huge = "z".repeat(1 << 20);
        let mut bytes = Vec::new();
        let mut e = minicbor::Encoder::new(&mut bytes);
        e.map(5)
            .and_then(|e| e.str("type")?.str("sync"))
            .and_then(|e| e.str("senderId")?.str("a"))
            .and_then(|e| e.str("targetId")?.str("b"))
            .and_then(|e| e.str("documentId")?.str(&huge))
            .and_then(|e| e.str("data")?.bytes(&[]))
            .unwrap();
        let started = Instant::now();
        assert!(matches!(
            Message::decode(&bytes),
            Err(DecodeError::DocumentId(DocumentIdError::TooLong(_)))
        ));
        assert!(started.elapsed() < Duration::from_millis(50));
    }
}
