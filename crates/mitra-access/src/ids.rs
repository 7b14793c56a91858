//! Identifiers, roles and actors.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::AccessError;
use crate::secret::random_bytes;

/// Random bytes in every generated id (128 bits: unguessable and unique).
const ID_BYTES: usize = 16;

/// The longest text an id can have: the base58 form of an id's 16 bytes,
/// `ceil(16 * log(256) / log(58))` = 22 characters. Longer text is refused
/// before decoding, since base58 decoding costs time quadratic in the length
/// of its input and ids arrive in URLs and request bodies.
pub const MAX_ID_CHARS: usize = base58_len(ID_BYTES);

/// The longest base58 text of `bytes` bytes:
/// `ceil(bytes * log(256) / log(58))` (leading zero bytes, written as one
/// `1` each, make the text no longer than this). The ratio is rounded up in
/// its tenth decimal, which can only make the bound larger.
const fn base58_len(bytes: usize) -> usize {
    /// `log(256) / log(58)` = 1.365658237309..., times 10^9, rounded up.
    const RATIO_E9: usize = 1_365_658_238;
    const SCALE: usize = 1_000_000_000;
    (bytes * RATIO_E9).div_ceil(SCALE)
}

macro_rules! random_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        ///
        /// Generated from 16 random bytes of the OS random number generator,
        /// written in base58 (URL-safe, about 22 characters). Ids are not
        /// secrets: knowing one grants nothing.
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// A new random id.
            pub(crate) fn generate() -> Result<$name, AccessError> {
                Ok($name(bs58::encode(random_bytes::<ID_BYTES>()?).into_string()))
            }

            /// An id as the database holds it (written by this crate).
            pub(crate) fn from_db(text: String) -> $name {
                $name(text)
            }

            /// Parses an id from its text form (as printed, or taken from a
            /// URL or a command line): base58 of 16 bytes. Text longer than
            /// [`MAX_ID_CHARS`] is refused before it is decoded.
            pub fn parse(text: &str) -> Result<$name, AccessError> {
                if text.len() > MAX_ID_CHARS {
                    return Err(AccessError::InvalidInput(format!(
                        concat!(
                            "not a valid ", $what,
                            " id: {} bytes long, an id has at most {} characters"
                        ),
                        text.len(),
                        MAX_ID_CHARS
                    )));
                }
                match bs58::decode(text).into_vec() {
                    Ok(bytes) if bytes.len() == ID_BYTES => Ok($name(text.to_owned())),
                    _ => Err(AccessError::InvalidInput(format!(
                        concat!("not a valid ", $what, " id: {:?}"),
                        text.chars().take(64).collect::<String>()
                    ))),
                }
            }

            /// The text form.
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
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        impl FromStr for $name {
            type Err = AccessError;
            fn from_str(text: &str) -> Result<$name, AccessError> {
                $name::parse(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = AccessError;
            fn try_from(text: String) -> Result<$name, AccessError> {
                $name::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

random_id!(
    /// Identifies a user.
    UserId,
    "user"
);
random_id!(
    /// Identifies a partnership.
    PartnershipId,
    "partnership"
);
random_id!(
    /// Identifies an API token (not the token's secret).
    TokenId,
    "token"
);
random_id!(
    /// Identifies an invitation (not the invitation link's secret).
    InvitationId,
    "invitation"
);
random_id!(
    /// Identifies a sign-in session (not the session cookie's secret).
    SessionId,
    "session"
);

/// The position of an event in the audit log; grows with every event.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct AuditId(pub i64);

impl fmt::Display for AuditId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a member may do in a partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages members, invitations, tokens and settings; edits.
    Owner,
    /// Edits the partnership's documents.
    Editor,
    /// Reads the partnership's documents; never changes them.
    Viewer,
}

impl Role {
    /// May this role change documents?
    pub fn can_write(self) -> bool {
        matches!(self, Role::Owner | Role::Editor)
    }

    /// May this role manage members, invitations and tokens?
    pub fn can_manage(self) -> bool {
        matches!(self, Role::Owner)
    }

    /// The lowercase name (`owner`, `editor`, `viewer`), as stored and
    /// accepted on command lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AccessError;
    fn from_str(text: &str) -> Result<Role, AccessError> {
        match text.to_ascii_lowercase().as_str() {
            "owner" => Ok(Role::Owner),
            "editor" => Ok(Role::Editor),
            "viewer" => Ok(Role::Viewer),
            _ => Err(AccessError::InvalidInput(format!(
                "unknown role {:?} (owner, editor or viewer)",
                text.chars().take(32).collect::<String>()
            ))),
        }
    }
}

/// Who did something: a signed-in user, an API token, or the system (the
/// command line run by the operator, the server itself).
///
/// Its text form, used in the audit log and its exports, is `user:<id>`,
/// `token:<id>` or `system`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Actor {
    /// A user, signed in with a session (or another identity provider).
    User(UserId),
    /// An API token.
    Token(TokenId),
    /// The operator at the command line, or the server on its own.
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(id) => write!(f, "user:{id}"),
            Actor::Token(id) => write!(f, "token:{id}"),
            Actor::System => f.write_str("system"),
        }
    }
}

