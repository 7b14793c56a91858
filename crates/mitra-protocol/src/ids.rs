//! Identifiers that travel on the wire: documents, peers and storage ids.

use std::fmt;
use std::str::FromStr;

/// The URL scheme automerge-repo uses for document links.
pub const URL_PREFIX: &str = "automerge:";

/// An automerge-repo document id: 16 bytes (a UUID), written as bs58check.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId([u8; 16]);

/// Why a string is not a document id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentIdError {
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

    /// Parses either a bare id or an `automerge:` URL (a `#heads` suffix is ignored).
    pub fn parse_url_or_id(input: &str) -> Result<Self, DocumentIdError> {
        let bare = input.strip_prefix(URL_PREFIX).unwrap_or(input);
        let bare = bare.split('#').next().unwrap_or(bare);
        bare.parse()
    }
}

impl FromStr for DocumentId {
    type Err = DocumentIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
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
}
