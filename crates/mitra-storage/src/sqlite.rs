//! SQLite backend (placeholder)
#![allow(missing_docs)]
pub struct SqliteStorage;
