//! Translating spending through the catalogue's crosswalk:
//! `cargo bench -p sugit --bench classification`.
//!
//! Five vigencias of spending of all 1,121 municipal units, reported under
//! version 1 of the demo catalogue (66 programmatic units, four amounts
//! each), shown in the codes of version 3 — two versions later: version 2
//! is the demo's (a split, a merge, a rename), version 3 splits two more
//! units and merges two of version 2's successors. Both ways start from the
//! same plain table of rows in PostgreSQL and end with the same totals per
//! (entity, vigencia, today's unit):
//!
//! - «SUGIT»: the rows read once, each reported code resolved through the
//!   crosswalk by `classification::rules::Resolver` (memoised per code) and
//!   summed in memory (`rules::translate`);
//! - «SQL»: what an analyst would write instead, a recursive CTE that walks
//!   the crosswalk to today's codes, joined to the rows and grouped in the
//!   database.
//!
//! Options: `--postgres URL` (default postgres://postgres@127.0.0.1:5432/postgres),
//! `--years N` (default 5), `--runs N` (default 3, the best is kept).

use std::{collections::HashSet, time::Instant};

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use sugit::classification::{
    demo,
    model::{Amounts, CatalogueLevel, Part, ProposedChange},
    rules::{self, Resolver},
};

fn option(flag: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned()
}

fn part(code: &str, name: Option<&str>, points: i32) -> Part {
    Part { code: code.into(), name: name.map(str::to_owned), description: None, basis_points: points }
}

/// The three versions' crosswalk, made by the real rules from the demo catalogue.
fn versions() -> (HashSet<String>, Vec<(i32, String, String, i32)>, Vec<String>) {
    let first = rules::apply(
        &Default::default(),
        &HashSet::new(),
        &demo::catalogue().into_iter().map(|item| ProposedChange::Add { item }).collect::<Vec<_>>(),
    )
    .expect("version 1");
    let v1_units: Vec<String> =
        first.items.values().filter(|i| i.level == CatalogueLevel::Unit).map(|i| i.code.clone()).collect();
    let used: HashSet<String> = first.items.keys().cloned().collect();
    let second = rules::apply(
        &first.items,
        &used,
        &[
            ProposedChange::Split {
                code: "SAL-03".into(),
                parts: vec![
                    part("SAL-07", Some("Vigilancia"), 4_000),
                    part("SAL-08", Some("Promoción"), 6_000),
                ],
            },
            ProposedChange::Merge {
                codes: vec!["TRA-04".into(), "TRA-05".into()],
                into: part("TRA-06", Some("Transporte público y terminales"), 10_000),
            },
        ],
    )
    .expect("version 2");
    let used: HashSet<String> = used.into_iter().chain(second.items.keys().cloned()).collect();
    let third = rules::apply(
        &second.items,
        &used,
        &[
            ProposedChange::Split {
                code: "EDU-01".into(),
                parts: vec![
                    part("EDU-06", Some("Cobertura"), 7_500),
                    part("EDU-07", Some("Permanencia"), 2_500),
                ],
            },
            ProposedChange::Split {
                code: "APSB-04".into(),
                parts: vec![
                    part("APSB-01", None, 5_000),
                    part("APSB-02", None, 3_000),
                    part("APSB-03", None, 2_000),
                ],
            },
            ProposedChange::Merge {
                codes: vec!["SAL-07".into(), "SAL-04".into()],
                into: part("SAL-09", Some("Vigilancia, inspección y control"), 10_000),
            },
        ],
    )
    .expect("version 3");
    let mut crosswalk = Vec::new();
    crosswalk.extend(second.crosswalk.into_iter().map(|(f, t, p)| (2, f, t, p)));
    crosswalk.extend(third.crosswalk.into_iter().map(|(f, t, p)| (3, f, t, p)));
    (third.items.keys().cloned().collect(), crosswalk, v1_units)
}

