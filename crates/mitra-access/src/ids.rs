//! Identifiers, roles and actors.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::AccessError;
use crate::secret::random_bytes;

/// Random bytes in every generated id (128 bits: unguessable and unique).
const ID_BYTES: usize = 16;

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
            /// URL or a command line): base58 of 16 bytes.
            pub fn parse(text: &str) -> Result<$name, AccessError> {
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
