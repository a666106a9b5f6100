//! A deterministic corpus of Spanish documents that read like Colombian
//! public-administration knowledge products and offers: for benchmarks and
//! load tests, where the same number must always give the same document.
//!
//! Documents are built from a vocabulary of a few hundred nouns, adjectives
//! and verbs of public administration, drawn with Zipf-like frequencies (a few
//! words are everywhere, a tail is rare), with plurals, gender agreement and
//! the words of each document's topics. The generator is random access:
//! `Corpus::document(n)` depends on `n` and the seed only.

use std::sync::OnceLock;

use crate::document::{Dimension, Document, Kind};

/// Knowledge-product types (`Dimension::Type`) and their share, in percent.
pub const TYPES: [(&str, u32); 6] = [
    ("guía", 25),
    ("estudio", 20),
    ("lección aprendida", 15),
    ("memoria", 10),
    ("norma", 15),
    ("herramienta", 15),
];

/// Topics (`Dimension::Topic`); a document has one to three.
pub const TOPICS: [&str; 18] = [
    "planeación territorial",
    "finanzas públicas",
    "catastro",
    "agua potable y saneamiento",
    "gestión del riesgo",
    "vivienda",
    "educación",
    "salud",
    "contratación pública",
    "regalías",
    "desarrollo rural",
    "ambiente y cambio climático",
    "paz y víctimas",
    "gobierno digital",
    "participación ciudadana",
    "fortalecimiento institucional",
    "desarrollo económico",
    "movilidad y transporte",
];

/// The 33 departments (and Bogotá) by DANE code (`Dimension::Department`).
pub const DEPARTMENTS: [(&str, &str); 33] = [
    ("05", "Antioquia"),
    ("08", "Atlántico"),
    ("11", "Bogotá"),
    ("13", "Bolívar"),
    ("15", "Boyacá"),
    ("17", "Caldas"),
    ("18", "Caquetá"),
    ("19", "Cauca"),
    ("20", "Cesar"),
    ("23", "Córdoba"),
    ("25", "Cundinamarca"),
    ("27", "Chocó"),
    ("41", "Huila"),
    ("44", "La Guajira"),
    ("47", "Magdalena"),
    ("50", "Meta"),
    ("52", "Nariño"),
    ("54", "Norte de Santander"),
    ("63", "Quindío"),
    ("66", "Risaralda"),
    ("68", "Santander"),
    ("70", "Sucre"),
    ("73", "Tolima"),
    ("76", "Valle del Cauca"),
    ("81", "Arauca"),
    ("85", "Casanare"),
    ("86", "Putumayo"),
    ("88", "San Andrés"),
    ("91", "Amazonas"),
    ("94", "Guainía"),
    ("95", "Guaviare"),
    ("97", "Vaupés"),
    ("99", "Vichada"),
];

/// Organisations that publish or offer (`Dimension::Organisation`).
pub const ORGANISATIONS: [&str; 24] = [
    "DNP",
    "DAFP",
    "MINHACIENDA",
    "ESAP",
    "GIZ",
    "USAID",
    "PNUD",
    "BID",
    "BM",
    "CAF",
    "FINDETER",
    "MININTERIOR",
    "MINVIVIENDA",
    "MINEDUCACION",
    "MINSALUD",
    "MINAMBIENTE",
    "MINTIC",
    "DANE",
    "IGAC",
    "CGN",
    "CGR",
    "ART",
    "UNGRD",
    "APC",
];

/// How an offer is delivered (`Dimension::Modality`).
pub const MODALITIES: [&str; 3] = ["presencial", "virtual", "mixta"];

/// First and last year of the documents (`Dimension::Year`).
pub const YEARS: (u32, u32) = (2015, 2026);

/// Share of offers among the documents, in percent.
const OFFER_PERCENT: u32 = 10;

/// One query of the benchmarks' fixed set: what is typed, and the facet
/// filter of its filtered variant.
pub struct BenchQuery {
    pub text: &'static str,
    pub filter: (Dimension, &'static str),
}

/// The benchmarks' queries over this corpus: common, middling and rare
/// words, one to three of them (the bench prints their match counts).
pub const BENCH_QUERIES: [BenchQuery; 12] = [
    BenchQuery { text: "municipio", filter: (Dimension::Department, "52") },
    BenchQuery { text: "presupuesto", filter: (Dimension::Topic, "finanzas públicas") },
    BenchQuery { text: "catastro", filter: (Dimension::Department, "05") },
    BenchQuery { text: "trapiches", filter: (Dimension::Topic, "desarrollo rural") },
    BenchQuery { text: "vivienda rural", filter: (Dimension::Topic, "vivienda") },
    BenchQuery { text: "actualización catastral", filter: (Dimension::Department, "25") },
    BenchQuery { text: "presupuesto participativo", filter: (Dimension::Topic, "participación ciudadana") },
    BenchQuery { text: "alertas tempranas", filter: (Dimension::Department, "27") },
    BenchQuery { text: "plan desarrollo municipal", filter: (Dimension::Topic, "planeación territorial") },
    BenchQuery { text: "capacidad institucional territorial", filter: (Dimension::Department, "11") },
    BenchQuery { text: "junta acción comunal", filter: (Dimension::Topic, "agua potable y saneamiento") },
    BenchQuery { text: "restauración humedales páramos", filter: (Dimension::Department, "15") },
];

/// A deterministic corpus: `document(n)` is the same for the same seed and `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corpus {
    pub seed: u64,
}

impl Default for Corpus {
    fn default() -> Corpus {
        Corpus { seed: Corpus::SEED }
    }
}

impl Corpus {
    /// The seed of the published benchmark figures.
    pub const SEED: u64 = 0x5547_4954_2d43_4f52; // "SUGIT-COR"

    pub fn new(seed: u64) -> Corpus {
        Corpus { seed }
    }

