//! Prometheus metrics, served as text at `/metrics`.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// A label naming a kind of thing (message type, error kind, storage operation).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Kind {
    /// The kind.
    pub kind: &'static str,
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
    /// Storage call latency, by operation.
    pub storage_latency: Family<Kind, Histogram>,
    /// Errors, by kind.
    pub errors: Family<Kind, Counter>,
    /// Compactions completed.
    pub compactions: Counter,
}

impl Metrics {
    /// A fresh set of metrics, all at zero.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("mitra");
        let connections = Gauge::default();
        let connections_total = Counter::default();
        let documents_loaded = Gauge::default();
        let messages_in = Family::<Kind, Counter>::default();
        let messages_out = Family::<Kind, Counter>::default();
        let bytes_in = Counter::default();
        let bytes_out = Counter::default();
        let changes_persisted = Counter::default();
        let persisted_bytes = Counter::default();
        let storage_latency = Family::<Kind, Histogram>::new_with_constructor(
            (|| Histogram::new(exponential_buckets(0.000_05, 2.0, 18))) as fn() -> Histogram,
        );
        let errors = Family::<Kind, Counter>::default();
        let compactions = Counter::default();
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
            "Storage call latency, by operation",
            storage_latency.clone(),
        );
        registry.register("errors", "Errors, by kind", errors.clone());
        registry.register(
            "compactions",
            "Document compactions completed",
            compactions.clone(),
        );
        Self {
            registry,
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
            errors,
            compactions,
        }
    }

    /// Counts one error of `kind`.
    pub fn error(&self, kind: &'static str) {
        self.errors.get_or_create(&Kind { kind }).inc();
    }

    /// Records the latency of one storage call.
    pub fn storage_call(&self, operation: &'static str, took: Duration) {
        self.storage_latency
            .get_or_create(&Kind { kind: operation })
            .observe(took.as_secs_f64());
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
