//! The Mitra sync server: the automerge-repo WebSocket protocol on tokio,
//! durable by default.
//!
//! - [`server`]: [`Server::bind`] opens storage and the listener;
//!   [`Server::run`] serves until a shutdown future completes.
//! - [`http`]: the HTTP surface: `/sync` (WebSocket upgrade), `/healthz`,
//!   `/readyz`, `/metrics`, and the browser client.
//! - [`api`]: the JSON HTTP API under `/api/` (sign-in, setup, members,
//!   invitations, tokens, history, audit).
//! - [`web`]: finding and serving the browser client's static files.
//! - [`connection`]: one WebSocket connection: handshake, reading, writing,
//!   keepalive and limits.
//! - [`peers`]: joined peers and their bounded outbound queues.
//! - [`documents`]: one actor per open document, applying changes off the IO
//!   threads and revealing nothing before it is durable.
//! - [`auth`]: authenticating WebSocket upgrades, per-document access
//!   decisions and closing connections whose access was revoked.
//! - [`compaction`]: background snapshots of documents.
//! - [`metrics`]: Prometheus metrics.
//! - [`config`]: settings and limits with their defaults.
//! - [`error`]: the typed error of starting and running.

pub mod api;
pub mod auth;
pub mod compaction;
pub mod config;
pub mod connection;
pub mod documents;
pub mod error;
pub mod http;
pub mod metrics;
pub mod peers;
pub mod server;
pub mod web;

pub use config::{AuthMode, Limits, ServerConfig};
pub use error::ServerError;
pub use server::{Server, Shared};
