//! One peer's connection: the `join`/`peer` handshake and the checks every
//! later message must pass before it is routed.

use crate::DocumentId;
use crate::ids::{PeerId, StorageId};
use crate::wire::{
    DecodeError, DocumentMessage, EphemeralMessage, Message, PROTOCOL_VERSION, PeerMetadata,
};

/// Who the server is on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerIdentity {
    /// The server's peer id.
    pub peer_id: PeerId,
    /// The server's stable storage id, advertised in `peer`.
    pub storage_id: StorageId,
}

/// The state of one connection.
#[derive(Debug, Clone)]
pub struct Session {
    identity: ServerIdentity,
    joined: Option<Joined>,
}

/// What the server knows about a peer once it has joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The peer's id, fixed for the life of the connection.
    pub peer_id: PeerId,
    /// What the peer said about itself.
    pub metadata: PeerMetadata,
}

/// A message from a joined peer that passed every check, ready to route.
#[derive(Debug, Clone, PartialEq)]
pub enum Routed {
    /// `sync` (or `request` when `request` is true) for one document.
    Sync {
        /// The message.
        message: DocumentMessage,
        /// True for `request`: the peer does not have the document.
        request: bool,
    },
    /// Presence or other application data to relay.
    Ephemeral(EphemeralMessage),
    /// The peer changes which storage ids it follows.
    SubscriptionChange {
        /// Storage ids to start following.
        add: Vec<StorageId>,
        /// Storage ids to stop following.
        remove: Vec<StorageId>,
    },
    /// The peer says it has no copy of a document (the server never asks, so only logged).
    DocUnavailable {
        /// The document.
        document_id: DocumentId,
    },
}

/// What the caller must do with one incoming frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The handshake succeeded: send `reply` and register the peer.
    Joined {
        /// The peer.
        peer: Joined,
        /// The `peer` message to send back.
        reply: Message,
    },
    /// Route this message.
    Route(Routed),
    /// Nothing to do (a message the server does not act on); logged with `reason`.
    Ignore {
        /// Why it is ignored.
        reason: String,
    },
    /// An ephemeral message the peer passed back to us with another
    /// author's `senderId` (normal automerge-repo behaviour): dropped quietly.
    Echo {
        /// The author named in the echoed message.
        original_sender: PeerId,
    },
    /// Send `error` (if any), then close the connection.
    Close {
        /// The `error` message to send first.
        error: Option<Message>,
        /// Why, for the log and the close frame.
        reason: String,
    },
}

impl Session {
    /// A new connection that has not joined yet.
    pub fn new(identity: ServerIdentity) -> Self {
        Self {
            identity,
            joined: None,
        }
    }

    /// The joined peer, once the handshake is done.
    pub fn peer(&self) -> Option<&Joined> {
        self.joined.as_ref()
    }

    fn close_with_error(&self, reason: String) -> Step {
        Step::Close {
            error: Some(Message::Error {
                sender_id: self.identity.peer_id.clone(),
                message: reason.clone(),
                target_id: self.joined.as_ref().map(|j| j.peer_id.clone()),
            }),
            reason,
        }
    }

    /// Handles one incoming binary frame.
    pub fn receive(&mut self, frame: &[u8]) -> Step {
        match Message::decode(frame) {
            Ok(message) => self.receive_message(message),
            Err(DecodeError::UnknownType(t)) if self.joined.is_some() => Step::Ignore {
                reason: format!("unknown message type {t:?}"),
            },
            Err(e) => self.close_with_error(format!("malformed message: {e}")),
        }
    }

    /// Handles one decoded message.
    pub fn receive_message(&mut self, message: Message) -> Step {
        let Some(joined) = &self.joined else {
            return self.handshake(message);
        };
        if message.sender_id() != &joined.peer_id {
            if let Message::Ephemeral(m) = &message {
                // automerge-repo clients pass relayed ephemeral messages on
                // to their other peers, us included, with the original
                // author's senderId: an echo, not an attack. Drop it, as the
                // JavaScript server does.
                return Step::Echo {
                    original_sender: m.sender_id.clone(),
                };
            }
            return self.close_with_error(format!(
                "senderId {:?} does not match this connection's peer {:?}",
                message.sender_id().as_str(),
                joined.peer_id.as_str()
            ));
        }
        match message {
            Message::Sync(message) => Step::Route(Routed::Sync {
                message,
                request: false,
            }),
            Message::Request(message) => Step::Route(Routed::Sync {
                message,
                request: true,
            }),
            Message::Ephemeral(m) => Step::Route(Routed::Ephemeral(m)),
            Message::RemoteSubscriptionChange { add, remove, .. } => {
                Step::Route(Routed::SubscriptionChange { add, remove })
            }
            Message::DocUnavailable { document_id, .. } => {
                Step::Route(Routed::DocUnavailable { document_id })
            }
            Message::Leave { .. } => Step::Close {
                error: None,
                reason: "peer left".into(),
            },
            Message::Error { message, .. } => Step::Close {
                error: None,
                reason: format!("peer reported an error: {message}"),
            },
            Message::Join { .. } => Step::Ignore {
                reason: "repeated join".into(),
            },
            Message::Peer { .. } | Message::RemoteHeadsChanged { .. } => Step::Ignore {
                reason: format!("{} is not expected from a client", message.type_name()),
            },
        }
    }

