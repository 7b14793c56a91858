//! Choosing a storage backend by URL.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use crate::{PostgresStorage, SqliteStorage, Storage, StorageError};

/// Where documents are stored: `sqlite://DATA_DIR` (the embedded default;
/// the database is `DATA_DIR/mitra.sqlite3`) or `postgres://...` /
/// `postgresql://...` (a PostgreSQL database, in the libpq URL form the
/// `tokio-postgres` driver reads).
///
/// `Display` and `Debug` never show a PostgreSQL password: it is replaced
/// by `***` (see [`StorageUrl::redacted`]).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageUrl {
    /// SQLite in this data directory.
    Sqlite(PathBuf),
    /// PostgreSQL at this URL (as given, password included: print it only
    /// through `Display`, which redacts it).
    Postgres(String),
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
            Self::Postgres(_) => None,
        }
    }

    /// The URL with any password replaced by `***`, safe for logs and
    /// error messages (the same text as `Display`).
    pub fn redacted(&self) -> String {
        self.to_string()
    }
}

/// Why a storage URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid storage URL {url:?}: {reason}")]
pub struct StorageUrlError {
    /// The URL as given, with any password replaced by `***`.
    pub url: String,
    /// What is wrong with it.
    pub reason: String,
}

impl FromStr for StorageUrl {
    type Err = StorageUrlError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let refuse = |reason: &str| StorageUrlError {
            url: redact_url(url),
            reason: reason.to_owned(),
        };
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(StorageUrlError {
                url: redact_url(url),
                reason: "expected sqlite://DATA_DIR or postgres://USER@HOST:PORT/DATABASE".into(),
            });
        };
        match scheme {
            "sqlite" if rest.is_empty() => Err(refuse("sqlite:// needs a data directory")),
            "sqlite" => Ok(Self::Sqlite(PathBuf::from(rest))),
            "postgres" | "postgresql" => {
                check_postgres_url(url).map_err(|reason| StorageUrlError {
                    url: redact_url(url),
                    reason,
                })?;
                Ok(Self::Postgres(url.to_owned()))
            }
            _ => Err(refuse("unknown scheme (supported: sqlite, postgres)")),
        }
    }
}

/// Checks what can be checked of a PostgreSQL URL without connecting.
fn check_postgres_url(url: &str) -> Result<(), String> {
    let config: tokio_postgres::Config = url.parse().map_err(|e| {
        let mut reason = format!("not a PostgreSQL URL: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            reason.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        reason
    })?;
    if config.get_hosts().is_empty() {
        return Err("names no host (postgres://USER@HOST:PORT/DATABASE)".into());
    }
    if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
        return Err("sslmode=require: TLS to PostgreSQL is not supported yet; \
                    reach the database over loopback, a unix socket or a private network"
            .into());
    }
    Ok(())
}

/// `url` with any password replaced by `***`: the one in the credentials
/// (after the first `:`, up to the last `@` of the address) and any
/// `password=` query parameter; in text that is no URL at all
/// (a mistyped `key=value` connection string), any `password=` word.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url
            .split(' ')
            .map(|word| match word.split_once('=') {
                Some(("password", _)) => "password=***",
                _ => word,
            })
            .collect::<Vec<_>>()
            .join(" ");
    };
    // Everything up to the last `@` of the address part counts as
    // credentials: a password holding `@` is hidden whole, however a driver
    // would split it.
    let address_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let rest = match rest[..address_end].rfind('@') {
        Some(at) => match rest[..at].split_once(':') {
            Some((user, _password)) => format!("{user}:***{}", &rest[at..]),
            None => rest.to_owned(),
        },
        None => rest.to_owned(),
    };
    let rest = match rest.split_once('?') {
        Some((before, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some(("password", _)) => "password=***".to_owned(),
                    _ => param.to_owned(),
                })
                .collect();
            format!("{before}?{}", params.join("&"))
        }
        None => rest,
    };
    format!("{scheme}://{rest}")
}

impl fmt::Display for StorageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(dir) => write!(f, "sqlite://{}", dir.display()),
            Self::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

impl fmt::Debug for StorageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(dir) => f.debug_tuple("Sqlite").field(dir).finish(),
            Self::Postgres(url) => f.debug_tuple("Postgres").field(&redact_url(url)).finish(),
        }
    }
}

/// Opens the backend `url` names (creating what it needs on first use).
pub async fn open(url: &StorageUrl) -> Result<Arc<dyn Storage>, StorageError> {
    match url {
        StorageUrl::Sqlite(dir) => Ok(Arc::new(SqliteStorage::open(dir).await?)),
        StorageUrl::Postgres(url) => Ok(Arc::new(PostgresStorage::open(url).await?)),
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
            ("postgres://", "names no host"),
            ("postgres://u@h/db?nonsense=1", "not a PostgreSQL URL"),
            ("postgres://u@h:notaport/db", "not a PostgreSQL URL"),
            (
                "postgres://u@h/db?sslmode=require",
                "TLS to PostgreSQL is not supported",
            ),
        ] {
            let error = url.parse::<StorageUrl>().err().map(|e| e.to_string());
            assert!(
                error.as_deref().is_some_and(|e| e.contains(says)),
                "{url}: {error:?}"
            );
        }
    }

    #[test]
    fn postgres_urls_are_kept_whole_and_name_no_data_directory() {
        for text in [
            "postgres://mitra@127.0.0.1:5432/mitra",
            "postgresql://mitra@127.0.0.1/mitra?application_name=mitra&connect_timeout=3",
            "postgres://mitra@%2Frun%2Fpostgresql/mitra",
        ] {
            let url: StorageUrl = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(url, StorageUrl::Postgres(text.to_owned()));
            assert_eq!(url.to_string(), text, "nothing to redact");
            assert_eq!(url.data_dir(), None);
        }
    }

    #[test]
    fn postgres_passwords_never_show() {
        for (text, shown) in [
            (
                "postgres://mitra:s3cret@127.0.0.1:5432/mitra",
                "postgres://mitra:***@127.0.0.1:5432/mitra",
            ),
            (
                "postgresql://mitra:s3cret@db/mitra?password=s3cret&application_name=x",
                "postgresql://mitra:***@db/mitra?password=***&application_name=x",
            ),
            (
                "postgres://mitra@db/mitra?password=s3cret",
                "postgres://mitra@db/mitra?password=***",
            ),
        ] {
            let url: StorageUrl = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(url.to_string(), shown);
            assert_eq!(url.redacted(), shown);
            let debug = format!("{url:?}");
            assert!(!debug.contains("s3cret"), "{debug}");
            assert!(debug.contains("***"), "{debug}");
        }
        // Nor in the error for a URL that is refused.
        let error = "postgres://mitra:s3cret@db/mitra?bogus=1"
            .parse::<StorageUrl>()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("not a PostgreSQL URL"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
        // Nor when a libpq key=value string is given instead of a URL.
        let error = "host=db user=mitra password=s3cret dbname=mitra"
            .parse::<StorageUrl>()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("expected sqlite://"), "{error}");
        assert!(error.contains("password=***"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
    }
}
