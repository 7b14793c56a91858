//! Background compaction: fold a document's appended chunks into one
//! compressed snapshot, off the message path.
//!
//! Compaction reads the document from storage (not from the live actor),
//! loads it with automerge on a blocking thread, saves it, and replaces the
//! snapshot and exactly the chunks it read in one transaction. Chunks
//! appended meanwhile are kept. A snapshot contains the whole history, so
//! nothing is ever lost. One compaction runs at a time.

use std::sync::Arc;
use std::time::Instant;

use mitra_protocol::{AutomergeEngine, DocumentId};

use crate::server::Shared;

/// Starts compacting `id` in the background unless it already is being compacted.
pub fn schedule(shared: &Arc<Shared>, id: DocumentId) {
    if !shared.compacting.insert(id) {
        return;
    }
    let shared = Arc::clone(shared);
    let task_shared = Arc::clone(&shared);
    shared.tasks.spawn(async move {
        let shared = task_shared;
        let permit = shared.compaction_slots.acquire().await;
        if permit.is_ok()
            && !shared.shutdown.is_cancelled()
            && let Err(e) = compact(&shared, id).await
        {
            shared.metrics.error("compaction");
            tracing::error!(document = %id, error = %e, "compaction failed; nothing was removed");
        }
        shared.compacting.remove(&id);
    });
}

/// Compacts one document now.
pub async fn compact(shared: &Arc<Shared>, id: DocumentId) -> Result<(), String> {
    let started = Instant::now();
    let loaded = shared.storage.load(&id).await;
    shared
        .metrics
        .storage_result("load", started.elapsed(), &loaded);
    let Some(stored) = loaded.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    let Some(through) = stored.chunks.last().map(|(seq, _)| *seq) else {
        return Ok(());
    };
    let before = stored.total_bytes();
    let snapshot = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(|| {
            AutomergeEngine::load(
                stored.snapshot.as_deref(),
                stored.chunks.iter().map(|(_, c)| c.as_slice()),
            )
            .map(|engine| engine.save())
            .map_err(|e| e.to_string())
        })
        .unwrap_or_else(|_| Err("automerge panicked while loading".into()))
    })
    .await
    .map_err(|e| e.to_string())??;
    let after = snapshot.len();
    let compacting = Instant::now();
    let compacted = shared.storage.compact(&id, snapshot, through).await;
    shared
        .metrics
        .storage_result("compact", compacting.elapsed(), &compacted);
    compacted.map_err(|e| e.to_string())?;
    shared.metrics.compactions.inc();
    tracing::info!(document = %id, before, after, ms = started.elapsed().as_millis() as u64, "compacted");
    Ok(())
}
