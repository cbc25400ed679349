//! What operators see: `GET /metrics` in the Prometheus text format (prometheus-client's
//! OpenMetrics encoder, which Prometheus scrapes), from a registry each server owns (no
//! global state: tests run several servers in one process).
//!
//! Requests are labelled by route template (`/products/{slug}/recommendations`, never the
//! raw path, so that a client cannot grow the label set) and status class; the static
//! site is one route, `static`.

use axum::extract::{MatchedPath, Request};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::jobs::JobMetrics;

/// A request's labels: the route template and the status class (`2xx` .. `5xx`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: String,
}

/// A route template alone, for the latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

/// Every metric of one server, registered in its own registry.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabel, Histogram>,
    in_flight: Gauge,
    shed: Counter,
    timed_out: Counter,
    /// Jobs waiting for a blocking thread and running, and the seconds they ran.
    pub jobs: JobMetrics,
    store_bytes: Gauge,
    store_catalogs: Gauge,
    /// Catalogs the store evicted to stay under its budget.
    pub store_evictions: Counter,
    /// Uploads that parsed into a stored catalog, and their parse times.
    pub uploads: Counter,
    pub upload_parse_seconds: Histogram,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("shop_recs");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template and status class",
            requests.clone(),
        );
        let latency = Family::<RouteLabel, Histogram>::new_with_constructor(|| {
            // 0.5 ms to about 16 s.
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time from the request to its response's headers, by route template",
            latency.clone(),
        );
        let metrics = Metrics {
            registry,
            requests,
            latency,
            in_flight: Gauge::default(),
            shed: Counter::default(),
            timed_out: Counter::default(),
            jobs: JobMetrics::default(),
            store_bytes: Gauge::default(),
            store_catalogs: Gauge::default(),
            store_evictions: Counter::default(),
            uploads: Counter::default(),
            upload_parse_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 14)),
        };
        metrics.register_the_rest()
    }

    fn register_the_rest(mut self) -> Metrics {
        let r = &mut self.registry;
        r.register(
            "http_requests_in_flight",
            "HTTP requests being answered now",
            self.in_flight.clone(),
        );
        r.register(
            "http_requests_shed",
            "Requests answered 503 because every scoring slot was taken",
            self.shed.clone(),
        );
        r.register(
            "http_requests_timed_out",
            "Requests answered 504 after --request-timeout",
            self.timed_out.clone(),
        );
        r.register(
            "jobs_waiting",
            "Jobs holding a slot, waiting for a blocking thread",
            self.jobs.waiting.clone(),
        );
        r.register(
            "jobs_running",
            "Jobs running on a blocking thread (scoring, parsing, generating)",
            self.jobs.running.clone(),
        );
        r.register(
            "jobs_busy_seconds",
            "Wall time the jobs ran, summed: the scoring pool's busy time (a parallel scoring holds the whole pool)",
            self.jobs.busy_seconds.clone(),
        );
        r.register(
            "catalog_store_bytes",
            "Estimated memory of the stored (uploaded and generated) catalogs",
            self.store_bytes.clone(),
        );
        r.register(
            "catalog_store_catalogs",
            "Catalogs in the store",
            self.store_catalogs.clone(),
        );
        r.register(
            "catalog_store_evictions",
            "Catalogs evicted to stay under --catalog-memory",
            self.store_evictions.clone(),
        );
        r.register(
            "catalog_uploads",
            "Uploaded catalogs parsed and stored",
            self.uploads.clone(),
        );
        r.register(
            "catalog_upload_parse_seconds",
            "Time to parse and validate an uploaded catalog",
            self.upload_parse_seconds.clone(),
        );
        self
    }

    /// A request has started: one more in flight.
    pub fn request_started(&self) {
        self.in_flight.inc();
    }

    /// A request started with [`Metrics::request_started`] was answered with `status` after
    /// `seconds`: one fewer in flight, and counted and timed under its route.
    pub fn request_answered(&self, route: &str, status: u16, seconds: f64) {
        self.in_flight.dec();
        self.observe(route, status, seconds);
    }

    /// Every metric in the OpenMetrics text format, with the store's figures (`bytes` held
    /// by `catalogs` catalogs) as read now.
    pub fn encode_with_store(
        &self,
        bytes: usize,
        catalogs: usize,
    ) -> Result<String, std::fmt::Error> {
        self.store_bytes.set(bytes as i64);
        self.store_catalogs.set(catalogs as i64);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }

    /// Records one answered request.
    fn observe(&self, route: &str, status: u16, seconds: f64) {
        let labels = RequestLabels {
            route: route.to_string(),
            status: format!("{}xx", status / 100),
        };
        self.requests.get_or_create(&labels).inc();
        self.latency
            .get_or_create(&RouteLabel {
                route: route.to_string(),
            })
            .observe(seconds);
        match status {
            503 => {
                self.shed.inc();
            }
            504 => {
                self.timed_out.inc();
            }
            _ => {}
        }
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

/// The route template of a request, as a label: the router's matched path, or `static`
/// for everything the page's files answer.
pub fn route_of(request: &Request) -> String {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "static".to_string(), |path| path.as_str().to_string())
}