fn municipal_codes() -> Vec<String> {
    let register = include_str!("../resources/divipola_municipios.csv");
    // A department's name may hold a quoted comma («BOGOTÁ, D.C.»): the code is the one
    // five-digit field of the line.
    register
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').find(|f| f.len() == 5 && f.bytes().all(|b| b.is_ascii_digit())))
        .map(str::to_owned)
        .collect()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let url = option("--postgres").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let years: i32 = option("--years").and_then(|v| v.parse().ok()).unwrap_or(5);
    let runs: usize = option("--runs").and_then(|v| v.parse().ok()).unwrap_or(3);
    let Ok(db) = Database::connect(url.as_str()).await else {
        eprintln!("PostgreSQL no responde en {url}: banco omitido");
        return;
    };
    let (today, crosswalk, units) = versions();
    let entities = municipal_codes();
    println!("{} entidades × {years} vigencias × {} unidades de la versión 1", entities.len(), units.len());

    let schema = format!("banco_gasto_{}", std::process::id());
    db.execute_unprepared(&format!("CREATE SCHEMA {schema}")).await.expect("schema");
    db.execute_unprepared(&format!(
        "CREATE TABLE {schema}.gasto (entity VARCHAR(5), vigencia INT, unit VARCHAR(32), appropriation DOUBLE PRECISION, commitments DOUBLE PRECISION, obligations DOUBLE PRECISION, payments DOUBLE PRECISION);
         CREATE TABLE {schema}.cruce (version INT, from_code VARCHAR(32), to_code VARCHAR(32), share_basis_points INT);"
    ))
    .await
    .expect("tables");
    let rows: Vec<String> = crosswalk.iter().map(|(v, f, t, p)| format!("({v},'{f}','{t}',{p})")).collect();
    db.execute_unprepared(&format!("INSERT INTO {schema}.cruce VALUES {}", rows.join(",")))
        .await
        .expect("cruce");
    let loading = Instant::now();
    for (index, entity) in entities.iter().enumerate() {
        let mut rows = Vec::with_capacity(units.len() * years as usize);
        for year in 0..years {
            for (u, unit) in units.iter().enumerate() {
                let commitments = ((index * 7 + u * 13 + year as usize * 3) % 997 + 1) as f64 * 1_000_000.0;
                rows.push(format!(
                    "('{entity}',{},'{unit}',{},{commitments},{},{})",
                    2021 + year,
                    commitments * 1.1,
                    commitments * 0.9,
                    commitments * 0.8
                ));
            }
        }
        db.execute_unprepared(&format!("INSERT INTO {schema}.gasto VALUES {}", rows.join(",")))
            .await
            .expect("gasto");
    }
    db.execute_unprepared(&format!("ANALYZE {schema}.gasto; ANALYZE {schema}.cruce")).await.expect("analyze");
    let total_rows = entities.len() * years as usize * units.len();
    println!("{total_rows} filas cargadas en {:.1} s", loading.elapsed().as_secs_f64());

    let target: Vec<String> = today.iter().cloned().collect();
    let target_list = target.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(",");
    let sql = format!(
        "WITH RECURSIVE path(origin, code, share) AS (
             SELECT DISTINCT unit, unit, 1.0::DOUBLE PRECISION FROM {schema}.gasto
           UNION ALL
             SELECT p.origin, c.to_code, p.share * c.share_basis_points / 10000.0
             FROM path p JOIN {schema}.cruce c ON c.from_code = p.code AND c.version <= 3
         ),
         resolved AS (SELECT origin, code, share FROM path WHERE code IN ({target_list}))
         SELECT g.entity, g.vigencia, r.code,
                SUM(g.appropriation * r.share), SUM(g.commitments * r.share),
                SUM(g.obligations * r.share), SUM(g.payments * r.share)
         FROM {schema}.gasto g JOIN resolved r ON r.origin = g.unit
         GROUP BY g.entity, g.vigencia, r.code"
    );
    let read = format!(
        "SELECT entity, vigencia, unit, appropriation, commitments, obligations, payments FROM {schema}.gasto ORDER BY entity, vigencia"
    );

    let mut best_ours = f64::MAX;
    let mut best_sql = f64::MAX;
    let mut best_pure = f64::MAX;
    let (mut groups_ours, mut groups_sql, mut total_ours, mut total_sql) = (0, 0, 0.0, 0.0);
    for _ in 0..runs {
        // Ours: read the rows, translate per (entity, vigencia) in memory.
        let started = Instant::now();
        let result =
            db.query_all(Statement::from_string(DbBackend::Postgres, read.clone())).await.expect("read");
        let read_rows: Vec<(String, i32, String, Amounts)> = result
            .iter()
            .map(|row| {
                (
                    row.try_get_by_index(0).expect("entity"),
                    row.try_get_by_index(1).expect("vigencia"),
                    row.try_get_by_index(2).expect("unit"),
                    Amounts {
                        appropriation: row.try_get_by_index(3).expect("a"),
                        commitments: row.try_get_by_index(4).expect("c"),
                        obligations: row.try_get_by_index(5).expect("o"),
                        payments: row.try_get_by_index(6).expect("p"),
                    },
                )
            })
            .collect();
        let pure_started = Instant::now();
        let mut resolver = Resolver::new(&today, &crosswalk, 3);
        let (mut groups, mut total) = (0, 0.0);
        for chunk in read_rows.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1) {
            let translated =
                rules::translate(chunk.iter().map(|(_, _, unit, a)| (unit.as_str(), *a)), &mut resolver);
            groups += translated.by_code.len();
            total += translated.by_code.values().map(|a| a.commitments).sum::<f64>();
        }
        best_pure = best_pure.min(pure_started.elapsed().as_secs_f64());
        best_ours = best_ours.min(started.elapsed().as_secs_f64());
        (groups_ours, total_ours) = (groups, total);

        let started = Instant::now();
        let result =
            db.query_all(Statement::from_string(DbBackend::Postgres, sql.clone())).await.expect("sql");
        best_sql = best_sql.min(started.elapsed().as_secs_f64());
        groups_sql = result.len();
        total_sql = result.iter().map(|row| row.try_get_by_index::<f64>(4).unwrap_or_default()).sum();
    }
    db.execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE")).await.expect("drop");
    assert_eq!(groups_ours, groups_sql, "same groups both ways");
    assert!(
        (total_ours - total_sql).abs() / total_sql < 1e-9,
        "same totals both ways: {total_ours} vs {total_sql}"
    );
    println!("grupos (entidad, vigencia, unidad de hoy): {groups_ours}; compromisos totales iguales en ambos caminos");
    println!("| camino | mejor de {runs} | filas/s |");
    println!("|---|---|---|");
    for (name, seconds) in [
        ("SUGIT: leer filas + traducir en memoria (Resolver)", best_ours),
        ("  de ello, solo la traducción (reglas puras)", best_pure),
        ("SQL: CTE recursiva sobre el cruce + GROUP BY", best_sql),
    ] {
        println!("| {name} | {:.3} s | {:.0} |", seconds, total_rows as f64 / seconds);
    }
    println!("razón SQL / SUGIT: {:.2}", best_sql / best_ours);
}
