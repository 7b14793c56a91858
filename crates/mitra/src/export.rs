//! `mitra export`: a charter or meeting from the database as Markdown or
//! JSON ([`mitra_export`]).
//!
//! Only reads: SQLite in WAL mode lets this run next to a live `mitra
//! serve`, which sees nothing of it.

use std::path::Path;

use anyhow::{Context, bail};
use automerge::AutoCommit;
use mitra_model::{CURRENT_SCHEMA_VERSION, Charter, DocType, Language, ModelError, schema};
use mitra_protocol::{AutomergeEngine, DocumentId};
use mitra_storage::sqlite::DATABASE_FILE;
use mitra_storage::{SqliteStorage, Storage};

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable Markdown, for people (and funders).
    Markdown,
    /// The model as JSON, with any problems found while reading.
    Json,
}

/// The document `url` in the database in `data_dir`, exported as `format`.
/// Markdown labels follow the charter's language unless `language` is
/// given (a meeting takes its partnership's language when its charter is in
/// the database).
pub async fn export(
    data_dir: &Path,
    url: &str,
    format: Format,
    language: Option<Language>,
) -> anyhow::Result<String> {
    let id = DocumentId::parse_url_or_id(url.trim()).with_context(|| {
        format!("{url:?} is not a document URL: expected automerge:<id>, as `mitra demo` and the web client show them")
    })?;
    let database = data_dir.join(DATABASE_FILE);
    if !database.is_file() {
        bail!(
            "there is no Mitra database in {} (no {DATABASE_FILE}); check --data-dir",
            data_dir.display()
        );
    }
    let storage = SqliteStorage::open(data_dir)
        .await
        .with_context(|| format!("opening the database in {}", data_dir.display()))?;
    let result = export_from(&storage, &id, format, language).await;
    storage.close().await;
    result
}

async fn export_from(
    storage: &SqliteStorage,
    id: &DocumentId,
    format: Format,
    language: Option<Language>,
) -> anyhow::Result<String> {
    let url = id.url();
    let doc = load(storage, id)
        .await?
        .with_context(|| format!("unknown document {url}: it is not in this database"))?;
    let kind = schema::detect(&doc).map_err(|e| match e {
        ModelError::Empty => anyhow::anyhow!("{url} is not a Mitra document: it is empty"),
        ModelError::UnknownDocumentType => anyhow::anyhow!(
            "{url} is not a Mitra document: it is neither a partnership charter nor a meeting"
        ),
        other => anyhow::Error::new(other).context(format!("reading {url}")),
    })?;
    let doc = current(doc, &url)?;
    match kind {
        DocType::Charter => {
            let (charter, problems) = mitra_model::charter::load(&doc)
                .with_context(|| format!("reading charter {url}"))?;
            Ok(match format {
                Format::Markdown => {
                    let mut charter = charter;
                    if let Some(language) = language {
                        charter.language = language;
                    }
                    mitra_export::charter_markdown(&charter, &problems)
                }
                Format::Json => mitra_export::charter_json(&charter, &problems)?,
            })
        }
        DocType::Meeting => {
            let (meeting, problems) = mitra_model::meeting::load(&doc)
                .with_context(|| format!("reading meeting {url}"))?;
            Ok(match format {
                Format::Markdown => {
                    let charter = match meeting.charter_url.as_deref() {
                        Some(charter_url) => partnership(storage, charter_url).await,
                        None => None,
                    };
                    let language = language
                        .or_else(|| charter.as_ref().map(|c| c.language.clone()))
                        .unwrap_or_default();
                    mitra_export::meeting_markdown(&meeting, charter.as_ref(), &language, &problems)
                }
                Format::Json => mitra_export::meeting_json(&meeting, &problems)?,
            })
        }
    }
}

/// The document from storage, or `None` when storage does not have it.
async fn load(storage: &SqliteStorage, id: &DocumentId) -> anyhow::Result<Option<AutoCommit>> {
    let url = id.url();
    let Some(stored) = storage
        .load(id)
        .await
        .with_context(|| format!("loading {url}"))?
    else {
        return Ok(None);
    };
    let engine = AutomergeEngine::load(
        stored.snapshot.as_deref(),
        stored.chunks.iter().map(|(_, c)| c.as_slice()),
    )
    .with_context(|| format!("{url} is stored but cannot be read as an automerge document"))?;
    let doc = AutoCommit::load(&engine.document().save())
        .with_context(|| format!("{url} cannot be read as an automerge document"))?;
    Ok(Some(doc))
}

/// `doc` in the current schema: an older document is migrated in memory
/// (nothing is written back).
fn current(mut doc: AutoCommit, url: &str) -> anyhow::Result<AutoCommit> {
    if schema::version(&doc).is_none_or(|v| v < CURRENT_SCHEMA_VERSION) {
        schema::migrate(&mut doc)
            .with_context(|| format!("migrating {url} to the current schema"))?;
    }
    Ok(doc)
}

/// The partnership's charter at `url`, if it is in storage and readable.
async fn partnership(storage: &SqliteStorage, url: &str) -> Option<Charter> {
    let id = DocumentId::parse_url_or_id(url).ok()?;
    let doc = match load(storage, &id).await {
        Ok(Some(doc)) => doc,
        Ok(None) => return None,
        Err(e) => {
            tracing::debug!(error = %format!("{e:#}"), "the meeting's charter cannot be read");
            return None;
        }
    };
    if schema::detect(&doc).ok()? != DocType::Charter {
        return None;
    }
    let doc = current(doc, url).ok()?;
    mitra_model::charter::load(&doc).ok().map(|(c, _)| c)
}
