//! Prometheus metrics, served as text at `/metrics`.
//!
//! The server's own metrics start with `mitra_`: connections, documents in
//! memory, messages and bytes, durable changes, compactions, documents
//! quarantined (`mitra_documents_quarantined_total`), errors by kind,
//! and storage: the latency of every call by operation
//! (`mitra_storage_latency_seconds`, whose `_count` is the number of calls),
//! failed calls by operation (`mitra_storage_errors_total`) and the writes
//! waiting for the backend (`mitra_storage_queue_depth`, read from
//! [`Storage::pending_writes`] at each scrape).
//!
//! The process's metrics carry the standard Prometheus names, read from
//! `/proc` at each scrape (Linux only): `process_resident_memory_bytes` and
//! `process_virtual_memory_bytes` (from `/proc/self/statm`),
//! `process_open_fds`, `process_max_fds`, `process_cpu_seconds_total`,
//! `process_start_time_seconds` and `process_threads`.

use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use mitra_storage::Storage;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// A label naming a kind of thing (message type, error kind).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Kind {
    /// The kind.
    pub kind: &'static str,
}

/// A label naming a storage operation (`load`, `append`, `compact`, ...).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Operation {
    /// The operation.
    pub operation: &'static str,
}

/// Every metric the server keeps.
pub struct Metrics {
    registry: Registry,
    /// Open WebSocket connections.
    pub connections: Gauge,
    /// Connections accepted since start.
    pub connections_total: Counter,
    /// Documents held in memory.
    pub documents_loaded: Gauge,
    /// Protocol messages received, by type.
    pub messages_in: Family<Kind, Counter>,
    /// Protocol messages sent, by type.
    pub messages_out: Family<Kind, Counter>,
    /// Bytes received in protocol messages.
    pub bytes_in: Counter,
    /// Bytes sent in protocol messages.
    pub bytes_out: Counter,
    /// Batches of changes made durable.
    pub changes_persisted: Counter,
    /// Bytes of changes made durable.
    pub persisted_bytes: Counter,
    /// Storage call latency, by operation (failed calls included).
    pub storage_latency: Family<Operation, Histogram>,
    /// Failed storage calls, by operation.
    pub storage_errors: Family<Operation, Counter>,
    /// Errors, by kind.
    pub errors: Family<Kind, Counter>,
    /// Compactions completed.
    pub compactions: Counter,
    /// Documents quarantined because their stored data did not load.
    pub documents_quarantined: Counter,
    /// The storage whose queue depth is reported (set by [`Metrics::watch_storage`]).
    storage: Arc<OnceLock<Weak<dyn Storage>>>,
}

impl Metrics {
    /// A fresh set of metrics, all at zero.
    pub fn new() -> Self {
        let connections = Gauge::default();
        let connections_total = Counter::default();
        let documents_loaded = Gauge::default();
        let messages_in = Family::<Kind, Counter>::default();
        let messages_out = Family::<Kind, Counter>::default();
        let bytes_in = Counter::default();
        let bytes_out = Counter::default();
        let changes_persisted = Counter::default();
        let persisted_bytes = Counter::default();
        // 50 µs to about 6.5 s.
        let storage_latency = Family::<Operation, Histogram>::new_with_constructor(
            (|| Histogram::new(exponential_buckets(0.000_05, 2.0, 18))) as fn() -> Histogram,
        );
        let storage_errors = Family::<Operation, Counter>::default();
        let errors = Family::<Kind, Counter>::default();
        let compactions = Counter::default();
        let documents_quarantined = Counter::default();
        let storage = Arc::new(OnceLock::new());

        let mut root = Registry::default();
        root.register_collector(Box::new(ProcessCollector));
        let registry = root.sub_registry_with_prefix("mitra");
        registry.register(
            "connections",
            "Open WebSocket connections",
            connections.clone(),
        );
        registry.register(
            "connections_accepted",
            "WebSocket connections accepted since start",
            connections_total.clone(),
        );
        registry.register(
            "documents_loaded",
            "Documents held in memory",
            documents_loaded.clone(),
        );
        registry.register(
            "messages_received",
            "Protocol messages received, by type",
            messages_in.clone(),
        );
        registry.register(
            "messages_sent",
            "Protocol messages sent, by type",
            messages_out.clone(),
        );
        registry.register(
            "received_bytes",
            "Bytes received in protocol messages",
            bytes_in.clone(),
        );
        registry.register(
            "sent_bytes",
            "Bytes sent in protocol messages",
            bytes_out.clone(),
        );
        registry.register(
            "change_batches_persisted",
            "Batches of document changes made durable",
            changes_persisted.clone(),
        );
        registry.register(
            "persisted_bytes",
            "Bytes of document changes made durable",
            persisted_bytes.clone(),
        );
        registry.register(
            "storage_latency_seconds",
            "Storage call latency, by operation (the count is the number of calls)",
            storage_latency.clone(),
        );
        registry.register(
            "storage_errors",
            "Failed storage calls, by operation",
            storage_errors.clone(),
        );
        registry.register_collector(Box::new(StorageCollector {
            storage: Arc::clone(&storage),
        }));
        registry.register("errors", "Errors, by kind", errors.clone());
        registry.register(
            "compactions",
            "Document compactions completed",
            compactions.clone(),
        );
        registry.register(
            "documents_quarantined",
            "Documents quarantined because their stored data did not load (each load that failed)",
            documents_quarantined.clone(),
        );
        Self {
            registry: root,
            connections,
            connections_total,
            documents_loaded,
            messages_in,
            messages_out,
            bytes_in,
            bytes_out,
            changes_persisted,
            persisted_bytes,
            storage_latency,
            storage_errors,
            errors,
            compactions,
            documents_quarantined,
            storage,
        }
    }