    /// Document number `n`.
    pub fn document(&self, n: u64) -> Document {
        let vocabulary = vocabulary();
        let mut rng = Rng::new(self.seed ^ n.wrapping_mul(0xd1b5_4a32_d192_ed03));
        let kind = if rng.percent(OFFER_PERCENT) { Kind::Offer } else { Kind::Knowledge };

        let mut topics = [usize::MAX; 3];
        let topic_count = 1 + rng.weighted(&[50, 35, 15]);
        for i in 0..topic_count {
            topics[i] = loop {
                let topic = rng.below(TOPICS.len());
                if !topics[..i].contains(&topic) {
                    break topic;
                }
            };
        }
        let topics = &topics[..topic_count];
        let kind_of_product = match kind {
            Kind::Offer => None,
            _ => Some(rng.weighted(&TYPES.map(|(_, share)| share))),
        };
        let year = YEARS.0 + rng.below((YEARS.1 - YEARS.0 + 1) as usize) as u32;
        let department = rng.below(DEPARTMENTS.len());
        let organisation = rng.below(ORGANISATIONS.len());
        let modality = (kind == Kind::Offer).then(|| rng.below(MODALITIES.len()));

        let context = Context { topics, department, organisation };
        let title = vocabulary.title(&mut rng, &context, kind, kind_of_product);
        let summary = vocabulary.summary(&mut rng, &context);
        let body = vocabulary.body(&mut rng, &context);

        let mut facets = Vec::with_capacity(8);
        if let Some(t) = kind_of_product {
            facets.push((Dimension::Type, TYPES[t].0.to_owned()));
        }
        facets.extend(topics.iter().map(|&t| (Dimension::Topic, TOPICS[t].to_owned())));
        facets.push((Dimension::Year, year.to_string()));
        facets.push((Dimension::Department, DEPARTMENTS[department].0.to_owned()));
        facets.push((Dimension::Organisation, ORGANISATIONS[organisation].to_owned()));
        if let Some(m) = modality {
            facets.push((Dimension::Modality, MODALITIES[m].to_owned()));
        }
        let date = days_to_january_first(year) * 86_400 + rng.below(365 * 86_400) as i64;

        Document { key: Document::key_for(kind, &n.to_string()), kind, title, summary, body, facets, date }
    }

    /// Documents `range.start..range.end`, in order.
    pub fn documents(&self, range: std::ops::Range<u64>) -> impl Iterator<Item = Document> + '_ {
        range.map(move |n| self.document(n))
    }
}

/// Days from 1970-01-01 to January 1st of `year` (proleptic Gregorian).
fn days_to_january_first(year: u32) -> i64 {
    let before = i64::from(year) - 1;
    let leap_days = |y: i64| y / 4 - y / 100 + y / 400;
    365 * (i64::from(year) - 1970) + leap_days(before) - leap_days(1969)
}

