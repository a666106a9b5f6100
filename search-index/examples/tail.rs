//! Where the tail of the search bench is: the 24 variants of
//! `benches/search_vs_postgres.rs` in the same order and rounds, then each
//! variant's p50 / p99 / max and the slowest samples with their round.
//!
//! ```sh
//! cargo run --release -p search-index --features corpus --example tail -- /work/bench-index [ROUNDS] [VARIANT REPEATS]
//! ```
//! With VARIANT (0–23) and REPEATS, runs that one variant REPEATS times
//! (for a profiler) instead.

use std::time::{Duration, Instant};

use search_index::{corpus::BENCH_QUERIES, Opened, SearchIndex, SearchRequest};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).expect("the index directory");
    let rounds: usize = args.get(2).map_or(30, |r| r.parse().expect("rounds"));
    let (index, opened) = SearchIndex::open(dir.as_ref()).expect("open the index");
    assert!(matches!(opened, Opened::Current { .. }), "{opened:?}");
    let requests: Vec<(String, SearchRequest)> = BENCH_QUERIES
        .iter()
        .flat_map(|query| {
            let (text, (dimension, value)) = (query.text, query.filter);
            [false, true].map(|filtered| {
                let name = if filtered { format!("{text} + {value}") } else { text.to_owned() };
                let request = SearchRequest {
                    text: text.into(),
                    filters: if filtered { vec![(dimension, value.into())] } else { Vec::new() },
                    limit: 10,
                    facets: true,
                    ..SearchRequest::default()
                };
                (name, request)
            })
        })
        .collect();
    if let (Some(variant), Some(repeats)) = (args.get(3), args.get(4)) {
        let (name, request) = &requests[variant.parse::<usize>().expect("a variant")];
        let repeats: usize = repeats.parse().expect("repeats");
        let mut samples: Vec<Duration> = (0..repeats)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(index.search(request).expect("search"));
                start.elapsed()
            })
            .collect();
        samples.sort_unstable();
        println!(
            "{name}: p50 {:?} p99 {:?} max {:?}",
            at(&samples, 0.5),
            at(&samples, 0.99),
            samples[repeats - 1]
        );
        return;
    }
    let mut samples = vec![Vec::new(); requests.len()];
    let mut all = Vec::new();
    for round in 0..3 + rounds {
        for (i, (_, request)) in requests.iter().enumerate() {
            let start = Instant::now();
            std::hint::black_box(index.search(request).expect("search"));
            let elapsed = start.elapsed();
            if round >= 3 {
                samples[i].push(elapsed);
                all.push((elapsed, i, round));
            }
        }
    }
    for (i, (name, _)) in requests.iter().enumerate() {
        let mut s = samples[i].clone();
        s.sort_unstable();
        println!(
            "{i:>2} {name:<60} p50 {:>6.2} p99 {:>6.2} max {:>6.2}",
            ms(at(&s, 0.5)),
            ms(at(&s, 0.99)),
            ms(s[s.len() - 1])
        );
    }
    let mut sorted: Vec<Duration> = all.iter().map(|s| s.0).collect();
    sorted.sort_unstable();
    println!("all: p50 {:.2} p99 {:.2}", ms(at(&sorted, 0.5)), ms(at(&sorted, 0.99)));
    all.sort_unstable_by_key(|sample| std::cmp::Reverse(sample.0));
    for (elapsed, i, round) in all.iter().take(12) {
        println!("  {:>6.2} ms  {}  (round {round})", ms(*elapsed), requests[*i].0);
    }
}

fn at(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