impl FromStr for Actor {
    type Err = AccessError;
    fn from_str(text: &str) -> Result<Actor, AccessError> {
        if text == "system" {
            Ok(Actor::System)
        } else if let Some(id) = text.strip_prefix("user:") {
            Ok(Actor::User(UserId::parse(id)?))
        } else if let Some(id) = text.strip_prefix("token:") {
            Ok(Actor::Token(TokenId::parse(id)?))
        } else {
            Err(AccessError::InvalidInput(format!(
                "not an actor: {:?}",
                text.chars().take(64).collect::<String>()
            )))
        }
    }
}

impl TryFrom<String> for Actor {
    type Error = AccessError;
    fn try_from(text: String) -> Result<Actor, AccessError> {
        text.parse()
    }
}

impl From<Actor> for String {
    fn from(actor: Actor) -> String {
        actor.to_string()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn the_length_bound_is_the_longest_base58_text_of_an_id() {
        // The longest text of n bytes is that of n bytes of 0xff.
        for n in 1..=64 {
            let longest = bs58::encode(vec![0xffu8; n]).into_string().len();
            assert_eq!(base58_len(n), longest.max(n), "{n} bytes");
        }
        assert_eq!(MAX_ID_CHARS, 22);
        for bytes in [[0u8; ID_BYTES], [0xff; ID_BYTES], [1; ID_BYTES]] {
            let text = bs58::encode(bytes).into_string();
            assert!(text.len() <= MAX_ID_CHARS, "{text}");
            assert_eq!(UserId::parse(&text).unwrap().as_str(), text);
        }
        let generated = PartnershipId::generate().unwrap();
        assert_eq!(PartnershipId::parse(generated.as_str()).unwrap(), generated);
    }

    #[test]
    fn an_overlong_id_is_refused_without_decoding() {
        let huge = "z".repeat(1 << 20);
        let started = Instant::now();
        let error = PartnershipId::parse(&huge).unwrap_err();
        assert!(UserId::parse(&huge).is_err());
        assert!(format!("user:{huge}").parse::<Actor>().is_err());
        assert!(serde_json::from_value::<TokenId>(serde_json::Value::String(huge)).is_err());
        // Decoding 1 MiB of base58 would take minutes; refusing is instant.
        assert!(started.elapsed() < Duration::from_millis(50));
        assert_eq!(
            error,
            AccessError::InvalidInput(
                "not a valid partnership id: 1048576 bytes long, an id has at most 22 characters"
                    .into()
            )
        );
        assert!(InvitationId::parse(&"z".repeat(MAX_ID_CHARS + 1)).is_err());
    }
}