/// SplitMix64: small, fast, good enough for text (and for the API fuzzer's cases).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut rng = Rng(seed);
        rng.next_u64();
        rng
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` below 2³²).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    fn percent(&mut self, p: u32) -> bool {
        self.below(100) < p as usize
    }

    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut pick = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if pick < w {
                return i;
            }
            pick -= w;
        }
        weights.len() - 1
    }

    /// A Zipf-distributed index from a precomputed table.
    fn zipf(&mut self, table: &Zipf) -> usize {
        usize::from(table.0[(self.next_u64() >> (64 - ZIPF_BITS)) as usize])
    }
}

const ZIPF_BITS: u32 = 12;

/// Slot → rank, so that rank `r` fills a share of slots proportional to `1 / r^s`.
struct Zipf(Vec<u16>);

impl Zipf {
    fn new(len: usize, exponent: f64) -> Zipf {
        let weights: Vec<f64> = (1..=len).map(|r| 1.0 / (r as f64).powf(exponent)).collect();
        let total: f64 = weights.iter().sum();
        let slots = 1usize << ZIPF_BITS;
        let mut table = Vec::with_capacity(slots);
        let mut cumulative = 0.0;
        let mut rank = 0;
        for slot in 0..slots {
            let target = (slot as f64 + 0.5) / slots as f64;
            while rank + 1 < len && cumulative + weights[rank] / total < target {
                cumulative += weights[rank] / total;
                rank += 1;
            }
            table.push(rank as u16);
        }
        Zipf(table)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Masculine,
    Feminine,
    /// Feminine with "el" in the singular: el agua, el área.
    FeminineEl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Number {
    Singular,
    Plural,
}

/// Words ready to write: a place in the vocabulary's text, and how many words
/// they are (small and contiguous, so generating stays in the CPU's caches).
#[derive(Debug, Clone, Copy, Default)]
struct Phrase {
    start: u32,
    len: u16,
    words: u16,
}

impl Phrase {
    fn new(arena: &mut String, text: &str) -> Phrase {
        let start = u32::try_from(arena.len()).expect("a small vocabulary");
        arena.push_str(text);
        let len = u16::try_from(text.len()).expect("a short phrase");
        Phrase { start, len, words: text.split(' ').count() as u16 }
    }
}

/// A noun with its determiners written out, per number (singular, plural) when
/// it has that number: bare, definite ("la gestión"), indefinite ("una
/// gestión"), and definite after "de" ("del municipio", "de las regalías").
struct Noun {
    forms: [[Phrase; 4]; 2],
    /// Whether it has a singular, a plural.
    numbers: [bool; 2],
    gender: Gender,
    /// One word: it takes an adjective (expressions do not).
    single: bool,
}

const BARE: usize = 0;
const DEFINITE: usize = 1;
const INDEFINITE: usize = 2;
const OF_THE: usize = 3;

impl Noun {
    fn new(arena: &mut String, singular: Option<&str>, plural: Option<&str>, gender: Gender) -> Noun {
        let mut forms = |word: Option<&str>, number: Number| {
            let Some(word) = word else { return [Phrase::default(); 4] };
            let (definite, indefinite) = match (number, gender) {
                (Number::Singular, Gender::Feminine) => ("la", "una"),
                (Number::Singular, _) => ("el", "un"),
                (Number::Plural, Gender::Masculine) => ("los", "unos"),
                (Number::Plural, _) => ("las", "unas"),
            };
            let of_the =
                if definite == "el" { format!("del {word}") } else { format!("de {definite} {word}") };
            [
                Phrase::new(arena, word),
                Phrase::new(arena, &format!("{definite} {word}")),
                Phrase::new(arena, &format!("{indefinite} {word}")),
                Phrase::new(arena, &of_the),
            ]
        };
        let single = !singular.or(plural).unwrap_or_default().contains(' ');
        Noun {
            forms: [forms(singular, Number::Singular), forms(plural, Number::Plural)],
            numbers: [singular.is_some(), plural.is_some()],
            gender,
            single,
        }
    }

    /// The word itself, in its first number.
    fn bare(&self) -> (Phrase, Number) {
        match self.numbers {
            [true, _] => (self.forms[0][BARE], Number::Singular),
            _ => (self.forms[1][BARE], Number::Plural),
        }
    }
}

struct Adjective {
    /// Masculine singular, feminine singular, masculine plural, feminine plural.
    forms: [String; 4],
}

struct Vocabulary {
    /// The text of every `Phrase`.
    arena: String,
    nouns: Vec<Noun>,
    noun_zipf: Zipf,
    rare: Vec<Noun>,
    rare_zipf: Zipf,
    topic_nouns: Vec<Vec<Noun>>,
    topic_zipf: Vec<Zipf>,
    adjectives: Vec<Adjective>,
    adjective_zipf: Zipf,
    /// Third person singular and plural.
    verbs: Vec<(&'static str, &'static str)>,
    verb_zipf: Zipf,
}

/// What a document is about, shared by its title, summary and body.
struct Context<'a> {
    topics: &'a [usize],
    department: usize,
    organisation: usize,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(Vocabulary::build)
}

/// `"word:g"` with `g` one of `m`, `f`, `a` (feminine with "el"); a third part
/// gives the plural (`-` for none), `mp`/`fp` mark plural-only nouns; without
/// a plural, Spanish rules make one (none for expressions of several words).
fn noun(arena: &mut String, spec: &str) -> Noun {
    let mut parts = spec.split(':');
    let word = parts.next().unwrap_or_default();
    let gender_spec = parts.next().unwrap_or("m");
    let plural_spec = parts.next();
    let gender = match gender_spec.as_bytes().first() {
        Some(b'f') => Gender::Feminine,
        Some(b'a') => Gender::FeminineEl,
        _ => Gender::Masculine,
    };
    if gender_spec.ends_with('p') {
        return Noun::new(arena, None, Some(word), gender);
    }
    let plural = match plural_spec {
        Some("-") => None,
        Some(plural) => Some(plural.to_owned()),
        None if word.contains(' ') => None,
        None => Some(plural_of(word)),
    };
    Noun::new(arena, Some(word), plural.as_deref(), gender)
}

/// `"masculine/feminine"` or one form for both; `=` at the end: no plural change.
fn adjective(spec: &str) -> Adjective {
    let (spec, invariable) = match spec.strip_suffix('=') {
        Some(s) => (s, true),
        None => (spec, false),
    };
    let (m, f) = spec.split_once('/').unwrap_or((spec, spec));
    let plural = |w: &str| if invariable { w.to_owned() } else { plural_of(w) };
    Adjective { forms: [m.to_owned(), f.to_owned(), plural(m), plural(f)] }
}

/// The regular Spanish plural.
fn plural_of(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ión") {
        return format!("{stem}iones");
    }
    if let Some(stem) = word.strip_suffix('z') {
        return format!("{stem}ces");
    }
    if word.ends_with("is") {
        return word.to_owned();
    }
    match word.chars().last() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'á' | 'é' | 'ó') => format!("{word}s"),
        _ => format!("{word}es"),
    }
}

/// General nouns of public administration, most frequent first.
const NOUNS: &[&str] = &[
    "municipio:m",
    "entidad:f",
    "gestión:f",
    "plan:m",
    "desarrollo:m",
    "proyecto:m",
    "territorio:m",
    "programa:m",
    "información:f",
    "alcaldía:f",
    "recurso:m",
    "comunidad:f",
    "proceso:m",
    "política:f",
    "servicio:m",
    "población:f",
    "departamento:m",
    "capacidad:f",
    "estrategia:f",
    "inversión:f",
    "presupuesto:m",
    "administración:f",
    "instrumento:m",
    "planeación:f",
    "gobierno:m",
    "sector:m",
    "seguimiento:m",
    "funcionario:m",
    "secretaría:f",
    "indicador:m",
    "meta:f",
    "resultado:m",
    "acción:f",
    "ciudadanía:f",
    "mecanismo:m",
    "actor:m",
    "equipo:m",
    "fuente:f",
    "herramienta:f",
    "concejo:m",
    "diagnóstico:m",
    "financiación:f",
    "convenio:m",
    "obra:f",
    "norma:f",
    "vigencia:f",
    "periodo:m",
    "informe:m",
    "control:m",
    "evaluación:f",
    "calidad:f",
    "cobertura:f",
    "necesidad:f",
    "región:f",
    "zona:f",
    "hogar:m",
    "familia:f",
    "organización:f",
    "empresa:f",
    "usuario:m",
    "ingreso:m",
    "gasto:m",
    "transferencia:f",
    "área:a",
    "agua:a",
    "educación:f",
    "salud:f",
    "vivienda:f",
    "riesgo:m",
    "ambiente:m",
    "participación:f",
    "transparencia:f",
    "contratación:f",
    "tecnología:f",
    "trámite:m",
    "documento:m",
    "capacitación:f",
    "asistencia técnica:f:asistencias técnicas",
    "acompañamiento:m",
    "cooperación:f",
    "experiencia:f",
    "lección:f",
    "práctica:f",
    "metodología:f",
    "guía:f",
    "lineamiento:m",
    "procedimiento:m",
    "estudio:m",
    "análisis:m",
    "alcalde:m",
    "gobernación:f",
    "ley:f",
    "decreto:m",
    "acuerdo:m",
    "consejo:m",
    "ciudadano:m",
    "mujer:f",
    "joven:m:jóvenes",
    "niño:m",
    "víctima:f",
    "productor:m",
    "campesino:m",
    "asociación:f",
    "vía:f",
    "red:f",
    "sistema:m",
    "base:f",
    "registro:m",
    "dato:m",
    "reporte:m",
    "tablero:m",
    "etapa:f",
    "fase:f",
    "objetivo:m",
    "componente:m",
    "criterio:m",
    "requisito:m",
    "costo:m",
    "beneficio:m",
    "impacto:m",
    "avance:m",
    "logro:m",
    "dificultad:f",
    "oportunidad:f",
    "reto:m",
    "brecha:f",
    "enfoque:m",
    "modelo:m",
    "esquema:m",
    "mesa:f",
    "comité:m",
    "instancia:f",
    "dependencia:f",
    "oficina:f",
    "unidad:f",
    "apoyo:m",
    "aliado:m",
    "cooperante:m",
    "sociedad:f",
    "institución:f",
    "ministerio:m",
    "agencia:f",
    "fondo:m",
    "banco:m",
    "crédito:m",
    "deuda:f",
    "impuesto:m",
    "tasa:f",
    "tarifa:f",
    "subsidio:m",
    "contribución:f",
    "cartera:f",
    "patrimonio:m",
    "bien:m",
    "activo:m",
    "contrato:m",
    "proveedor:m",
    "oferta:f",
    "demanda:f",
    "mercado:m",
    "empleo:m",
    "turismo:m",
    "cultura:f",
    "deporte:m",
    "seguridad:f",
    "convivencia:f",
    "justicia:f",
    "derecho:m",
    "deber:m",
    "conflicto:m",
    "paz:f:-",
    "tierra:f",
    "suelo:m",
    "predio:m",
    "catastro:m",
    "ordenamiento:m",
    "licencia:f",
    "permiso:m",
    "acueducto:m",
    "alcantarillado:m",
    "residuo:m",
    "energía:f",
    "transporte:m",
    "movilidad:f",
    "colegio:m",
    "docente:m",
    "estudiante:m",
    "hospital:m",
    "atención:f",
    "emergencia:f",
    "amenaza:f",
    "cambio:m",
    "clima:m",
    "cuenca:f",
    "bosque:m",
    "agricultura:f",
    "cultivo:m",
    "cadena:f",
    "archivo:m",
    "talento:m",
    "formación:f",
    "curso:m",
    "taller:m",
    "manual:m",
    "protocolo:m",
    "memoria:f",
    "veeduría:f",
    "auditoría:f",
    "contraloría:f",
    "personería:f",
    "interventoría:f",
    "supervisión:f",
    "licitación:f",
    "compra:f",
    "pliego:m",
    "regalías:fp",
    "sistema general de regalías:m",
    "plan de desarrollo:m:planes de desarrollo",
    "rendición de cuentas:f:-",
    "control social:m:-",
    "agua potable:a:-",
    "saneamiento básico:m:-",
    "entidades territoriales:fp",
    "cooperación internacional:f:-",
    "contratación pública:f:-",
    "plan de ordenamiento territorial:m:planes de ordenamiento territorial",
    "conectividad:f",
    "interoperabilidad:f",
    "digitalización:f",
    "territorialidad:f",
    "sostenibilidad:f",
    "resiliencia:f",
    "equidad:f",
    "inclusión:f",
    "pobreza:f",
    "desigualdad:f",
    "nutrición:f",
    "alimentación:f",
    "vacunación:f",
    "afiliación:f",
    "matrícula:f",
    "deserción:f",
    "infraestructura:f",
    "mantenimiento:m",
    "rehabilitación:f",
    "construcción:f",
    "dotación:f",
    "operación:f",
    "prestación:f",
    "aseguramiento:m",
    "vigilancia:f",
    "inspección:f",
    "sanción:f",
    "recaudo:m",
    "fiscalización:f",
    "liquidación:f",
    "estatuto:m",
    "marco fiscal de mediano plazo:m:-",
    "cuatrienio:m",
    "empalme:m",
    "posesión:f",
    "elección:f",
    "consulta:f",
    "audiencia:f",
    "encuentro:m",
    "foro:m",
    "jornada:f",
];

/// Rare nouns: specialised words most documents never use.
const RARE_NOUNS: &[&str] = &[
    "humedal:m",
    "páramo:m",
    "manglar:m",
    "acuífero:m",
    "aljibe:m",
    "jagüey:m",
    "vertimiento:m",
    "lixiviado:m",
    "compostaje:m",
    "reciclaje:m",
    "biogás:m:-",
    "geotermia:f",
    "deslizamiento:m",
    "vendaval:m",
    "granizada:f",
    "sismo:m",
    "avalancha:f",
    "sequía:f",
    "incendio forestal:m:incendios forestales",
    "ortofoto:f",
    "fotogrametría:f",
    "georreferenciación:f",
    "dron:m",
    "palafito:m",
    "resguardo:m",
    "cabildo:m",
    "palenque:m",
    "etnoeducación:f",
    "bilingüismo:m",
    "teletrabajo:m",
    "apicultura:f",
    "piscicultura:f",
    "acuicultura:f",
    "agroturismo:m",
    "ecoturismo:m",
    "artesanía:f",
    "ludoteca:f",
    "biblioteca:f",
    "hemeroteca:f",
    "telemedicina:f",
    "dengue:m",
    "malaria:f",
    "desnutrición:f",
    "sarampión:m",
    "ambulancia:f",
    "jarillón:m",
    "dragado:m",
    "tarabita:f",
    "cable aéreo:m:cables aéreos",
    "placa huella:f:placas huella",
    "ciclorruta:f",
    "peaje:m",
    "chatarrización:f",
    "minería:f",
    "barequeo:m",
    "baldío:m",
    "sucesión:f",
    "englobe:m",
    "desenglobe:m",
    "plusvalía:f",
    "valorización:f",
    "estampilla:f",
    "sobretasa:f",
    "cuota parte:f:cuotas partes",
    "pasivo pensional:m:pasivos pensionales",
    "vigencia futura:f:vigencias futuras",
    "embargo:m",
    "tutela:f",
    "desacato:m",
    "conciliación:f",
    "arbitraje:m",
    "heliotropo:m",
    "frailejón:m",
    "mangle:m",
    "guadua:f",
    "cacao:m",
    "panela:f",
    "trapiche:m",
    "sismorresistencia:f",
];

/// Words of each topic, in the order of `TOPICS`.
const TOPIC_NOUNS: [&[&str]; 18] = [
    &[
        "ordenamiento:m",
        "plan de ordenamiento territorial:m:planes de ordenamiento territorial",
        "uso del suelo:m:usos del suelo",
        "expediente municipal:m:expedientes municipales",
        "prospectiva:f",
        "visión:f",
        "plan de desarrollo:m:planes de desarrollo",
        "esquema de ordenamiento:m:esquemas de ordenamiento",
        "perímetro urbano:m:perímetros urbanos",
        "cartografía:f",
    ],
    &[
        "presupuesto:m",
        "recaudo:m",
        "impuesto predial:m:impuestos prediales",
        "deuda:f",
        "ingreso:m",
        "gasto:m",
        "vigencia:f",
        "marco fiscal de mediano plazo:m:-",
        "sobretasa:f",
        "estatuto tributario:m:estatutos tributarios",
        "saneamiento fiscal:m:-",
    ],
    &[
        "catastro:m",
        "predio:m",
        "avalúo:m",
        "gestor catastral:m:gestores catastrales",
        "actualización catastral:f:actualizaciones catastrales",
        "levantamiento:m",
        "ortofoto:f",
        "propietario:m",
        "matrícula inmobiliaria:f:matrículas inmobiliarias",
        "catastro multipropósito:m:-",
    ],
    &[
        "acueducto:m",
        "alcantarillado:m",
        "agua potable:a:-",
        "prestador:m",
        "tarifa:f",
        "vertimiento:m",
        "planta de tratamiento:f:plantas de tratamiento",
        "junta de acción comunal:f:juntas de acción comunal",
        "fuente hídrica:f:fuentes hídricas",
        "saneamiento básico:m:-",
    ],
    &[
        "riesgo:m",
        "amenaza:f",
        "emergencia:f",
        "inundación:f",
        "deslizamiento:m",
        "alerta temprana:f:alertas tempranas",
        "damnificado:m",
        "vulnerabilidad:f",
        "fenómeno de la niña:m:-",
        "consejo de gestión del riesgo:m:-",
    ],
    &[
        "vivienda:f",
        "hogar:m",
        "déficit habitacional:m:-",
        "mejoramiento:m",
        "subsidio:m",
        "titulación:f",
        "asentamiento:m",
        "vivienda de interés social:f:viviendas de interés social",
        "legalización:f",
    ],
    &[
        "colegio:m",
        "docente:m",
        "estudiante:m",
        "matrícula:f",
        "alimentación escolar:f:-",
        "deserción:f",
        "sede educativa:f:sedes educativas",
        "transporte escolar:m:-",
        "jornada única:f:-",
        "rector:m",
    ],
    &[
        "hospital:m",
        "afiliación:f",
        "vacunación:f",
        "atención primaria:f:-",
        "prestación:f",
        "aseguramiento:m",
        "salud pública:f:-",
        "régimen subsidiado:m:-",
        "puesto de salud:m:puestos de salud",
        "empresa social del estado:f:empresas sociales del estado",
    ],
    &[
        "contrato:m",
        "licitación:f",
        "pliego:m",
        "proveedor:m",
        "supervisión:f",
        "interventoría:f",
        "contratación pública:f:-",
        "estudio previo:m:estudios previos",
        "mínima cuantía:f:-",
        "acuerdo marco:m:acuerdos marco",
        "SECOP:m:-",
    ],
    &[
        "regalías:fp",
        "sistema general de regalías:m:-",
        "asignación:f",
        "proyecto de inversión:m:proyectos de inversión",
        "OCAD:m:-",
        "banco de proyectos:m:bancos de proyectos",
        "asignación directa:f:asignaciones directas",
        "cofinanciación:f",
        "viabilidad:f",
    ],
    &[
        "campesino:m",
        "productor:m",
        "cultivo:m",
        "extensión agropecuaria:f:-",
        "asociación:f",
        "vía terciaria:f:vías terciarias",
        "cosecha:f",
        "comercialización:f",
        "distrito de riego:m:distritos de riego",
        "seguridad alimentaria:f:-",
    ],
    &[
        "cuenca:f",
        "bosque:m",
        "páramo:m",
        "emisión:f",
        "adaptación:f",
        "deforestación:f",
        "cambio climático:m:-",
        "área protegida:a:áreas protegidas",
        "restauración:f",
        "humedal:m",
    ],
    &[
        "víctima:f",
        "reparación:f",
        "reincorporación:f",
        "restitución:f",
        "PDET:m:-",
        "reconciliación:f",
        "memoria histórica:f:-",
        "excombatiente:m",
        "retorno:m",
        "acuerdo de paz:m:-",
    ],
    &[
        "trámite:m",
        "dato abierto:m:datos abiertos",
        "conectividad:f",
        "plataforma:f",
        "interoperabilidad:f",
        "sede electrónica:f:sedes electrónicas",
        "ciberseguridad:f",
        "firma digital:f:firmas digitales",
        "transformación digital:f:-",
    ],
    &[
        "veeduría:f",
        "rendición de cuentas:f:-",
        "control social:m:-",
        "consulta:f",
        "presupuesto participativo:m:presupuestos participativos",
        "audiencia pública:f:audiencias públicas",
        "cabildo abierto:m:cabildos abiertos",
        "junta de acción comunal:f:juntas de acción comunal",
        "organización social:f:organizaciones sociales",
    ],
    &[
        "capacidad:f",
        "talento humano:m:-",
        "MIPG:m:-",
        "archivo:m",
        "competencia:f",
        "desempeño:m",
        "índice de desempeño:m:-",
        "planta de personal:f:plantas de personal",
        "control interno:m:-",
        "empalme:m",
    ],
    &[
        "empleo:m",
        "emprendimiento:m",
        "turismo:m",
        "empresa:f",
        "mercado:m",
        "encadenamiento productivo:m:encadenamientos productivos",
        "competitividad:f",
        "innovación:f",
        "formalización:f",
        "economía popular:f:-",
    ],
    &[
        "vía:f",
        "transporte:m",
        "tránsito:m",
        "movilidad:f",
        "seguridad vial:f:-",
        "terminal:f",
        "puente:m",
        "malla vial:f:mallas viales",
        "placa huella:f:placas huella",
        "transporte público:m:-",
    ],
];

const ADJECTIVES: &[&str] = &[
    "municipal",
    "territorial",
    "público/pública",
    "local",
    "técnico/técnica",
    "rural",
    "institucional",
    "financiero/financiera",
    "social",
    "departamental",
    "nacional",
    "urbano/urbana",
    "integral",
    "ambiental",
    "fiscal",
    "sostenible",
    "participativo/participativa",
    "administrativo/administrativa",
    "comunitario/comunitaria",
    "estratégico/estratégica",
    "económico/económica",
    "regional",
    "educativo/educativa",
    "productivo/productiva",
    "eficiente",
    "oportuno/oportuna",
    "transparente",
    "básico/básica",
    "prioritario/prioritaria",
    "nuevo/nueva",
    "principal",
    "cultural",
    "agropecuario/agropecuaria",
    "sanitario/sanitaria",
    "digital",
    "vial",
    "catastral",
    "presupuestal",
    "contractual",
    "diferencial",
    "étnico/étnica",
    "indígena",
    "afrocolombiano/afrocolombiana",
    "inclusivo/inclusiva",
    "vulnerable",
    "general",
    "específico/específica",
    "anual",
    "cuatrienal",
    "pequeño/pequeña",
    "mayor",
    "disperso/dispersa",
    "fronterizo/fronteriza",
    "costero/costera",
    "hídrico/hídrica",
    "energético/energética",
    "forestal",
    "minero/minera",
    "turístico/turística",
    "tributario/tributaria",
    "pensional",
    "jurídico/jurídica",
    "normativo/normativa",
    "operativo/operativa",
    "preventivo/preventiva",
    "colectivo/colectiva",
    "internacional",
    "intersectorial",
    "interinstitucional",
    "multipropósito=",
    "eficaz",
    "abierto/abierta",
    "efectivo/efectiva",
    "reciente",
    "complejo/compleja",
    "limitado/limitada",
    "adecuado/adecuada",
    "suficiente",
    "permanente",
    "temporal",
];

const VERBS: &[(&str, &str)] = &[
    ("fortalece", "fortalecen"),
    ("gestiona", "gestionan"),
    ("formula", "formulan"),
    ("implementa", "implementan"),
    ("financia", "financian"),
    ("apoya", "apoyan"),
    ("promueve", "promueven"),
    ("garantiza", "garantizan"),
    ("prioriza", "priorizan"),
    ("articula", "articulan"),
    ("ejecuta", "ejecutan"),
    ("evalúa", "evalúan"),
    ("reporta", "reportan"),
    ("identifica", "identifican"),
    ("define", "definen"),
    ("establece", "establecen"),
    ("orienta", "orientan"),
    ("mejora", "mejoran"),
    ("reduce", "reducen"),
    ("amplía", "amplían"),
    ("contrata", "contratan"),
    ("supervisa", "supervisan"),
    ("actualiza", "actualizan"),
    ("consolida", "consolidan"),
    ("acompaña", "acompañan"),
    ("asesora", "asesoran"),
    ("capacita", "capacitan"),
    ("documenta", "documentan"),
    ("analiza", "analizan"),
    ("presenta", "presentan"),
    ("describe", "describen"),
    ("recoge", "recogen"),
    ("propone", "proponen"),
    ("requiere", "requieren"),
    ("incluye", "incluyen"),
    ("permite", "permiten"),
    ("facilita", "facilitan"),
    ("impulsa", "impulsan"),
    ("coordina", "coordinan"),
    ("asigna", "asignan"),
    ("aprueba", "aprueban"),
    ("adopta", "adoptan"),
    ("regula", "regulan"),
    ("reglamenta", "reglamentan"),
    ("destina", "destinan"),
    ("cofinancia", "cofinancian"),
    ("mitiga", "mitigan"),
    ("previene", "previenen"),
    ("atiende", "atienden"),
    ("protege", "protegen"),
    ("restaura", "restauran"),
    ("focaliza", "focalizan"),
    ("caracteriza", "caracterizan"),
    ("sistematiza", "sistematizan"),
    ("socializa", "socializan"),
    ("transfiere", "transfieren"),
    ("recauda", "recaudan"),
    ("liquida", "liquidan"),
    ("audita", "auditan"),
    ("vigila", "vigilan"),
];

/// Sentence openers, with their comma.
const OPENERS: &[&str] = &[
    "Además,",
    "Por otra parte,",
    "En consecuencia,",
    "Por lo tanto,",
    "Sin embargo,",
    "En la práctica,",
    "Con este propósito,",
    "Durante la vigencia,",
    "En el periodo analizado,",
    "Según el diagnóstico,",
    "A partir de esta experiencia,",
    "En los municipios de categoría sexta,",
];

const PREPOSITIONS: &[&str] =
    &["de", "de", "de", "en", "para", "con", "sobre", "mediante", "durante", "desde", "entre", "según"];

const SUMMARY_VERBS: &[&str] =
    &["Presenta", "Describe", "Analiza", "Recoge", "Propone", "Documenta", "Sistematiza", "Orienta"];

/// Title openings by product type (in the order of `TYPES`), then for offers.
const TITLE_OPENINGS: [&[&str]; 7] = [
    &["Guía de", "Guía para la gestión de", "Guía metodológica de", "Orientaciones para"],
    &["Estudio sobre", "Análisis de", "Diagnóstico de", "Evaluación de"],
    &["Lecciones aprendidas en", "Experiencia de", "Aprendizajes sobre"],
    &["Memorias del encuentro sobre", "Memoria técnica de", "Memorias del foro de"],
    &["Decreto que reglamenta", "Resolución sobre", "Circular sobre", "Acuerdo municipal de"],
    &["Herramienta para", "Caja de herramientas de", "Tablero de seguimiento de", "Matriz de"],
    &["Curso de", "Diplomado en", "Taller de", "Asistencia técnica en", "Seminario virtual de"],
];

/// Text being written, with its word count and sentence capitals.
struct Text {
    text: String,
    words: usize,
    capital: bool,
}

impl Text {
    fn with_capacity(capacity: usize) -> Text {
        Text { text: String::with_capacity(capacity), words: 0, capital: false }
    }

    /// One word.
    fn single(&mut self, word: &str) {
        self.put(word);
        self.words += 1;
    }

    /// Any words.
    fn word(&mut self, words: &str) {
        self.put(words);
        self.words += words.split(' ').count();
    }

    fn put(&mut self, text: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        if self.capital {
            self.capital = false;
            let mut chars = text.chars();
            if let Some(first) = chars.next() {
                self.text.extend(first.to_uppercase());
                self.text.push_str(chars.as_str());
            }
        } else {
            self.text.push_str(text);
        }
    }

    fn stop(&mut self) {
        self.text.push('.');
    }
}

impl Vocabulary {
    fn build() -> Vocabulary {
        let mut arena = String::with_capacity(64 * 1024);
        let nouns: Vec<Noun> = NOUNS.iter().map(|s| noun(&mut arena, s)).collect();
        let rare: Vec<Noun> = RARE_NOUNS.iter().map(|s| noun(&mut arena, s)).collect();
        let topic_nouns: Vec<Vec<Noun>> =
            TOPIC_NOUNS.iter().map(|words| words.iter().map(|s| noun(&mut arena, s)).collect()).collect();
        let adjectives: Vec<Adjective> = ADJECTIVES.iter().map(|s| adjective(s)).collect();
        Vocabulary {
            noun_zipf: Zipf::new(nouns.len(), 0.9),
            rare_zipf: Zipf::new(rare.len(), 1.0),
            topic_zipf: topic_nouns.iter().map(|words| Zipf::new(words.len(), 0.8)).collect(),
            adjective_zipf: Zipf::new(adjectives.len(), 0.8),
            verb_zipf: Zipf::new(VERBS.len(), 0.9),
            nouns,
            rare,
            topic_nouns,
            adjectives,
            verbs: VERBS.to_vec(),
            arena,
        }
    }

    /// A noun of the document: mostly general, often of its topics, seldom rare.
    fn pick_noun(&self, rng: &mut Rng, context: &Context) -> &Noun {
        let roll = rng.below(100);
        if roll < 30 {
            let topic = context.topics[rng.below(context.topics.len())];
            &self.topic_nouns[topic][rng.zipf(&self.topic_zipf[topic])]
        } else if roll < 34 {
            &self.rare[rng.zipf(&self.rare_zipf)]
        } else {
            &self.nouns[rng.zipf(&self.noun_zipf)]
        }
    }

    /// A noun phrase after `prep`, with a determiner `article` percent of the
    /// time ("de el" contracts to "del").
    fn noun_phrase(
        &self,
        rng: &mut Rng,
        out: &mut Text,
        context: &Context,
        article: u32,
        prep: Option<&str>,
    ) -> Number {
        let noun = self.pick_noun(rng, context);
        let number = match noun.numbers {
            [true, true] if rng.percent(30) => Number::Plural,
            [true, _] => Number::Singular,
            _ => Number::Plural,
        };
        let forms = &noun.forms[number as usize];
        let determiner = match rng.percent(article) {
            true if rng.percent(15) => INDEFINITE,
            true => DEFINITE,
            false => BARE,
        };
        match prep {
            Some("de") if determiner == DEFINITE => self.say(out, forms[OF_THE]),
            Some(prep) => {
                out.single(prep);
                self.say(out, forms[determiner]);
            }
            None => self.say(out, forms[determiner]),
        }
        if noun.single && rng.percent(45) {
            self.adjective(rng, out, number, noun.gender);
        }
        number
    }

    /// Words of the vocabulary, counted beforehand.
    fn say(&self, out: &mut Text, phrase: Phrase) {
        let start = phrase.start as usize;
        out.put(&self.arena[start..start + usize::from(phrase.len)]);
        out.words += usize::from(phrase.words);
    }

    fn adjective(&self, rng: &mut Rng, out: &mut Text, number: Number, gender: Gender) {
        let adjective = &self.adjectives[rng.zipf(&self.adjective_zipf)];
        let feminine = usize::from(gender != Gender::Masculine);
        let plural = if number == Number::Plural { 2 } else { 0 };
        out.single(&adjective.forms[plural + feminine]);
    }

    fn verb(&self, rng: &mut Rng, out: &mut Text, number: Number) {
        let (singular, plural) = self.verbs[rng.zipf(&self.verb_zipf)];
        out.single(if number == Number::Singular { singular } else { plural });
    }

    fn sentence(&self, rng: &mut Rng, out: &mut Text, context: &Context) {
        out.capital = true;
        match rng.below(20) {
            0..=4 => out.word(OPENERS[rng.below(OPENERS.len())]),
            5 => {
                out.word("con el apoyo del");
                out.single(ORGANISATIONS[context.organisation]);
                out.text.push(',');
            }
            _ => {}
        }
        let number = self.noun_phrase(rng, out, context, 100, None);
        if rng.percent(40) {
            self.noun_phrase(rng, out, context, 50, Some("de"));
        }
        self.verb(rng, out, number);
        self.noun_phrase(rng, out, context, 85, None);
        for _ in 0..rng.below(3) {
            if rng.percent(10) {
                out.single("en");
                out.word(DEPARTMENTS[context.department].1);
            } else {
                let prep = PREPOSITIONS[rng.below(PREPOSITIONS.len())];
                self.noun_phrase(rng, out, context, 50, Some(prep));
            }
        }
        if rng.percent(25) {
            out.single("y");
            self.verb(rng, out, number);
            self.noun_phrase(rng, out, context, 100, None);
        }
        out.stop();
    }

    fn title(&self, rng: &mut Rng, context: &Context, kind: Kind, product: Option<usize>) -> String {
        let openings = TITLE_OPENINGS[if kind == Kind::Offer { 6 } else { product.unwrap_or(0) }];
        loop {
            let mut out = Text::with_capacity(96);
            out.word(openings[rng.below(openings.len())]);
            let topic = context.topics[0];
            let words = &self.topic_nouns[topic];
            // The head: a word of the main topic, with an adjective or a complement.
            let head = &words[rng.zipf(&self.topic_zipf[topic])];
            let (word, number) = head.bare();
            self.say(&mut out, word);
            if head.single && rng.percent(60) {
                self.adjective(rng, &mut out, number, head.gender);
            }
            if rng.percent(50) {
                self.noun_phrase(rng, &mut out, context, 50, Some("de"));
            }
            if rng.percent(40) {
                out.single("en");
                out.word(DEPARTMENTS[context.department].1);
            }
            if (4..=10).contains(&out.words) {
                return out.text;
            }
            if out.words < 4 {
                out.single("en");
                out.word(DEPARTMENTS[context.department].1);
                if (4..=10).contains(&out.words) {
                    return out.text;
                }
            }
        }
    }

    fn summary(&self, rng: &mut Rng, context: &Context) -> String {
        let mut out = Text::with_capacity(200);
        out.single(SUMMARY_VERBS[rng.below(SUMMARY_VERBS.len())]);
        self.noun_phrase(rng, &mut out, context, 100, None);
        self.noun_phrase(rng, &mut out, context, 100, Some("de"));
        let prep = ["para", "en", "con", "sobre"][rng.below(4)];
        self.noun_phrase(rng, &mut out, context, 100, Some(prep));
        if rng.percent(50) {
            out.single("en");
            out.word(DEPARTMENTS[context.department].1);
        }
        out.stop();
        out.text
    }

    fn body(&self, rng: &mut Rng, context: &Context) -> String {
        let target = 80 + rng.below(121);
        let mut out = Text::with_capacity(target * 9);
        while out.words < target {
            self.sentence(rng, &mut out, context);
        }
        out.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> usize {
        text.split_whitespace().count()
    }

    #[test]
    fn the_same_number_gives_the_same_document_and_others_differ() {
        let corpus = Corpus::default();
        assert_eq!(corpus.document(42), corpus.document(42));
        assert_eq!(Corpus::default().document(7), corpus.document(7));
        assert_ne!(corpus.document(42), corpus.document(43));
        assert_ne!(corpus.document(42).body, Corpus::new(1).document(42).body);
        let listed: Vec<Document> = corpus.documents(10..13).collect();
        assert_eq!(listed, (10..13).map(|n| corpus.document(n)).collect::<Vec<_>>());
        assert_eq!(listed[0].key, Document::key_for(listed[0].kind, "10"));
    }

    #[test]
    fn documents_have_their_shape_and_facets() {
        let corpus = Corpus::default();
        let documents: Vec<Document> = corpus.documents(0..2_000).collect();
        let offers = documents.iter().filter(|d| d.kind == Kind::Offer).count();
        assert!((120..=280).contains(&offers), "about 10 % offers: {offers}");
        for d in &documents {
            let count = |dimension| d.facets.iter().filter(|(dim, _)| *dim == dimension).count();
            assert!((4..=10).contains(&words(&d.title)), "{}", d.title);
            assert!(d.summary.ends_with('.') && d.summary.matches('.').count() == 1, "{}", d.summary);
            assert!((80..=240).contains(&words(&d.body)), "{} words", words(&d.body));
            assert!((1..=3).contains(&count(Dimension::Topic)), "{:?}", d.facets);
            assert_eq!(count(Dimension::Year), 1);
            assert_eq!(count(Dimension::Department), 1);
            assert_eq!(count(Dimension::Organisation), 1);
            match d.kind {
                Kind::Offer => {
                    assert_eq!((count(Dimension::Modality), count(Dimension::Type)), (1, 0));
                }
                _ => assert_eq!((count(Dimension::Modality), count(Dimension::Type)), (0, 1)),
            }
            let year: u32 = d
                .facets
                .iter()
                .find(|(dim, _)| *dim == Dimension::Year)
                .expect("year")
                .1
                .parse()
                .expect("number");
            assert!((YEARS.0..=YEARS.1).contains(&year));
            let (start, end) =
                (days_to_january_first(year) * 86_400, days_to_january_first(year + 1) * 86_400);
            assert!((start..end).contains(&d.date), "date {} in {year}", d.date);
            assert_eq!(d.key, Document::key_for(d.kind, d.key.split(':').nth(1).expect("id")));
        }
    }

    #[test]
    fn the_vocabulary_is_spanish_with_accents_and_a_long_tail() {
        let corpus = Corpus::default();
        let text: String =
            corpus.documents(0..500).map(|d| format!("{} {} {} ", d.title, d.summary, d.body)).collect();
        for accented in ['á', 'é', 'í', 'ó', 'ú', 'ñ'] {
            assert!(text.contains(accented), "no {accented}");
        }
        for word in ["municipio", "alcaldía", "planeación", "regalías", "presupuesto", "gestiones"] {
            assert!(text.contains(word), "no {word}");
        }
        let lower = text.to_lowercase();
        let frequency = |word: &str| lower.matches(word).count();
        assert!(frequency(" municipio") > 20 * frequency(" manglar").max(1), "Zipf-like frequencies");
        let mut distinct: Vec<&str> =
            text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(distinct.len() > 600, "{} distinct words", distinct.len());
    }

    #[test]
    fn plurals_and_dates_follow_the_rules() {
        assert_eq!(plural_of("gestión"), "gestiones");
        assert_eq!(plural_of("hospital"), "hospitales");
        assert_eq!(plural_of("municipio"), "municipios");
        assert_eq!(plural_of("eficaz"), "eficaces");
        assert_eq!(plural_of("análisis"), "análisis");
        assert_eq!(days_to_january_first(1970), 0);
        assert_eq!(days_to_january_first(2000), 10_957);
        assert_eq!(days_to_january_first(2024), 19_723);
    }
}
