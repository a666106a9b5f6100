//! What `/metrics` shows, in Prometheus' text format: request latency
//! histograms per route and status class, the public-answer cache's hits and
//! misses, the search index and the process's memory.
//!
//! Hand-written rather than a metrics crate: a dozen series, atomics and one
//! short lock per request.

use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::Duration,
};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] =
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// One latency histogram: a count per bucket (not cumulative), the sum and the count.
#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    sum_seconds: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.buckets[bucket] += 1;
        }
        self.sum_seconds += seconds;
        self.count += 1;
    }
}

/// How a public query met the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Answered from the cache.
    Hit,
    /// Computed, then stored.
    Miss,
    /// The cache could not be used (Redis unavailable): computed, not stored.
    Unavailable,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, &'static str), Histogram>>,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
    cache_unavailable: AtomicU64,
}

/// What the process reads only when `/metrics` is asked.
pub struct Snapshot {
    pub search_documents: u64,
    pub outbox_cursor: i64,
}

impl Metrics {
    /// One answered HTTP request.
    pub fn observe_request(&self, path: &str, status: u16, elapsed: Duration) {
        let key = (route_of(path), status_class(status));
        let mut requests = self.requests.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        requests.entry(key).or_default().observe(elapsed.as_secs_f64());
    }

    pub fn observe_cache(&self, outcome: CacheOutcome) {
        let counter = match outcome {
            CacheOutcome::Hit => &self.cache_hits,
            CacheOutcome::Miss => &self.cache_misses,
            CacheOutcome::Unavailable => &self.cache_unavailable,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The share of cacheable public queries answered from the cache (0 before any).
    pub fn cache_hit_ratio(&self) -> f64 {
        let hits = self.cache_hits.load(Ordering::Relaxed) as f64;
        let total = hits
            + self.cache_misses.load(Ordering::Relaxed) as f64
            + self.cache_unavailable.load(Ordering::Relaxed) as f64;
        if total == 0.0 {
            0.0
        } else {
            hits / total
        }
    }

    /// Everything, in Prometheus' text exposition format.
    pub fn render(&self, snapshot: &Snapshot) -> String {
        let mut out = String::with_capacity(4_096);
        let requests = self.requests.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        out.push_str("# HELP sugit_http_request_duration_seconds Time to answer an HTTP request, by route and status class.\n");
        out.push_str("# TYPE sugit_http_request_duration_seconds histogram\n");
        for ((route, status), histogram) in &requests {
            let labels = format!("route=\"{route}\",status=\"{status}\"");
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(histogram.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "sugit_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "sugit_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                out,
                "sugit_http_request_duration_seconds_sum{{{labels}}} {}",
                histogram.sum_seconds
            );
            let _ =
                writeln!(out, "sugit_http_request_duration_seconds_count{{{labels}}} {}", histogram.count);
        }
        out.push_str(
            "# HELP sugit_cache_requests_total Cacheable public queries, by how the cache answered.\n",
        );
        out.push_str("# TYPE sugit_cache_requests_total counter\n");
        for (result, counter) in [
            ("hit", &self.cache_hits),
            ("miss", &self.cache_misses),
            ("unavailable", &self.cache_unavailable),
        ] {
            let _ = writeln!(
                out,
                "sugit_cache_requests_total{{result=\"{result}\"}} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        out.push_str(
            "# HELP sugit_cache_hit_ratio Share of cacheable public queries answered from the cache.\n",
        );
        out.push_str("# TYPE sugit_cache_hit_ratio gauge\n");
        let _ = writeln!(out, "sugit_cache_hit_ratio {:.6}", self.cache_hit_ratio());
        out.push_str("# HELP sugit_search_documents Documents in this instance's search index.\n");
        out.push_str("# TYPE sugit_search_documents gauge\n");
        let _ = writeln!(out, "sugit_search_documents {}", snapshot.search_documents);
        out.push_str(
            "# HELP sugit_outbox_cursor Last change_event applied to this instance's index without a gap.\n",
        );
        out.push_str("# TYPE sugit_outbox_cursor gauge\n");
        let _ = writeln!(out, "sugit_outbox_cursor {}", snapshot.outbox_cursor);
        if let Some((resident, peak)) = memory() {
            out.push_str("# HELP sugit_process_resident_memory_bytes Resident memory of the process.\n");
            out.push_str("# TYPE sugit_process_resident_memory_bytes gauge\n");
            let _ = writeln!(out, "sugit_process_resident_memory_bytes {resident}");
            out.push_str(
                "# HELP sugit_process_peak_resident_memory_bytes Highest resident memory since start.\n",
            );
            out.push_str("# TYPE sugit_process_peak_resident_memory_bytes gauge\n");
            let _ = writeln!(out, "sugit_process_peak_resident_memory_bytes {peak}");
        }
        out
    }
}

/// A bounded set of route labels: paths carry ids, labels must not.
pub fn route_of(path: &str) -> &'static str {
    match path {
        "/graphql" => "graphql",
        "/healthz" => "healthz",
        "/readyz" => "readyz",
        "/metrics" => "metrics",
        _ if path.starts_with("/comision/") => "comision",
        _ if path.starts_with("/att/") => "att",
        _ if path.starts_with("/operaciones/") => "operaciones",
        _ => "pagina",
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Resident and peak resident memory in bytes, where the system tells (Linux).
fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * 1_024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot { search_documents: 7, outbox_cursor: 3 }
    }

    #[test]
    fn latency_buckets_are_cumulative_per_route_and_status() {
        let metrics = Metrics::default();
        metrics.observe_request("/graphql", 200, Duration::from_millis(3));
        metrics.observe_request("/graphql", 200, Duration::from_millis(40));
        metrics.observe_request("/comision/sesiones/1/convocatoria", 404, Duration::from_millis(1));
        let text = metrics.render(&snapshot());
        assert!(text.contains(
            "sugit_http_request_duration_seconds_bucket{route=\"graphql\",status=\"2xx\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "sugit_http_request_duration_seconds_bucket{route=\"graphql\",status=\"2xx\",le=\"0.05\"} 2"
        ));
        assert!(
            text.contains("sugit_http_request_duration_seconds_count{route=\"graphql\",status=\"2xx\"} 2")
        );
        assert!(
            text.contains("sugit_http_request_duration_seconds_count{route=\"comision\",status=\"4xx\"} 1")
        );
        assert!(text.contains("sugit_search_documents 7"));
    }

    #[test]
    fn the_hit_ratio_counts_every_cacheable_query() {
        let metrics = Metrics::default();
        assert_eq!(metrics.cache_hit_ratio(), 0.0);
        metrics.observe_cache(CacheOutcome::Hit);
        metrics.observe_cache(CacheOutcome::Hit);
        metrics.observe_cache(CacheOutcome::Hit);
        metrics.observe_cache(CacheOutcome::Miss);
        assert!((metrics.cache_hit_ratio() - 0.75).abs() < 1e-9);
        metrics.observe_cache(CacheOutcome::Unavailable);
        assert!((metrics.cache_hit_ratio() - 0.6).abs() < 1e-9);
        assert!(metrics.render(&snapshot()).contains("sugit_cache_requests_total{result=\"unavailable\"} 1"));
    }

    #[test]
    fn routes_with_ids_share_one_label() {
        assert_eq!(route_of("/comision/sesiones/abc/convocatoria"), "comision");
        assert_eq!(route_of("/conocimiento/123"), "pagina");
        assert_eq!(route_of("/graphql"), "graphql");
    }
}
