//! Choosing a storage backend by URL.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use crate::{SqliteStorage, Storage, StorageError};

/// Where documents are stored: `sqlite://DATA_DIR` (the embedded default;
/// the database is `DATA_DIR/mitra.sqlite3`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageUrl {
    /// SQLite in this data directory.
    Sqlite(PathBuf),
}

impl StorageUrl {
    /// SQLite in `data_dir`.
    pub fn sqlite(data_dir: impl Into<PathBuf>) -> Self {
        Self::Sqlite(data_dir.into())
    }

    /// The data directory, for backends that keep files.
    pub fn data_dir(&self) -> Option<&Path> {
        match self {
            Self::Sqlite(dir) => Some(dir),
        }
    }
}

/// Why a storage URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid storage URL {url:?}: {reason}")]
pub struct StorageUrlError {
    /// The URL as given.
    pub url: String,
    /// What is wrong with it.
    pub reason: String,
}

impl FromStr for StorageUrl {
    type Err = StorageUrlError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let refuse = |reason: &str| StorageUrlError {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(refuse("expected sqlite://DATA_DIR"));
        };
        match scheme {
            "sqlite" if rest.is_empty() => Err(refuse("sqlite:// needs a data directory")),
            "sqlite" => Ok(Self::Sqlite(PathBuf::from(rest))),
            _ => Err(refuse("unknown scheme (supported: sqlite)")),
        }
    }
}

impl fmt::Display for StorageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(dir) => write!(f, "sqlite://{}", dir.display()),
        }
    }
}

/// Opens the backend `url` names (creating what it needs on first use).
pub async fn open(url: &StorageUrl) -> Result<Arc<dyn Storage>, StorageError> {
    match url {
        StorageUrl::Sqlite(dir) => Ok(Arc::new(SqliteStorage::open(dir).await?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_a_data_directory() {
        let url: StorageUrl = "sqlite://./mitra-data"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(url, StorageUrl::sqlite("./mitra-data"));
        assert_eq!(url.to_string(), "sqlite://./mitra-data");
        let abs: StorageUrl = "sqlite:///var/lib/mitra"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(abs.data_dir(), Some(Path::new("/var/lib/mitra")));
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        for (url, says) in [
            ("./mitra-data", "expected sqlite://"),
            ("sqlite://", "needs a data directory"),
            ("mysql://x", "unknown scheme"),
        ] {
            let error = url.parse::<StorageUrl>().err().map(|e| e.to_string());
            assert!(
                error.as_deref().is_some_and(|e| e.contains(says)),
                "{url}: {error:?}"
            );
        }
    }
}
