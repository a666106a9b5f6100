//! Cost of the near-duplicate rule per comparison: `cargo bench -p sugit --bench similarity`.
//!
//! The fields are every name and description of the labelled pair sets (the original and
//! both competency files). Each field is proposed against all the others with `propose`,
//! as `registerRequirement` does for each new field against the catalogue, so a comparison
//! includes reading the candidate (folding, stemming, synonyms) and scoring the pair.
//! The first PROBES fields play the new ones; best of three rounds. Timed with the embedded
//! lists only and with Debian's `mythes-es` thesaurus (or `SUGIT_THESAURUS`), whose reading
//! at start is timed too.

use std::time::Instant;

use sugit::reporting::similarity::{propose, FieldText, RelatedWords, DEBIAN_THESAURUS};

const SETS: [&str; 3] = [
    include_str!("../resources/similarity_pairs.csv"),
    include_str!("../resources/similarity_pairs_competencias.csv"),
    include_str!("../resources/similarity_pairs_competencias_reserva.csv"),
];

/// (name, description) of both sides of every pair.
fn fields() -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for set in SETS {
        let mut reader = csv::Reader::from_reader(set.as_bytes());
        let header = reader.headers().expect("a header").clone();
        let column = |name: &str| header.iter().position(|h| h == name).expect("the column");
        let columns =
            [(column("a_name"), column("a_description")), (column("b_name"), column("b_description"))];
        for record in reader.records() {
            let record = record.expect("a record");
            for (name, description) in columns {
                fields.push((record[name].to_string(), record[description].to_string()));
            }
        }
    }
    fields
}

/// New fields per round: enough to time, few enough for an unoptimised build.
const PROBES: usize = 60;

fn main() {
    let owned = fields();
    let catalogue: Vec<FieldText> =
        owned.iter().map(|(name, description)| FieldText { code: name, name, description }).collect();
    let path = std::env::var("SUGIT_THESAURUS").unwrap_or_else(|_| DEBIAN_THESAURUS.to_string());
    let started = Instant::now();
    let thesaurus = match RelatedWords::load(std::path::Path::new(&path)) {
        Ok(related) => {
            println!(
                "tesauro {path}: {} términos enlazados, leído en {:.0} ms",
                related.len(),
                started.elapsed().as_secs_f64() * 1e3
            );
            related
        }
        Err(error) => {
            println!("sin tesauro ({error}): solo las listas propias");
            RelatedWords::default()
        }
    };
    for (label, related) in [("listas propias", RelatedWords::default()), ("con el tesauro", thesaurus)] {
        time(label, &catalogue, &related);
    }
}

fn time(label: &str, catalogue: &[FieldText], related: &RelatedWords) {
    let probes = &catalogue[..PROBES.min(catalogue.len())];
    let comparisons = probes.len() * catalogue.len();
    let mut best = f64::INFINITY;
    let mut proposed = 0;
    for _ in 0..3 {
        let started = Instant::now();
        proposed = probes.iter().map(|field| propose(field, catalogue, 5, related).len()).sum::<usize>();
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{label}: {} campos, {} nuevos, {comparisons} comparaciones: {:.2} µs por comparación, \
         {:.2} ms por campo nuevo frente a todo el catálogo ({proposed} propuestas)",
        catalogue.len(),
        probes.len(),
        best * 1e6 / comparisons as f64,
        best * 1e3 / probes.len() as f64
    );
}