    /// Reports `storage`'s queue of pending writes as
    /// `mitra_storage_queue_depth` from now on. Only the first call counts;
    /// the metrics do not keep the storage alive.
    pub fn watch_storage(&self, storage: &Arc<dyn Storage>) {
        let _ = self.storage.set(Arc::downgrade(storage));
    }

    /// Counts one error of `kind`.
    pub fn error(&self, kind: &'static str) {
        self.errors.get_or_create(&Kind { kind }).inc();
    }

    /// Records the latency of one storage call.
    pub fn storage_call(&self, operation: &'static str, took: Duration) {
        self.storage_latency
            .get_or_create(&Operation { operation })
            .observe(took.as_secs_f64());
    }

    /// Counts one failed storage call.
    pub fn storage_error(&self, operation: &'static str) {
        self.storage_errors
            .get_or_create(&Operation { operation })
            .inc();
    }

    /// Records one storage call: its latency, and its failure if it failed.
    pub fn storage_result<T, E>(
        &self,
        operation: &'static str,
        took: Duration,
        result: &Result<T, E>,
    ) {
        self.storage_call(operation, took);
        if result.is_err() {
            self.storage_error(operation);
        }
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads the storage's pending writes at each scrape.
struct StorageCollector {
    storage: Arc<OnceLock<Weak<dyn Storage>>>,
}

impl std::fmt::Debug for StorageCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageCollector").finish_non_exhaustive()
    }
}

impl Collector for StorageCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(storage) = self.storage.get().and_then(Weak::upgrade) else {
            return Ok(());
        };
        gauge(
            &mut encoder,
            "storage_queue_depth",
            "Writes accepted by storage and not yet answered (queued or being committed).",
            storage.pending_writes() as u64,
        )
    }
}

/// Writes one gauge with a value read now.
fn gauge<N>(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: N,
) -> Result<(), std::fmt::Error>
where
    N: prometheus_client::encoding::EncodeGaugeValue,
{
    use prometheus_client::encoding::EncodeMetric;
    let metric = ConstGauge::new(value);
    let metric_encoder = encoder.encode_descriptor(name, help, None, metric.metric_type())?;
    metric.encode(metric_encoder)
}

/// The standard `process_*` metrics, read from `/proc/self` at each scrape.
/// A value that cannot be read is left out rather than failing the scrape.
#[derive(Debug)]
struct ProcessCollector;

impl Collector for ProcessCollector {
    #[cfg(target_os = "linux")]
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        use procfs::process::{LimitValue, Process};
        use prometheus_client::encoding::EncodeMetric;
        use prometheus_client::metrics::counter::ConstCounter;

        let Ok(me) = Process::myself() else {
            return Ok(());
        };
        if let Ok(statm) = me.statm() {
            let page = procfs::page_size();
            gauge(
                &mut encoder,
                "process_resident_memory_bytes",
                "Resident memory size in bytes.",
                statm.resident.saturating_mul(page),
            )?;
            gauge(
                &mut encoder,
                "process_virtual_memory_bytes",
                "Virtual memory size in bytes.",
                statm.size.saturating_mul(page),
            )?;
        }
        if let Ok(open) = me.fd_count() {
            gauge(
                &mut encoder,
                "process_open_fds",
                "Number of open file descriptors.",
                open as u64,
            )?;
        }
        if let Ok(limits) = me.limits()
            && let LimitValue::Value(max) = limits.max_open_files.soft_limit
        {
            gauge(
                &mut encoder,
                "process_max_fds",
                "Maximum number of open file descriptors.",
                max,
            )?;
        }
        if let Ok(stat) = me.stat() {
            let ticks = procfs::ticks_per_second().max(1) as f64;
            let cpu = ConstCounter::new((stat.utime + stat.stime) as f64 / ticks);
            let metric_encoder = encoder.encode_descriptor(
                "process_cpu_seconds",
                "Total user and system CPU time spent in seconds.",
                None,
                cpu.metric_type(),
            )?;
            cpu.encode(metric_encoder)?;
            if let Ok(boot) = procfs::boot_time_secs() {
                gauge(
                    &mut encoder,
                    "process_start_time_seconds",
                    "Start time of the process since the Unix epoch in seconds.",
                    boot as f64 + stat.starttime as f64 / ticks,
                )?;
            }
            gauge(
                &mut encoder,
                "process_threads",
                "Number of OS threads in the process.",
                stat.num_threads,
            )?;
        }
        Ok(())
    }

    #[cfg(not(target_os = "linux"))]
    fn encode(&self, _encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        Ok(())
    }
}