    fn handshake(&mut self, message: Message) -> Step {
        let Message::Join {
            sender_id,
            peer_metadata,
            supported_protocol_versions,
        } = message
        else {
            return self.close_with_error(format!(
                "expected a join message first, got {}",
                message.type_name()
            ));
        };
        // A missing list means version 1, as the JavaScript server assumes.
        let speaks_ours = supported_protocol_versions
            .as_ref()
            .is_none_or(|v| v.iter().any(|v| v == PROTOCOL_VERSION));
        if !speaks_ours {
            let offered = supported_protocol_versions.unwrap_or_default().join(", ");
            return Step::Close {
                error: Some(Message::Error {
                    sender_id: self.identity.peer_id.clone(),
                    message: format!(
                        "unsupported protocol version(s) [{offered}]: this server speaks version {PROTOCOL_VERSION}"
                    ),
                    target_id: Some(sender_id),
                }),
                reason: format!("unsupported protocol version(s) [{offered}]"),
            };
        }
        if sender_id.as_str().is_empty() {
            return self.close_with_error("join without a senderId".into());
        }
        let reply = Message::Peer {
            sender_id: self.identity.peer_id.clone(),
            peer_metadata: PeerMetadata {
                storage_id: Some(self.identity.storage_id.clone()),
                is_ephemeral: false,
            },
            selected_protocol_version: PROTOCOL_VERSION.into(),
            target_id: sender_id.clone(),
        };
        let peer = Joined {
            peer_id: sender_id,
            metadata: peer_metadata,
        };
        self.joined = Some(peer.clone());
        Step::Joined { peer, reply }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(ServerIdentity {
            peer_id: PeerId::new("server"),
            storage_id: StorageId::new("store"),
        })
    }

    fn join(versions: Option<Vec<&str>>) -> Vec<u8> {
        Message::Join {
            sender_id: PeerId::new("alice"),
            peer_metadata: PeerMetadata::default(),
            supported_protocol_versions: versions
                .map(|v| v.into_iter().map(String::from).collect()),
        }
        .encode()
    }

    #[test]
    fn join_is_answered_with_peer_and_storage_id() {
        let mut s = session();
        match s.receive(&join(Some(vec!["1"]))) {
            Step::Joined { peer, reply } => {
                assert_eq!(peer.peer_id.as_str(), "alice");
                match reply {
                    Message::Peer {
                        peer_metadata,
                        selected_protocol_version,
                        target_id,
                        ..
                    } => {
                        assert_eq!(selected_protocol_version, "1");
                        assert_eq!(target_id.as_str(), "alice");
                        assert_eq!(peer_metadata.storage_id.unwrap().as_str(), "store");
                    }
                    other => panic!("{other:?}"),
                }
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn missing_version_list_means_version_one() {
        assert!(matches!(
            session().receive(&join(None)),
            Step::Joined { .. }
        ));
    }

    #[test]
    fn unsupported_version_gets_error_then_close() {
        match session().receive(&join(Some(vec!["2", "3"]))) {
            Step::Close {
                error: Some(Message::Error { message, .. }),
                ..
            } => assert!(
                message.contains("unsupported protocol version"),
                "{message}"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn first_message_must_be_join() {
        let leave = Message::Leave {
            sender_id: PeerId::new("alice"),
        };
        assert!(matches!(
            session().receive(&leave.encode()),
            Step::Close { error: Some(_), .. }
        ));
    }

    #[test]
    fn spoofed_sender_closes_the_connection() {
        let mut s = session();
        s.receive(&join(Some(vec!["1"])));
        let spoofed = Message::Sync(DocumentMessage {
            sender_id: PeerId::new("mallory"),
            target_id: PeerId::new("server"),
            document_id: DocumentId::from_bytes([1; 16]),
            data: vec![],
        });
        match s.receive(&spoofed.encode()) {
            Step::Close { reason, .. } => assert!(reason.contains("does not match")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn echoed_ephemeral_from_another_sender_is_dropped_not_fatal() {
        let mut s = session();
        s.receive(&join(Some(vec!["1"])));
        let echo = Message::Ephemeral(EphemeralMessage {
            sender_id: PeerId::new("bob"),
            target_id: PeerId::new("server"),
            document_id: DocumentId::from_bytes([1; 16]),
            session_id: "s".into(),
            count: 1,
            data: vec![],
        });
        assert!(matches!(s.receive(&echo.encode()), Step::Echo { .. }));
    }

    #[test]
    fn garbage_after_join_closes_with_error_and_unknown_types_are_ignored() {
        let mut s = session();
        s.receive(&join(Some(vec!["1"])));
        assert!(matches!(
            s.receive(b"\xff\x00garbage"),
            Step::Close { error: Some(_), .. }
        ));
        let mut e = minicbor::Encoder::new(Vec::new());
        e.map(2)
            .and_then(|e| e.str("type"))
            .and_then(|e| e.str("from-the-future"))
            .and_then(|e| e.str("senderId"))
            .and_then(|e| e.str("alice"))
            .unwrap();
        assert!(matches!(s.receive(&e.into_writer()), Step::Ignore { .. }));
    }
}
