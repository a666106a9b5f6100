//! Abuse: a seeded GraphQL fuzzer. Thousands of documents and variables built
//! from the server's own introspection — well-typed ones, and ones broken on
//! purpose (unknown fields, wrong types, deep nesting, alias floods, huge and
//! odd strings, invalid UTF-8, malformed JSON, batches, fragment cycles and
//! bombs, directives, introspection abuse) — anonymous and as an administrator.
//! No answer may be a 5xx, a panic, an uncoded error or an `INTERNAL` one, and
//! the server must still serve afterwards. Oversized bodies are refused early.
//!
//! `SUGIT_FUZZ_SEED` fixes the seed (printed on failure), `SUGIT_FUZZ_CASES`
//! the number of requests per backend, `SUGIT_FUZZ_CASE` replays a single case
//! (`SUGIT_FUZZ_TRACE` prints each case as it goes).

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, OnceLock,
    },
    time::{Duration, Instant},
};

use serde_json::{json, Map, Value};
use sugit::access::Role;
use sugit_tests::{error_codes, Backend, StatusCode, TestApp};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// The codes of the contract (UNAVAILABLE: a dependency is down, being added).
const CODES: [&str; 9] = [
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "CONFLICT",
    "RATE_LIMITED",
    "QUERY_TOO_COMPLEX",
    "INTERNAL",
    "UNAVAILABLE",
];
/// Per backend: 5,000 requests in all on SQLite and on PostgreSQL + Redis,
/// each test about half a minute in a debug build on two busy cores.
const DEFAULT_CASES: usize = 2_500;
/// Concurrent clients: enough to overlap the server's work, few enough for two cores.
const WORKERS: usize = 4;
/// Mutations that would end the fuzzer's own session.
const SKIPPED_MUTATIONS: [&str; 1] = ["logout"];

// ---------------------------------------------------------------------------
// A seeded PRNG (the corpus generator's splitmix64): the same cases for the same seed.

#[derive(Clone)]
struct Rng(search_index::corpus::Rng);

impl Rng {
    /// Each case has a generator of its own, so concurrency does not change it.
    fn for_case(seed: u64, case: usize) -> Self {
        Rng(search_index::corpus::Rng::new(seed ^ (case as u64).wrapping_mul(0xA24B_AED4_963E_E407)))
    }

    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: usize) -> usize {
        self.0.below(n)
    }

    fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn seed() -> u64 {
    match std::env::var("SUGIT_FUZZ_SEED") {
        Ok(text) => {
            let text = text.trim();
            let parsed = match text.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => text.parse(),
            };
            parsed.expect("SUGIT_FUZZ_SEED debe ser un número")
        }
        Err(_) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|elapsed| elapsed.as_nanos() as u64)
                .unwrap_or(0x5EED);
            nanos ^ u64::from(std::process::id()).rotate_left(32)
        }
    }
}

fn env_number(name: &str) -> Option<usize> {
    std::env::var(name)
        .ok()
        .map(|value| value.trim().parse().unwrap_or_else(|_| panic!("{name} debe ser un número")))
}

// ---------------------------------------------------------------------------
// The schema, as introspection describes it.

const INTROSPECTION: &str = r#"
query {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types {
      kind name
      fields(includeDeprecated: true) { name args { name defaultValue type { ...T } } type { ...T } }
      inputFields { name defaultValue type { ...T } }
      enumValues(includeDeprecated: true) { name }
      possibleTypes { name }
    }
  }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
"#;

#[derive(Clone, Debug)]
enum Ty {
    Named(String),
    List(Box<Ty>),
    NonNull(Box<Ty>),
}

impl Ty {
    fn from_json(value: &Value) -> Ty {
        match value["kind"].as_str() {
            Some("NON_NULL") => Ty::NonNull(Box::new(Ty::from_json(&value["ofType"]))),
            Some("LIST") => Ty::List(Box::new(Ty::from_json(&value["ofType"]))),
            _ => Ty::Named(value["name"].as_str().expect("a named type").to_owned()),
        }
    }

    fn named(&self) -> &str {
        match self {
            Ty::Named(name) => name,
            Ty::List(inner) | Ty::NonNull(inner) => inner.named(),
        }
    }

    fn is_non_null(&self) -> bool {
        matches!(self, Ty::NonNull(_))
    }

    fn is_list(&self) -> bool {
        match self {
            Ty::List(_) => true,
            Ty::NonNull(inner) => inner.is_list(),
            Ty::Named(_) => false,
        }
    }

    fn sdl(&self) -> String {
        match self {
            Ty::Named(name) => name.clone(),
            Ty::List(inner) => format!("[{}]", inner.sdl()),
            Ty::NonNull(inner) => format!("{}!", inner.sdl()),
        }
    }
}

#[derive(Clone, Debug)]
struct InputValue {
    name: String,
    ty: Ty,
    has_default: bool,
}

impl InputValue {
    fn from_json(value: &Value) -> Self {
        InputValue {
            name: value["name"].as_str().expect("a name").to_owned(),
            ty: Ty::from_json(&value["type"]),
            has_default: !value["defaultValue"].is_null(),
        }
    }

    fn required(&self) -> bool {
        self.ty.is_non_null() && !self.has_default
    }
}

#[derive(Clone, Debug)]
struct Field {
    name: String,
    args: Vec<InputValue>,
    ty: Ty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Scalar,
    Object,
    Interface,
    Union,
    Enum,
    InputObject,
}

#[derive(Clone, Debug)]
struct TypeDef {
    kind: Kind,
    fields: Vec<Field>,
    input_fields: Vec<InputValue>,
    enum_values: Vec<String>,
    possible_types: Vec<String>,
}

struct Schema {
    types: HashMap<String, TypeDef>,
    query: String,
    mutation: String,
    subscription: String,
}

impl Schema {
    fn from_introspection(data: &Value) -> Schema {
        let schema = &data["__schema"];
        let mut types = HashMap::new();
        for ty in schema["types"].as_array().expect("types") {
            let name = ty["name"].as_str().expect("a type name").to_owned();
            let kind = match ty["kind"].as_str() {
                Some("OBJECT") => Kind::Object,
                Some("INTERFACE") => Kind::Interface,
                Some("UNION") => Kind::Union,
                Some("ENUM") => Kind::Enum,
                Some("INPUT_OBJECT") => Kind::InputObject,
                _ => Kind::Scalar,
            };
            let list = |key: &str| ty[key].as_array().cloned().unwrap_or_default();
            let fields = list("fields")
                .iter()
                .map(|field| Field {
                    name: field["name"].as_str().expect("a field name").to_owned(),
                    args: field["args"].as_array().into_iter().flatten().map(InputValue::from_json).collect(),
                    ty: Ty::from_json(&field["type"]),
                })
                .collect();
            let names = |key: &str| -> Vec<String> {
                list(key).iter().filter_map(|item| item["name"].as_str().map(str::to_owned)).collect()
            };
            let def = TypeDef {
                kind,
                fields,
                input_fields: list("inputFields").iter().map(InputValue::from_json).collect(),
                enum_values: names("enumValues"),
                possible_types: names("possibleTypes"),
            };
            types.insert(name, def);
        }
        let root = |key: &str| schema[key]["name"].as_str().expect("a root type").to_owned();
        Schema {
            types,
            query: root("queryType"),
            mutation: root("mutationType"),
            subscription: root("subscriptionType"),
        }
    }

    fn def(&self, name: &str) -> &TypeDef {
        self.types.get(name).unwrap_or_else(|| panic!("type {name} in introspection"))
    }

    fn is_composite(&self, name: &str) -> bool {
        matches!(self.def(name).kind, Kind::Object | Kind::Interface | Kind::Union)
    }

    fn root_fields(&self, root: &str) -> Vec<&Field> {
        self.def(root)
            .fields
            .iter()
            .filter(|field| {
                !field.name.starts_with("__") && !SKIPPED_MUTATIONS.contains(&field.name.as_str())
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Values: one tree, rendered as a GraphQL literal or as JSON for variables.

#[derive(Clone, Debug)]
enum Gv {
    Null,
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Enum(String),
    List(Vec<Gv>),
    Object(Vec<(String, Gv)>),
}

impl Gv {
    fn literal(&self) -> String {
        match self {
            Gv::Null => "null".into(),
            Gv::Int(number) => number.to_string(),
            Gv::Float(number) => format!("{number:?}"),
            Gv::Str(text) => Value::from(text.as_str()).to_string(),
            Gv::Bool(value) => value.to_string(),
            Gv::Enum(name) => name.clone(),
            Gv::List(items) => format!("[{}]", items.iter().map(Gv::literal).collect::<Vec<_>>().join(", ")),
            Gv::Object(fields) => format!(
                "{{{}}}",
                fields
                    .iter()
                    .map(|(name, value)| format!("{name}: {}", value.literal()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn json(&self) -> Value {
        match self {
            Gv::Null => Value::Null,
            Gv::Int(number) => json!(number),
            Gv::Float(number) => json!(number),
            Gv::Str(text) | Gv::Enum(text) => json!(text),
            Gv::Bool(value) => json!(value),
            Gv::List(items) => Value::Array(items.iter().map(Gv::json).collect()),
            Gv::Object(fields) => {
                Value::Object(fields.iter().map(|(name, value)| (name.clone(), value.json())).collect())
            }
        }
    }
}

const CODES_OF_ENTITIES: [&str; 8] = ["05", "05001", "05002", "11001", "25", "25899", "99", "99999"];
const STRINGS: [&str; 24] = [
    "",
    " ",
    "DNP",
    "MINEDUCACION",
    "2026",
    "2026-01",
    "2026-Q1",
    "2026-S1",
    "agua potable",
    "bogota",
    "alcaldía",
    "\"frase sin cerrar",
    "a* OR b? AND -c",
    "<script>alert(1)</script>",
    "'; DROP TABLE users; --",
    "admin@sugit.gov.co",
    "x@y",
    "\u{0}",
    "con\u{0}nulo",
    "\u{202E}abc\u{202C}",
    "👩‍👩‍👧🇨🇴",
    "ñandú e\u{301}",
    "\u{FEFF}\u{2028}\u{FFFF}",
    "%00%ff../../etc/passwd",
];

fn unicode_char(rng: &mut Rng) -> char {
    let ranges: [(u32, u32); 10] = [
        (0x20, 0x7E),
        (0x00, 0x1F),
        (0xA0, 0xFF),
        (0x300, 0x36F),
        (0x590, 0x6FF),
        (0x200B, 0x202E),
        (0x4E00, 0x4E80),
        (0xFFF0, 0xFFFF),
        (0x1F300, 0x1F6FF),
        (0x10_FF00, 0x10_FFFF),
    ];
    let (low, high) = *rng.pick(&ranges);
    char::from_u32(low + rng.below((high - low + 1) as usize) as u32).unwrap_or('\u{FFFD}')
}

fn unicode_string(rng: &mut Rng, length: usize) -> String {
    (0..length).map(|_| unicode_char(rng)).collect()
}

fn gen_string(rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=3 => (*rng.pick(&STRINGS)).to_owned(),
        4..=5 => (*rng.pick(&CODES_OF_ENTITIES)).to_owned(),
        6 => {
            let length = rng.range(1, 40);
            unicode_string(rng, length)
        }
        7 => "x".repeat(rng.range(100, 3_000)),
        8 => format!("texto {}", rng.below(1_000)),
        _ => "ñ".repeat(rng.range(1, 600)),
    }
}

fn uuid(rng: &mut Rng) -> String {
    let a = rng.next();
    let b = rng.next();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFF,
        0x8000 | (b >> 48) & 0x3FFF,
        b & 0xFFFF_FFFF_FFFF
    )
}

fn gen_id(rng: &mut Rng) -> String {
    match rng.below(8) {
        0..=3 => uuid(rng),
        4 => "00000000-0000-0000-0000-000000000000".into(),
        5 => (*rng.pick(&[
            "",
            "1",
            "-1",
            "no-es-un-id",
            "' OR 1=1 --",
            "\u{0}",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
        ]))
        .into(),
        6 => uuid(rng).to_uppercase(),
        _ => gen_string(rng),
    }
}

fn gen_int(rng: &mut Rng) -> i64 {
    let edges = [
        0,
        1,
        -1,
        2,
        4,
        5,
        20,
        99,
        100,
        101,
        1_000,
        2025,
        2026,
        1900,
        9_999,
        i64::from(i32::MAX),
        i64::from(i32::MIN),
    ];
    if rng.one_in(2) {
        rng.below(25) as i64
    } else {
        *rng.pick(&edges)
    }
}

/// Well-typed value generation, with a budget for nested input objects.
fn gen_value(schema: &Schema, rng: &mut Rng, ty: &Ty, budget: usize) -> Gv {
    match ty {
        Ty::NonNull(inner) => gen_value(schema, rng, inner, budget).or_not_null(schema, rng, inner),
        _ if rng.one_in(12) => Gv::Null,
        Ty::List(inner) => {
            let count = if budget == 0 { 0 } else { rng.below(4) };
            Gv::List((0..count).map(|_| gen_value(schema, rng, inner, budget.saturating_sub(1))).collect())
        }
        Ty::Named(name) => gen_named(schema, rng, name, budget),
    }
}

trait NotNull {
    fn or_not_null(self, schema: &Schema, rng: &mut Rng, ty: &Ty) -> Gv;
}

impl NotNull for Gv {
    /// A non-null position never gets the random null.
    fn or_not_null(self, schema: &Schema, rng: &mut Rng, ty: &Ty) -> Gv {
        match self {
            Gv::Null => match ty {
                Ty::List(_) => Gv::List(Vec::new()),
                _ => gen_named(schema, rng, ty.named(), 0),
            },
            other => other,
        }
    }
}

fn gen_named(schema: &Schema, rng: &mut Rng, name: &str, budget: usize) -> Gv {
    match name {
        "Int" => Gv::Int(gen_int(rng)),
        "Float" => Gv::Float(*rng.pick(&[0.0, 1.5, -3.25, 1e10, 4.0, 5.0, 0.1])),
        "Boolean" => Gv::Bool(rng.one_in(2)),
        "String" => Gv::Str(gen_string(rng)),
        "ID" => Gv::Str(gen_id(rng)),
        "DateTime" => Gv::Str(
            (*rng.pick(&[
                "2026-01-15T10:00:00Z",
                "2026-06-30T23:59:59-05:00",
                "1970-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z",
            ]))
            .into(),
        ),
        "NaiveDate" => Gv::Str(
            (*rng.pick(&[
                "2026-03-01",
                "2026-12-31",
                "2025-01-01",
                "1900-01-01",
                "9999-12-31",
                "0001-01-01",
            ]))
            .into(),
        ),
        "JSON" => Gv::Object(vec![("clave".into(), Gv::Str(gen_string(rng)))]),
        _ => {
            let def = schema.def(name);
            match def.kind {
                Kind::Enum => Gv::Enum(rng.pick(&def.enum_values).clone()),
                Kind::InputObject => {
                    let mut fields = Vec::new();
                    for field in &def.input_fields {
                        if field.required() || (budget > 0 && rng.one_in(2)) {
                            fields.push((
                                field.name.clone(),
                                gen_value(schema, rng, &field.ty, budget.saturating_sub(1)),
                            ));
                        }
                    }
                    Gv::Object(fields)
                }
                _ => Gv::Str(gen_string(rng)),
            }
        }
    }
}

/// A literal of a type the position does not accept.
fn wrong_literal(schema: &Schema, rng: &mut Rng, ty: &Ty) -> String {
    if ty.is_non_null() && rng.one_in(4) {
        return "null".into();
    }
    if ty.is_list() && rng.one_in(3) {
        return (*rng.pick(&["{a: 1}", "[[[1]]]", "\"lista\""])).into();
    }
    let choices: &[&str] = match ty.named() {
        "Int" => &["\"texto\"", "true", "1.5", "99999999999", "-99999999999", "{a: 1}", "ENUMERADO", "1e400"],
        "Float" => &["\"texto\"", "true", "{a: 1}", "[\"x\"]", "1e400"],
        "String" | "ID" => &["123", "true", "{a: 1}", "[\"a\", 1]", "ENUMERADO", "4.5"],
        "Boolean" => &["\"true\"", "1", "verdadero", "{a: true}"],
        "DateTime" | "NaiveDate" => {
            &["\"no es fecha\"", "\"2026-02-30\"", "\"2026-13-01T25:00:00Z\"", "12", "true"]
        }
        "JSON" => &["$noDeclarada"],
        name => match schema.def(name).kind {
            Kind::Enum => &["\"VALOR\"", "NO_EXISTE", "1", "true", "{a: 1}"],
            Kind::InputObject => &["5", "\"objeto\"", "{campoQueNoExiste: 1}", "[{}]", "{}"],
            _ => &["{a: 1}"],
        },
    };
    (*rng.pick(choices)).into()
}

/// JSON for a variable that its declared type does not accept.
fn wrong_json(schema: &Schema, rng: &mut Rng, ty: &Ty) -> Option<Value> {
    if ty.is_non_null() && rng.one_in(3) {
        // Null or absent for a non-null variable.
        return if rng.one_in(2) { Some(Value::Null) } else { None };
    }
    let choices: Vec<Value> = match ty.named() {
        "Int" => vec![
            json!("7"),
            json!(1.5),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(-1e300),
            json!([1]),
            json!({}),
        ],
        "Float" => vec![json!("1.5"), json!(true), json!({"a": 1})],
        "String" | "ID" => vec![json!(12), json!(true), json!({"a": "b"}), json!([["x"]])],
        "Boolean" => vec![json!("false"), json!(0), json!([])],
        "DateTime" | "NaiveDate" => {
            vec![json!("mañana"), json!("2026-02-30"), json!(1_700_000_000), json!("")]
        }
        "JSON" => return Some(json!({"a": [1, {"b": null}]})),
        name => match schema.def(name).kind {
            Kind::Enum => vec![json!("NO_EXISTE"), json!("valor en minúsculas"), json!(3), json!(null)],
            Kind::InputObject => {
                vec![json!(5), json!("objeto"), json!({"campoQueNoExiste": 1}), json!([{}]), json!({})]
            }
            _ => vec![json!({"a": 1})],
        },
    };
    Some(rng.pick(&choices).clone())
}

// ---------------------------------------------------------------------------
// Documents.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Twist {
    None,
    UnknownField,
    WrongArgType,
    MissingArg,
    WrongVariable,
}

struct DocGen<'a> {
    schema: &'a Schema,
    rng: &'a mut Rng,
    use_variables: bool,
    twist: Twist,
    twisted: bool,
    declarations: Vec<String>,
    variables: Map<String, Value>,
}

impl<'a> DocGen<'a> {
    fn new(schema: &'a Schema, rng: &'a mut Rng, use_variables: bool, twist: Twist) -> Self {
        DocGen {
            schema,
            rng,
            use_variables,
            twist,
            twisted: twist == Twist::None,
            declarations: Vec::new(),
            variables: Map::new(),
        }
    }

    fn declare(&mut self, ty: &Ty) -> String {
        let name = format!("v{}", self.declarations.len());
        self.declarations.push(format!("${name}: {}", ty.sdl()));
        name
    }

    fn arguments(&mut self, args: &[InputValue]) -> String {
        let mut target = None;
        if !self.twisted && !args.is_empty() && self.rng.one_in(2) {
            let candidates: Vec<usize> = match self.twist {
                Twist::MissingArg => (0..args.len()).filter(|&i| args[i].required()).collect(),
                Twist::WrongArgType | Twist::WrongVariable => (0..args.len()).collect(),
                Twist::None | Twist::UnknownField => Vec::new(),
            };
            if !candidates.is_empty() {
                target = Some(*self.rng.pick(&candidates));
            }
        }
        let mut rendered = Vec::new();
        for (index, arg) in args.iter().enumerate() {
            if target == Some(index) {
                self.twisted = true;
                match self.twist {
                    Twist::MissingArg => continue,
                    Twist::WrongArgType => {
                        rendered.push(format!(
                            "{}: {}",
                            arg.name,
                            wrong_literal(self.schema, self.rng, &arg.ty)
                        ));
                        continue;
                    }
                    Twist::WrongVariable => {
                        let name = self.declare(&arg.ty);
                        if let Some(value) = wrong_json(self.schema, self.rng, &arg.ty) {
                            self.variables.insert(name.clone(), value);
                        }
                        rendered.push(format!("{}: ${name}", arg.name));
                        continue;
                    }
                    Twist::None | Twist::UnknownField => {}
                }
            }
            if !arg.required() && !self.rng.one_in(2) {
                continue;
            }
            let value = gen_value(self.schema, self.rng, &arg.ty, 2);
            if self.use_variables && self.rng.one_in(2) {
                let name = self.declare(&arg.ty);
                self.variables.insert(name.clone(), value.json());
                rendered.push(format!("{}: ${name}", arg.name));
            } else {
                rendered.push(format!("{}: {}", arg.name, value.literal()));
            }
        }
        if rendered.is_empty() {
            String::new()
        } else {
            format!("({})", rendered.join(", "))
        }
    }

    fn field(&mut self, field: &Field, depth: usize) -> String {
        let alias =
            if self.rng.one_in(12) { format!("alias{}: ", self.rng.below(1_000)) } else { String::new() };
        let args = self.arguments(&field.args);
        let named = field.ty.named();
        let sub = if self.schema.is_composite(named) {
            format!(" {{ {} }}", self.selection_set(named, depth.saturating_sub(1)))
        } else {
            String::new()
        };
        format!("{alias}{}{args}{sub}", field.name)
    }

    fn selection_set(&mut self, type_name: &str, depth: usize) -> String {
        let schema = self.schema;
        let def = schema.def(type_name);
        let mut parts = Vec::new();
        match def.kind {
            Kind::Union => {
                parts.push("__typename".to_owned());
                if depth > 0 {
                    for _ in 0..self.rng.range(1, 2) {
                        let member = self.rng.pick(&def.possible_types).clone();
                        parts.push(format!(
                            "... on {member} {{ {} }}",
                            self.selection_set(&member, depth - 1)
                        ));
                    }
                }
            }
            Kind::Object | Kind::Interface => {
                let mut chosen: Vec<usize> = Vec::new();
                for _ in 0..self.rng.range(1, 4) {
                    let index = self.rng.below(def.fields.len());
                    if !chosen.contains(&index) {
                        chosen.push(index);
                    }
                }
                for index in chosen {
                    let field = &def.fields[index];
                    if depth == 0 && schema.is_composite(field.ty.named()) {
                        parts.push("__typename".to_owned());
                    } else {
                        parts.push(self.field(field, depth));
                    }
                }
                if self.twist == Twist::UnknownField && !self.twisted && self.rng.one_in(2) {
                    self.twisted = true;
                    parts.push(
                        self.rng.pick(&["campoQueNoExiste", "id_", "__tipo", "edges { node }"]).to_string(),
                    );
                }
            }
            _ => parts.push("__typename".to_owned()),
        }
        parts.dedup();
        parts.join(" ")
    }

    /// An operation on `root` with `count` root fields.
    fn operation(mut self, keyword: &str, root: &str, count: usize) -> (String, Value) {
        let schema = self.schema;
        let fields = schema.root_fields(root);
        let mut selections = Vec::new();
        let mut used = Vec::new();
        for _ in 0..count {
            let field = *self.rng.pick(&fields);
            if used.contains(&field.name) {
                continue;
            }
            used.push(field.name.clone());
            let depth = *self.rng.pick(&[1, 2, 2, 3, 3, 4, 6]);
            selections.push(self.field(field, depth));
        }
        if !self.twisted {
            // No field gave the twist a place: break the operation in a way of the same kind.
            selections.push(
                match self.twist {
                    Twist::UnknownField => "campoQueNoExiste",
                    Twist::WrongArgType => "territorialEntity(code: 5) { name }",
                    Twist::MissingArg => "territorialEntity { name }",
                    Twist::WrongVariable => {
                        self.declarations.push("$mal: String!".into());
                        self.variables.insert("mal".into(), json!({"no": "es texto"}));
                        "territorialEntity(code: $mal) { name }"
                    }
                    Twist::None => "__typename",
                }
                .to_owned(),
            );
        }
        let header = if self.declarations.is_empty() {
            keyword.to_owned()
        } else {
            format!("{keyword} Fuzz({})", self.declarations.join(", "))
        };
        (format!("{header} {{ {} }}", selections.join(" ")), Value::Object(self.variables))
    }
}

fn valid_query(schema: &Schema, rng: &mut Rng, use_variables: bool) -> (String, Value) {
    let count = rng.range(1, 3);
    DocGen::new(schema, rng, use_variables, Twist::None).operation("query", &schema.query, count)
}

// ---------------------------------------------------------------------------
// Probes: what one case sends.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A JSON GraphQL answer whose errors all carry a code of the contract.
    Coded,
    /// Refused by the HTTP layer before GraphQL (malformed HTTP, other methods):
    /// any status under 500, or a closed connection.
    Below500,
}

#[derive(Clone)]
enum Auth {
    Anonymous,
    Admin,
    Header(Vec<u8>),
}

#[derive(Clone)]
enum Transport {
    Http { method: reqwest::Method, path: String, content_type: Option<Vec<u8>>, body: Option<Vec<u8>> },
    Raw(Vec<u8>),
}

#[derive(Clone)]
struct Probe {
    category: &'static str,
    auth: Auth,
    accept: Option<&'static str>,
    transport: Transport,
    expect: Expect,
}

impl Probe {
    fn body_len(&self) -> usize {
        match &self.transport {
            Transport::Http { body, .. } => body.as_ref().map_or(0, Vec::len),
            Transport::Raw(bytes) => bytes.len(),
        }
    }

    /// A line for the trace: method, path and the start of the body.
    fn summary(&self) -> String {
        match &self.transport {
            Transport::Http { method, path, body, .. } => {
                let body = body.as_deref().unwrap_or_default();
                format!(
                    "{method} {} {}",
                    preview(&path.as_bytes()[..path.len().min(120)]),
                    preview(&body[..body.len().min(120)])
                ) + &format!(" ({} bytes)", body.len())
            }
            Transport::Raw(bytes) => format!("crudo {}", preview(&bytes[..bytes.len().min(120)])),
        }
    }
}

fn post_json(category: &'static str, body: Vec<u8>) -> Probe {
    Probe {
        category,
        auth: Auth::Anonymous,
        accept: None,
        transport: Transport::Http {
            method: reqwest::Method::POST,
            path: "/graphql".into(),
            content_type: Some(b"application/json".to_vec()),
            body: Some(body),
        },
        expect: Expect::Coded,
    }
}

fn post_doc(category: &'static str, query: &str, variables: Value) -> Probe {
    let body = if variables.as_object().is_some_and(Map::is_empty) {
        json!({ "query": query })
    } else {
        json!({ "query": query, "variables": variables })
    };
    post_json(category, body.to_string().into_bytes())
}

fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn get_probe(category: &'static str, pairs: &[(&str, &[u8])]) -> Probe {
    let query = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    get_raw_query(category, query)
}

fn get_raw_query(category: &'static str, query: String) -> Probe {
    Probe {
        category,
        auth: Auth::Anonymous,
        accept: None,
        transport: Transport::Http {
            method: reqwest::Method::GET,
            path: format!("/graphql?{query}"),
            content_type: None,
            body: None,
        },
        expect: Expect::Coded,
    }
}

/// A root field with its arguments well filled, for cases that break something else.
fn some_root_field(schema: &Schema, rng: &mut Rng) -> String {
    let fields = schema.root_fields(&schema.query);
    let field = *rng.pick(&fields);
    DocGen::new(schema, rng, false, Twist::None).field(field, 2)
}

const CATEGORIES: [(&str, usize); 30] = [
    ("valid_query", 16),
    ("valid_query_variables", 10),
    ("random_mutation", 8),
    ("unknown_field", 3),
    ("wrong_argument_type", 5),
    ("missing_argument", 3),
    ("wrong_variable", 5),
    ("deep_selection", 2),
    ("deep_value_literal", 2),
    ("deep_variables", 2),
    ("alias_flood", 2),
    ("repeated_fields", 1),
    ("huge_string", 1),
    ("unicode", 4),
    ("invalid_utf8", 3),
    ("malformed_json", 4),
    ("content_type", 2),
    ("empty_body", 1),
    ("batch", 5),
    ("mutation_over_get", 2),
    ("subscription_over_http", 2),
    ("fragments", 3),
    ("directives", 3),
    ("introspection", 2),
    ("get", 4),
    ("authorization", 2),
    ("operation_name", 2),
    ("raw_http", 1),
    ("other_method", 1),
    ("huge_numbers", 1),
];

fn generate(schema: &Schema, rng: &mut Rng) -> Probe {
    let total: usize = CATEGORIES.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.below(total);
    let mut category = CATEGORIES[0].0;
    for (name, weight) in CATEGORIES {
        if roll < weight {
            category = name;
            break;
        }
        roll -= weight;
    }
    let mut probe = generate_in(schema, rng, category);
    // Half the traffic as an administrator, so resolvers behind authorisation run too.
    if matches!(probe.auth, Auth::Anonymous) && category != "authorization" && rng.one_in(2) {
        probe.auth = Auth::Admin;
    }
    if probe.accept.is_none() {
        probe.accept = *rng.pick(&[
            None,
            Some("application/json"),
            Some("application/graphql-response+json"),
            Some("*/*"),
        ]);
    }
    probe
}

fn generate_in(schema: &Schema, rng: &mut Rng, category: &'static str) -> Probe {
    match category {
        "valid_query" => {
            let (query, variables) = valid_query(schema, rng, false);
            post_doc(category, &query, variables)
        }
        "valid_query_variables" => {
            let (query, variables) = valid_query(schema, rng, true);
            post_doc(category, &query, variables)
        }
        "random_mutation" => {
            let twist = if rng.one_in(3) {
                *rng.pick(&[
                    Twist::WrongArgType,
                    Twist::MissingArg,
                    Twist::WrongVariable,
                    Twist::UnknownField,
                ])
            } else {
                Twist::None
            };
            let use_variables = rng.one_in(2);
            let (query, variables) =
                DocGen::new(schema, rng, use_variables, twist).operation("mutation", &schema.mutation, 1);
            let mut probe = post_doc(category, &query, variables);
            probe.auth = if rng.one_in(4) { Auth::Anonymous } else { Auth::Admin };
            probe
        }
        "unknown_field" | "wrong_argument_type" | "missing_argument" | "wrong_variable" => {
            let twist = match category {
                "unknown_field" => Twist::UnknownField,
                "wrong_argument_type" => Twist::WrongArgType,
                "missing_argument" => Twist::MissingArg,
                _ => Twist::WrongVariable,
            };
            let use_variables = twist == Twist::WrongVariable || rng.one_in(2);
            let count = rng.range(1, 2);
            let (query, variables) =
                DocGen::new(schema, rng, use_variables, twist).operation("query", &schema.query, count);
            post_doc(category, &query, variables)
        }
        "deep_selection" => deep_selection(rng),
        "deep_value_literal" => deep_value_literal(schema, rng),
        "deep_variables" => deep_variables(schema, rng),
        "alias_flood" => alias_flood(schema, rng),
        "repeated_fields" => {
            let count = *rng.pick(&[100, 5_000, 100_000]);
            let field = *rng.pick(&["__typename", "me { id }", "territorialEntity(code: \"05\") { name }"]);
            post_doc(category, &format!("{{ {} }}", vec![field; count].join(" ")), json!({}))
        }
        "huge_string" => huge_string(rng),
        "unicode" => unicode(schema, rng),
        "invalid_utf8" => invalid_utf8(schema, rng),
        "malformed_json" => malformed_json(schema, rng),
        "content_type" => {
            let (query, variables) = valid_query(schema, rng, false);
            let mut probe = post_doc(category, &query, variables);
            if let Transport::Http { content_type, .. } = &mut probe.transport {
                let choices: [Option<&[u8]>; 11] = [
                    None,
                    Some(&b"text/plain"[..]),
                    Some(b"application/graphql"),
                    Some(b"application/x-www-form-urlencoded"),
                    Some(b"multipart/form-data; boundary=x"),
                    Some(b"application/json; charset=latin1"),
                    Some(b"APPLICATION/JSON"),
                    Some(b" application/json"),
                    Some(b"application/jsonx"),
                    Some(b"\xe1pplication/json"),
                    Some(b""),
                ];
                *content_type = rng.pick(&choices).map(<[u8]>::to_vec);
            }
            probe
        }
        "empty_body" => {
            let mut probe = post_json(category, Vec::new());
            if rng.one_in(2) {
                if let Transport::Http { content_type, .. } = &mut probe.transport {
                    *content_type = None;
                }
            }
            probe
        }
        "batch" => batch(schema, rng),
        "mutation_over_get" => {
            let (query, variables) =
                DocGen::new(schema, rng, true, Twist::None).operation("mutation", &schema.mutation, 1);
            let variables = variables.to_string();
            match rng.below(3) {
                0 => get_probe(category, &[("query", query.as_bytes()), ("variables", variables.as_bytes())]),
                1 => {
                    let both = format!("query Q {{ __typename }} {query}");
                    get_probe(category, &[("query", both.as_bytes()), ("operationName", b"Fuzz")])
                }
                _ => {
                    let both = format!("{query} query Q {{ __typename }}");
                    get_probe(category, &[("query", both.as_bytes())])
                }
            }
        }
        "subscription_over_http" => {
            let count = rng.range(1, 2);
            let use_variables = rng.one_in(2);
            let (query, variables) = DocGen::new(schema, rng, use_variables, Twist::None).operation(
                "subscription",
                &schema.subscription,
                count,
            );
            if rng.one_in(3) {
                let variables = variables.to_string();
                get_probe(category, &[("query", query.as_bytes()), ("variables", variables.as_bytes())])
            } else {
                post_doc(category, &query, variables)
            }
        }
        "fragments" => fragments(schema, rng),
        "directives" => directives(schema, rng),
        "introspection" => introspection(rng),
        "get" => get(schema, rng),
        "authorization" => {
            let (query, variables) = valid_query(schema, rng, false);
            let mut probe = post_doc(category, &query, variables);
            let header: Vec<u8> = match rng.below(8) {
                0 => b"Basic YWRtaW46YWRtaW4=".to_vec(),
                1 => b"Bearer".to_vec(),
                2 => b"Bearer    ".to_vec(),
                3 => format!("Bearer {}", uuid(rng)).into_bytes(),
                4 => format!("Bearer {}", "a".repeat(rng.range(1_000, 60_000))).into_bytes(),
                5 => b"Bearer \xff\xfe\xc3\x28".to_vec(),
                // Header values take no control characters: the client could not send them.
                6 => format!("bearer {}", unicode_string(rng, 20))
                    .bytes()
                    .filter(|b| *b >= 0x20 && *b != 0x7F)
                    .collect(),
                _ => b"Bearer ' OR '1'='1".to_vec(),
            };
            probe.auth = Auth::Header(header);
            probe
        }
        "operation_name" => operation_name(rng),
        "raw_http" => raw_http(rng),
        "other_method" => Probe {
            category,
            auth: Auth::Anonymous,
            accept: None,
            transport: Transport::Http {
                method: rng
                    .pick(&[
                        reqwest::Method::PUT,
                        reqwest::Method::DELETE,
                        reqwest::Method::PATCH,
                        reqwest::Method::HEAD,
                    ])
                    .clone(),
                path: "/graphql".into(),
                content_type: Some(b"application/json".to_vec()),
                body: Some(br#"{"query":"{ __typename }"}"#.to_vec()),
            },
            expect: Expect::Below500,
        },
        "huge_numbers" => {
            let digits = "9".repeat(*rng.pick(&[20, 400, 100_000]));
            match rng.below(3) {
                0 => post_doc(category, &format!("{{ territorialEntities(first: {digits}) {{ totalCount }} }}"), json!({})),
                1 => post_doc(category, &format!("{{ commissionCompliance(year: -{digits}.5e99999) {{ year }} }}"), json!({})),
                _ => post_json(
                    category,
                    format!(r#"{{"query":"query($n: Int) {{ territorialEntities(first: $n) {{ totalCount }} }}","variables":{{"n":{digits}}}}}"#)
                        .into_bytes(),
                ),
            }
        }
        other => unreachable!("category {other}"),
    }
}

fn deep_selection(rng: &mut Rng) -> Probe {
    let levels = *rng.pick(&[15, 16, 63, 64, 65, 300, 1_000, 10_000, 100_000, 1_000_000]);
    let query = match rng.below(4) {
        0 => format!("{{{}__typename{}}}", "a{".repeat(levels), "}".repeat(levels)),
        1 => format!("{{{}", "me{".repeat(levels)),
        2 => format!("{{{}__typename{}}}", "... on Query {".repeat(levels), "}".repeat(levels)),
        _ => format!("{}{}", "{".repeat(levels), "}".repeat(levels)),
    };
    post_doc("deep_selection", &query, json!({}))
}

fn deep_value_literal(schema: &Schema, rng: &mut Rng) -> Probe {
    let levels = *rng.pick(&[10, 100, 1_000, 10_000, 100_000, 1_000_000]);
    let value = match rng.below(3) {
        0 => format!("{}\"a\"{}", "[".repeat(levels), "]".repeat(levels)),
        1 => format!("{}1{}", "{a: ".repeat(levels), "}".repeat(levels)),
        _ => "[{a: ".repeat(levels),
    };
    let query = match rng.below(4) {
        0 => format!("{{ search(query: {value}) {{ totalCount }} }}"),
        1 => format!("{{ searchKnowledge(filter: {value}) {{ totalCount }} }}"),
        2 => format!("query($v: String = {value}) {{ search(query: $v) {{ totalCount }} }}"),
        _ => {
            // A variable whose declared type nests as deep.
            let ty = format!("{}Int{}", "[".repeat(levels), "]".repeat(levels));
            format!("query($v: {ty}) {{ {} }}", some_root_field(schema, rng))
        }
    };
    post_doc("deep_value_literal", &query, json!({}))
}

fn deep_variables(schema: &Schema, rng: &mut Rng) -> Probe {
    let levels = *rng.pick(&[50, 100, 126, 127, 128, 129, 1_000, 100_000]);
    let fields: Vec<&Field> =
        schema.root_fields(&schema.query).into_iter().filter(|field| !field.args.is_empty()).collect();
    let field = *rng.pick(&fields);
    let arg = rng.pick(&field.args).clone();
    let (open, close) = if rng.one_in(2) { ("[", "]") } else { ("{\"a\":", "}") };
    let nested = format!("{}1{}", open.repeat(levels), close.repeat(levels));
    let named = field.ty.named();
    let selection = if schema.is_composite(named) { " { __typename }" } else { "" };
    let query = format!("query($v: {}) {{ {}({}: $v){selection} }}", arg.ty.sdl(), field.name, arg.name);
    let body = format!(r#"{{"query":{},"variables":{{"v":{nested}}}}}"#, Value::from(query));
    post_json("deep_variables", body.into_bytes())
}

fn alias_flood(schema: &Schema, rng: &mut Rng) -> Probe {
    let count = *rng.pick(&[29, 30, 31, 100, 1_000, 10_000, 100_000]);
    let field = if rng.one_in(2) { "__typename".to_owned() } else { some_root_field(schema, rng) };
    let mut query = String::from("{");
    for index in 0..count {
        query.push_str(&format!(" a{index}: {field}"));
    }
    query.push('}');
    if rng.one_in(3) {
        // Hidden in a fragment: counted there too.
        query = format!("{{ ...F }} fragment F on Query {query}");
    }
    post_doc("alias_flood", &query, json!({}))
}

fn huge_string(rng: &mut Rng) -> Probe {
    // The fuzzed server keeps the default limit; most cases stay far below it,
    // a third go near and over it (those cost seconds each in a debug build).
    let limit = sugit::config::Limits::default().max_body_bytes;
    let target = if rng.one_in(3) {
        *rng.pick(&[limit / 2, limit - 4_096, limit - 64, limit + 1, limit * 2])
    } else {
        *rng.pick(&[64 * 1024, 512 * 1024, 1024 * 1024])
    };
    let query = "query($s: String!) { search(query: $s) { totalCount } }";
    let prefix = format!(r#"{{"query":{},"variables":{{"s":""#, Value::from(query));
    let suffix = r#""}}"#;
    let filler = *rng.pick(&["a", "ñ", "\\n", "\\u0000", "🇨🇴"]);
    let room = target.saturating_sub(prefix.len() + suffix.len());
    let body = match rng.below(3) {
        0 => format!("{prefix}{}{suffix}", filler.repeat(room / filler.len())),
        1 => {
            // As a literal inside the document.
            let inner = "a".repeat(room.saturating_sub(60));
            json!({ "query": format!("{{ search(query: \"{inner}\") {{ totalCount }} }}") }).to_string()
        }
        _ => {
            // As a field name, or an operation name.
            let name = "a".repeat(room.saturating_sub(60));
            if rng.one_in(2) {
                json!({ "query": format!("{{ {name} }}") }).to_string()
            } else {
                json!({ "query": "query Q { __typename }", "operationName": name }).to_string()
            }
        }
    };
    post_json("huge_string", body.into_bytes())
}

fn unicode(schema: &Schema, rng: &mut Rng) -> Probe {
    let odd = *rng.pick(&[
        "\\u0000",
        "\\ud800",
        "\\udc00x",
        "\\ud83d\\ude00",
        "\\ud800\\u0041",
        "\u{202E}\u{202B}عربى",
        "\u{200D}\u{200D}",
        "👩‍👩‍👧‍👦",
        "\u{FEFF}",
        "\u{10FFFF}",
        "\u{FFFE}",
        "\\u001b[31m",
        "Z\u{0336}\u{0337}\u{0338}\u{0339}\u{033A}\u{033B}",
    ]);
    let (query, variables) = valid_query(schema, rng, false);
    let body = match rng.below(6) {
        // The escape inside a JSON string: serde sees it (lone surrogates are invalid JSON).
        0 => format!(r#"{{"query":"{{ search(query: \"{odd}\") {{ totalCount }} }}"}}"#),
        1 => format!(
            r#"{{"query":"query($s: String!) {{ territorialEntity(code: $s) {{ name }} }}","variables":{{"s":"{odd}"}}}}"#
        ),
        // The escape inside a GraphQL string: the GraphQL parser sees it.
        2 => format!(r#"{{"query":"{{ search(query: \"\{odd}\") {{ totalCount }} }}"}}"#),
        // Odd characters where names go.
        3 => format!(r#"{{"query":"{{ téléphone{odd} }}"}}"#),
        4 => json!({ "query": query, "operationName": unicode_string(rng, 12), "variables": variables })
            .to_string(),
        _ => {
            let length = rng.range(1, 200);
            let marks = rng.range(0, 5_000);
            let text = format!("{}{}", unicode_string(rng, length), "\u{0301}".repeat(marks));
            json!({ "query": "query($s: String!) { search(query: $s) { totalCount edges { node { __typename } } } }", "variables": { "s": text } })
                .to_string()
        }
    };
    post_json("unicode", body.into_bytes())
}

fn invalid_utf8(schema: &Schema, rng: &mut Rng) -> Probe {
    let (query, variables) = valid_query(schema, rng, true);
    let mut body = json!({ "query": query, "variables": variables }).to_string().into_bytes();
    let options: [&[u8]; 8] = [
        &b"\xff"[..],
        b"\xfe\xff",
        b"\xc0\xaf",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xe2\x82",
        b"\x80\x80\x80",
        b"\xf8\x88\x80\x80\x80",
    ];
    let bad = *rng.pick(&options);
    match rng.below(3) {
        0 => body.extend_from_slice(bad),
        1 => {
            // Inside the query string.
            let at = 10.min(body.len());
            body.splice(at..at, bad.iter().copied());
        }
        _ => {
            let at = rng.below(body.len() + 1);
            body.splice(at..at, bad.iter().copied());
        }
    }
    post_json("invalid_utf8", body)
}

fn malformed_json(schema: &Schema, rng: &mut Rng) -> Probe {
    let fixed: [&[u8]; 24] = [
        b"{",
        b"}",
        b"null",
        b"1",
        b"\"query\"",
        b"true",
        br#"{"query": 5}"#,
        br#"{"query": null}"#,
        br#"{"query": ["{ __typename }"]}"#,
        br#"{"query": "{ __typename }", "variables": "x"}"#,
        br#"{"query": "{ __typename }", "variables": [1, 2]}"#,
        br#"{"query": "{ __typename }", "operationName": 5}"#,
        br#"{"query": "{ __typename }", "extensions": "x"}"#,
        br#"{"query": "{ __typename }"} {"query": "{ __typename }"}"#,
        br#"{"query": "a", "query": "{ __typename }"}"#,
        br#"{}"#,
        br#"{"Query": "{ __typename }"}"#,
        br#"{"query": "{ __typename }", "variables": {"a": 1e999}}"#,
        br#"{"query": "{ __typename }",}"#,
        br#"{'query': '{ __typename }'}"#,
        b"\xef\xbb\xbf{\"query\": \"{ __typename }\"}",
        br#"{"query": "{ __typename }", "variables": {"a": NaN}}"#,
        br#"{"query": "\u0000{ __typename }"}"#,
        b"[[[[[[[[[[",
    ];
    let body: Vec<u8> = match rng.below(3) {
        0 => rng.pick(&fixed).to_vec(),
        1 => {
            // A real request cut short.
            let (query, variables) = valid_query(schema, rng, true);
            let mut body = json!({ "query": query, "variables": variables }).to_string().into_bytes();
            body.truncate(rng.below(body.len()));
            body
        }
        _ => {
            // A real request with a few bytes changed.
            let (query, variables) = valid_query(schema, rng, true);
            let mut body = json!({ "query": query, "variables": variables }).to_string().into_bytes();
            for _ in 0..rng.range(1, 4) {
                let at = rng.below(body.len());
                body[at] = *rng.pick(b"{}[]\":,\\ \x00\x7fnt1");
            }
            body
        }
    };
    post_json("malformed_json", body)
}

fn batch(schema: &Schema, rng: &mut Rng) -> Probe {
    let item = |rng: &mut Rng| -> Value {
        let use_variables = rng.one_in(2);
        let (query, variables) = valid_query(schema, rng, use_variables);
        json!({ "query": query, "variables": variables })
    };
    let body = match rng.below(7) {
        0 => "[]".to_owned(),
        1 => Value::Array((0..rng.range(1, 10)).map(|_| item(rng)).collect()).to_string(),
        2 => {
            let count = *rng.pick(&[11, 100, 10_000]);
            let one = item(rng);
            Value::Array(vec![one; count]).to_string()
        }
        3 => json!([item(rng), 1, "x", null, [], {"query": 7}, {}]).to_string(),
        4 => json!([[item(rng)], [[item(rng)]]]).to_string(),
        5 => {
            let (mutation, variables) =
                DocGen::new(schema, rng, true, Twist::None).operation("mutation", &schema.mutation, 1);
            json!([item(rng), { "query": mutation, "variables": variables }, item(rng)]).to_string()
        }
        _ => {
            // Batches of broken documents.
            let broken: Vec<Value> = (0..rng.range(2, 10))
                .map(|_| {
                    let twist = *rng.pick(&[
                        Twist::WrongArgType,
                        Twist::MissingArg,
                        Twist::WrongVariable,
                        Twist::UnknownField,
                    ]);
                    let (query, variables) =
                        DocGen::new(schema, rng, true, twist).operation("query", &schema.query, 1);
                    json!({ "query": query, "variables": variables })
                })
                .collect();
            Value::Array(broken).to_string()
        }
    };
    post_json("batch", body.into_bytes())
}

fn fragments(schema: &Schema, rng: &mut Rng) -> Probe {
    let field = some_root_field(schema, rng);
    let query = match rng.below(10) {
        0 => "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }".to_owned(),
        9 => {
            // A long chain of fragments, each spreading the next.
            let levels = *rng.pick(&[50, 70, 1_000, 100_000]);
            let mut query = String::from("{ ...F0 }");
            for level in 0..levels {
                query.push_str(&format!(" fragment F{level} on Query {{ ...F{} }}", level + 1));
            }
            query.push_str(&format!(" fragment F{levels} on Query {{ __typename }}"));
            query
        }
        1 => "{ ...A } fragment A on Query { __typename ...A }".to_owned(),
        2 => "{ ...NoExiste }".to_owned(),
        3 => format!("{{ {field} }} fragment Sobra on Query {{ __typename }}"),
        4 => "{ ...A } fragment A on TipoInexistente { __typename }".to_owned(),
        5 => "{ ...A } fragment A on String { length }".to_owned(),
        6 => "{ me { ...A } } fragment A on Query { __typename }".to_owned(),
        7 => {
            // Exponential expansion: each fragment spreads the next one twice.
            let levels = *rng.pick(&[10, 20, 30, 40, 60]);
            let mut query = String::from("{ ...F0 }");
            for level in 0..levels {
                query.push_str(&format!(
                    " fragment F{level} on Query {{ ...F{next} ...F{next} }}",
                    next = level + 1
                ));
            }
            query.push_str(&format!(" fragment F{levels} on Query {{ {field} }}"));
            query
        }
        _ => {
            let levels = *rng.pick(&[10, 100, 1_000]);
            let mut query = String::from("{");
            for level in 0..levels {
                query.push_str(&format!(" ...F{level}"));
            }
            query.push_str(" }");
            for level in 0..levels {
                query.push_str(&format!(" fragment F{level} on Query {{ {field} }}"));
            }
            query
        }
    };
    post_doc("fragments", &query, json!({}))
}

fn directives(schema: &Schema, rng: &mut Rng) -> Probe {
    let field = some_root_field(schema, rng);
    let (query, variables) = match rng.below(10) {
        0 => (format!("{{ {field} @skip }}"), json!({})),
        1 => (format!("{{ {field} @skip(if: \"yes\") }}"), json!({})),
        2 => (format!("{{ {field} @include(if: $noDeclarada) }}"), json!({})),
        3 => (format!("{{ {field} @include(if: true) @include(if: false) }}"), json!({})),
        4 => (format!("{{ {field} @noExiste(x: 1) }}"), json!({})),
        5 => (format!("{{ {field} {} }}", "@skip(if: false) ".repeat(rng.range(20, 200))), json!({})),
        6 => (format!("query @skip(if: true) {{ {field} }}"), json!({})),
        7 => (format!("{{ {field} @specifiedBy(url: \"x\") @deprecated }}"), json!({})),
        8 => (
            format!("query($s: Boolean!) {{ {field} @skip(if: $s) }}"),
            json!({ "s": *rng.pick(&[json!(null), json!("no"), json!(1), json!(true)]) }),
        ),
        _ => (
            format!("{{ ...F @include(if: false) }} fragment F on Query @skip(if: true) {{ {field} }}"),
            json!({}),
        ),
    };
    post_doc("directives", &query, variables)
}

fn introspection(rng: &mut Rng) -> Probe {
    let query = match rng.below(5) {
        0 => {
            let levels = *rng.pick(&[5, 14, 15, 16, 50, 500]);
            format!(
                "{{ __type(name: \"Query\") {{ {}name{} }} }}",
                "fields { type { ofType { fields { type { name ".repeat(levels / 5 + 1),
                " } } } } }".repeat(levels / 5 + 1)
            )
        }
        1 => {
            let count = *rng.pick(&[2, 30, 31, 200]);
            let mut query = String::from("{");
            for index in 0..count {
                query.push_str(&format!(" s{index}: __schema {{ types {{ name fields {{ name args {{ name }} }} }} }}"));
            }
            query.push('}');
            query
        }
        2 => format!("{{ __type(name: {}) {{ name kind }} }}", Value::from(gen_string(rng))),
        3 => "{ __type { name } __schema { nope } }".to_owned(),
        _ => "{ __schema { types { name possibleTypes { name possibleTypes { name possibleTypes { name } } } interfaces { name } enumValues { name } inputFields { name type { name } } } directives { name locations args { name } } } }".to_owned(),
    };
    post_doc("introspection", &query, json!({}))
}

fn get(schema: &Schema, rng: &mut Rng) -> Probe {
    let (query, variables) = valid_query(schema, rng, true);
    let variables = variables.to_string();
    match rng.below(10) {
        0..=2 => get_probe("get", &[("query", query.as_bytes()), ("variables", variables.as_bytes())]),
        3 => get_probe("get", &[("query", b"{ search(query: \"\xff\xfe\xed\xa0\x80\") { totalCount } }")]),
        4 => get_probe("get", &[("query", query.as_bytes()), ("variables", b"{\"v0\": \xff}")]),
        5 => get_raw_query("get", "query=%G1%&variables=%".into()),
        6 => get_raw_query("get", String::new()),
        7 => get_probe(
            "get",
            &[("query", b"{ __typename }"), ("query", query.as_bytes()), ("operationName", b"")],
        ),
        8 => {
            get_probe("get", &[("query", query.as_bytes()), ("variables", b"[1,2]"), ("extensions", b"{{{")])
        }
        _ => {
            // Longer than any URI the HTTP layer takes (the client library refuses
            // to build one, so it goes out raw).
            let long = "a".repeat(*rng.pick(&[70_000, 300_000, 500_000]));
            let request = format!("GET /graphql?query=%7B%20search(query%3A%20%22{long}%22)%20%7B%20totalCount%20%7D%20%7D HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Probe {
                category: "get",
                auth: Auth::Anonymous,
                accept: None,
                transport: Transport::Raw(request.into_bytes()),
                expect: Expect::Below500,
            }
        }
    }
}

fn operation_name(rng: &mut Rng) -> Probe {
    let body = match rng.below(8) {
        0 => json!({ "query": "query A { __typename } query B { __typename }" }),
        1 => json!({ "query": "query A { __typename }", "operationName": "B" }),
        2 => json!({ "query": "{ __typename } query B { __typename }" }),
        3 => json!({ "query": "query A { __typename } query A { me { id } }", "operationName": "A" }),
        4 => json!({ "query": "fragment F on Query { __typename }", "operationName": "F" }),
        5 => json!({ "query": "" }),
        6 => json!({ "query": "# solo un comentario" }),
        _ => json!({ "query": *rng.pick(&["query", "{}", "query A", "mutation", "subscription {}"]) }),
    };
    post_json("operation_name", body.to_string().into_bytes())
}

fn raw_http(rng: &mut Rng) -> Probe {
    let requests: [&[u8]; 9] = [
        b"GET /graphql?query=%7B__typename%7D\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /graphql?query={ __typename } HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Raro: \x80\x81\r\nContent-Length: 26\r\nConnection: close\r\n\r\n{\"query\":\"{ __typename }\"}",
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{\r\n0\r\n\r\n",
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 26\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n1a\r\n{\"query\":\"{ __typename }\"}\r\n0\r\n\r\n",
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9999\r\nConnection: close\r\n\r\n{\"query\":",
        b"POST /graphql HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n{\"query\":\"{ __typename }\"}",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage that looks like TLS\r\n\r\n",
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\nConnection: close\r\n\r\n",
    ];
    Probe {
        category: "raw_http",
        auth: Auth::Anonymous,
        accept: None,
        transport: Transport::Raw(rng.pick(&requests).to_vec()),
        expect: Expect::Below500,
    }
}

// ---------------------------------------------------------------------------
// Sending and judging.

struct Answer {
    status: Option<u16>,
    body: Vec<u8>,
}

/// Where the clients send: the server's address and a client of their own runtime.
struct Target {
    address: String,
    client: reqwest::Client,
    max_body_bytes: usize,
}

impl Target {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }
}

async fn send(app: &Target, token: &str, probe: &Probe) -> Result<Answer, String> {
    match &probe.transport {
        Transport::Http { method, path, content_type, body } => {
            let mut request = app.client.request(method.clone(), app.url(path));
            if let Some(content_type) = content_type {
                let value =
                    reqwest::header::HeaderValue::from_bytes(content_type).map_err(|e| e.to_string())?;
                request = request.header(reqwest::header::CONTENT_TYPE, value);
            }
            if let Some(accept) = probe.accept {
                request = request.header(reqwest::header::ACCEPT, accept);
            }
            match &probe.auth {
                Auth::Anonymous => {}
                Auth::Admin => request = request.bearer_auth(token),
                Auth::Header(bytes) => {
                    let value = reqwest::header::HeaderValue::from_bytes(bytes).map_err(|e| e.to_string())?;
                    request = request.header(reqwest::header::AUTHORIZATION, value);
                }
            }
            if let Some(body) = body {
                request = request.body(body.clone());
            }
            let response = request.send().await.map_err(|error| format!("sin respuesta: {error:?}"))?;
            let status = response.status().as_u16();
            let body = response.bytes().await.map_err(|error| format!("respuesta cortada: {error:?}"))?;
            Ok(Answer { status: Some(status), body: body.to_vec() })
        }
        Transport::Raw(bytes) => {
            let address = app.address.trim_start_matches("http://");
            let mut stream = TcpStream::connect(address).await.map_err(|e| e.to_string())?;
            // The server may refuse before reading everything: a failed write is an answer too.
            let _ = tokio::time::timeout(Duration::from_secs(10), stream.write_all(bytes)).await;
            let mut received = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(3), stream.read_to_end(&mut received)).await;
            let status = std::str::from_utf8(received.get(9..12).unwrap_or_default())
                .ok()
                .and_then(|s| s.parse().ok());
            let body = match received.windows(4).position(|w| w == b"\r\n\r\n") {
                Some(end) => received[end + 4..].to_vec(),
                None => Vec::new(),
            };
            Ok(Answer { status, body })
        }
    }
}

/// Why an answer breaks the contract, if it does.
fn judge(probe: &Probe, answer: &Answer) -> Result<(), String> {
    let Some(status) = answer.status else {
        return match probe.expect {
            Expect::Below500 => Ok(()),
            Expect::Coded => Err("la conexión se cerró sin respuesta".into()),
        };
    };
    if status >= 500 {
        return Err(format!("estado {status}: {}", preview(&answer.body)));
    }
    let parsed: Result<Value, _> = serde_json::from_slice(&answer.body);
    let value = match (parsed, probe.expect) {
        (Ok(value), _) => value,
        (Err(_), Expect::Below500) => return Ok(()),
        (Err(error), Expect::Coded) => {
            return Err(format!(
                "estado {status}, la respuesta no es JSON ({error}): {}",
                preview(&answer.body)
            ))
        }
    };
    let success = (200..300).contains(&status);
    match &value {
        Value::Array(items) if success => items.iter().try_for_each(|item| judge_response(item, true)),
        Value::Array(_) => Err(format!("estado {status} con un lote de respuestas")),
        single => judge_response(single, success).map_err(|problem| format!("estado {status}: {problem}")),
    }
}

fn judge_response(value: &Value, success: bool) -> Result<(), String> {
    match value.get("errors") {
        None if success && value.get("data").is_some() => Ok(()),
        None => Err(format!("ni datos ni errores: {}", preview(value.to_string().as_bytes()))),
        Some(Value::Array(errors)) if !errors.is_empty() => {
            for error in errors {
                let message = error["message"].as_str().unwrap_or_default();
                let code = error["extensions"]["code"].as_str();
                match code {
                    None => {
                        return Err(format!("error sin código: {}", preview(error.to_string().as_bytes())))
                    }
                    Some("INTERNAL") => {
                        return Err(format!("INTERNAL ante una entrada del usuario: {message}"))
                    }
                    Some(code) if !CODES.contains(&code) => {
                        return Err(format!("código fuera del contrato {code}: {message}"))
                    }
                    Some(_) if message.trim().is_empty() => {
                        return Err(format!("error {code:?} sin mensaje"))
                    }
                    Some(_) => {}
                }
            }
            Ok(())
        }
        Some(other) => Err(format!("«errors» mal formado: {}", preview(other.to_string().as_bytes()))),
    }
}

fn preview(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(400)]).into_owned();
    if bytes.len() > 400 {
        format!("{text}… ({} bytes)", bytes.len())
    } else {
        text
    }
}

/// How to send a failing case again by hand (its body saved to a file).
fn reproduction(address: &str, seed: u64, case: usize, probe: &Probe) -> String {
    let rerun = format!(
        "SUGIT_FUZZ_SEED={seed} SUGIT_FUZZ_CASE={case} cargo nextest run --workspace -E 'test(fuzz)'"
    );
    let saved = |bytes: &[u8]| -> String {
        let path = std::env::temp_dir().join(format!("sugit-fuzz-{seed}-{case}.bin"));
        match std::fs::write(&path, bytes) {
            Ok(()) => path.display().to_string(),
            Err(_) => "(no se pudo guardar)".into(),
        }
    };
    let auth = match &probe.auth {
        Auth::Anonymous => String::new(),
        Auth::Admin => " -H 'authorization: Bearer <token de administrador>'".into(),
        Auth::Header(bytes) => format!(" -H 'authorization: {}'", String::from_utf8_lossy(bytes)),
    };
    match &probe.transport {
        Transport::Http { method, path, content_type, body } => {
            let content_type = content_type
                .as_ref()
                .map(|value| format!(" -H 'content-type: {}'", String::from_utf8_lossy(value)))
                .unwrap_or_default();
            let accept = probe.accept.map(|value| format!(" -H 'accept: {value}'")).unwrap_or_default();
            let data =
                body.as_ref().map(|body| format!(" --data-binary @{}", saved(body))).unwrap_or_default();
            let shown = body.as_deref().map(preview).unwrap_or_default();
            format!(
                "{rerun}\n    curl -sS -X {method} '{address}{path}'{content_type}{accept}{auth}{data}\n    cuerpo: {shown}"
            )
        }
        Transport::Raw(bytes) => {
            format!(
                "{rerun}\n    nc {} < {}\n    bytes: {}",
                address.trim_start_matches("http://").replace(':', " "),
                saved(bytes),
                preview(bytes)
            )
        }
    }
}

// ---------------------------------------------------------------------------
// Panics anywhere in the server (its tasks run on this test's runtime).

fn panics() -> &'static Mutex<Vec<String>> {
    static PANICS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    PANICS.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Only the server's tasks: a test's own assertion panics on its own thread.
            if std::thread::current().name() == Some("tokio-runtime-worker") {
                if let Ok(mut panics) = panics().lock() {
                    panics.push(info.to_string());
                }
            }
            previous(info);
        }));
        Mutex::new(Vec::new())
    })
}

// ---------------------------------------------------------------------------
// The storm.

async fn fuzz_app(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_with(backend, |settings| {
        // Thousands of requests from one address and one token: the limits are
        // not under test here, every resolver behind them is.
        settings.limits.requests_per_minute = 10_000_000;
        settings.limits.anonymous_requests_per_minute = 10_000_000;
        settings.limits.login_attempts_per_minute = 10_000;
    })
    .await
}

#[derive(Default)]
struct Tally {
    count: usize,
    slowest: Duration,
    statuses: BTreeMap<u16, usize>,
}

struct Failure {
    case: usize,
    category: &'static str,
    problem: String,
    reproduction: String,
}

async fn storm(app: TestApp) {
    let _ = panics();
    let panics_before = panics().lock().map(|p| p.len()).unwrap_or(0);
    let seed = seed();
    let total = env_number("SUGIT_FUZZ_CASES").unwrap_or(DEFAULT_CASES);
    let only = env_number("SUGIT_FUZZ_CASE");
    eprintln!("fuzz: semilla {seed} (SUGIT_FUZZ_SEED), {total} casos, {:?}", app.backend);

    app.create_user("fuzz-admin@sugit.gov.co", Role::Admin, None, None).await;
    let token = app.login("fuzz-admin@sugit.gov.co").await;
    let data = app.query_ok(INTROSPECTION, json!({})).await;
    let schema = Arc::new(Schema::from_introspection(&data));

    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let failures: Arc<Mutex<Vec<Failure>>> = Arc::default();
    let tallies: Arc<Mutex<BTreeMap<&'static str, Tally>>> = Arc::default();
    let trace = std::env::var_os("SUGIT_FUZZ_TRACE").is_some();
    // The clients run on a runtime of their own: a request that pins the
    // server's threads then shows up as a timeout here instead of a frozen test.
    let clients = {
        let (address, token, max_body_bytes) =
            (app.address.clone(), token.clone(), app.settings.limits.max_body_bytes);
        let (failures, tallies) = (Arc::clone(&failures), Arc::clone(&tallies));
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                // A connection per request: a pooled one the server closed after an
                // early refusal would fail the next request for the client's reasons.
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(40))
                    .pool_max_idle_per_host(0)
                    .build()
                    .expect("client");
                let target = Arc::new(Target { address, client, max_body_bytes });
                let mut workers = Vec::new();
                for _ in 0..WORKERS {
                    let (target, token, schema) = (Arc::clone(&target), token.clone(), Arc::clone(&schema));
                    let (next, failures, tallies) =
                        (Arc::clone(&next), Arc::clone(&failures), Arc::clone(&tallies));
                    workers.push(tokio::spawn(async move {
                        loop {
                            let case = next.fetch_add(1, Ordering::Relaxed);
                            if case >= total {
                                break;
                            }
                            if only.is_some_and(|only| only != case) {
                                continue;
                            }
                            let mut rng = Rng::for_case(seed, case);
                            let probe = generate(&schema, &mut rng);
                            if trace {
                                eprintln!("caso {case} [{}] {}", probe.category, probe.summary());
                            }
                            let sent = Instant::now();
                            let outcome = match tokio::time::timeout(
                                Duration::from_secs(45),
                                send(&target, &token, &probe),
                            )
                            .await
                            {
                                Ok(outcome) => outcome,
                                Err(_) => Err("sin respuesta en 45 s".into()),
                            };
                            let elapsed = sent.elapsed();
                            let verdict = match &outcome {
                                Ok(answer) => judge(&probe, answer),
                                // Refused before it was all sent: the server may close while the client writes.
                                Err(_) if probe.body_len() > target.max_body_bytes => Ok(()),
                                Err(problem) => Err(problem.clone()),
                            };
                            if let Ok(mut tallies) = tallies.lock() {
                                let tally = tallies.entry(probe.category).or_default();
                                tally.count += 1;
                                tally.slowest = tally.slowest.max(elapsed);
                                let status =
                                    outcome.as_ref().ok().and_then(|answer| answer.status).unwrap_or(0);
                                *tally.statuses.entry(status).or_default() += 1;
                            }
                            if let Err(problem) = verdict {
                                let reproduction = reproduction(&target.address, seed, case, &probe);
                                if let Ok(mut failures) = failures.lock() {
                                    failures.push(Failure {
                                        case,
                                        category: probe.category,
                                        problem,
                                        reproduction,
                                    });
                                }
                            }
                        }
                    }));
                }
                for worker in workers {
                    worker.await.expect("a fuzz client");
                }
            });
        })
    };
    tokio::task::spawn_blocking(move || clients.join()).await.expect("join").expect("the fuzz clients");
    let elapsed = started.elapsed();

    let mut summary = format!(
        "fuzz: {total} casos en {:.1} s ({:?}, semilla {seed})\n",
        elapsed.as_secs_f64(),
        app.backend
    );
    if let Ok(tallies) = tallies.lock() {
        for (category, tally) in tallies.iter() {
            summary.push_str(&format!(
                "  {category:<24} {:>5}  máx {:>6} ms  estados {:?}\n",
                tally.count,
                tally.slowest.as_millis(),
                tally.statuses
            ));
        }
    }
    eprintln!("{summary}");

    // The server still serves after the storm.
    let health = app.client.get(app.url("/healthz")).send().await.expect("healthz answers");
    assert_eq!(health.status(), StatusCode::OK, "healthz after the storm");
    let data = app.query_ok(r#"{ territorialEntity(code: "05") { name } }"#, json!({})).await;
    assert_eq!(data["territorialEntity"]["name"], "ANTIOQUIA");
    let (status, body) = app.graphql_as(Some(&token), "{ me { email } }", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(error_codes(&body).is_empty(), "{body}");

    let failures = failures
        .lock()
        .map(|f| {
            f.iter()
                .map(|f| (f.case, f.category, f.problem.clone(), f.reproduction.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let new_panics: Vec<String> =
        panics().lock().map(|p| p.iter().skip(panics_before).cloned().collect()).unwrap_or_default();
    if !failures.is_empty() || !new_panics.is_empty() {
        let mut report = format!(
            "{} casos rompen el contrato y {} pánicos (semilla {seed}; repita con SUGIT_FUZZ_SEED={seed})\n",
            failures.len(),
            new_panics.len()
        );
        for panic in new_panics.iter().take(5) {
            report.push_str(&format!("pánico: {panic}\n"));
        }
        let mut sorted = failures;
        sorted.sort_by_key(|(case, ..)| *case);
        for (case, category, problem, reproduction) in sorted.iter().take(12) {
            report.push_str(&format!("caso {case} [{category}]: {problem}\n    {reproduction}\n"));
        }
        let path = std::env::temp_dir().join(format!("sugit-fuzz-{seed}-{:?}.txt", app.backend));
        let everything: String = sorted
            .iter()
            .map(|(case, category, problem, reproduction)| {
                format!("caso {case} [{category}]: {problem}\n    {reproduction}\n")
            })
            .collect();
        if std::fs::write(&path, everything).is_ok() {
            report.push_str(&format!("(todos los casos en {})\n", path.display()));
        }
        eprintln!("{report}");
        panic!("{report}\n{summary}");
    }
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fuzz_storm() {
        if let Some(app) = super::fuzz_app(sugit_tests::Backend::Sqlite).await {
            super::storm(app).await;
        }
    }
}

mod postgres_redis {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fuzz_storm() {
        if let Some(app) = super::fuzz_app(sugit_tests::Backend::PostgresRedis).await {
            super::storm(app).await;
        }
    }
}

// ---------------------------------------------------------------------------
// Oversized bodies: refused with 413 while the client is still sending.

struct Streamed {
    status: Option<u16>,
    body: Vec<u8>,
    /// Body bytes written when the answer arrived.
    sent_when_answered: usize,
    answered_after: Duration,
    /// Whether the whole body went out (the server kept reading it).
    sent_everything: bool,
}

/// POSTs `total` bytes of body in 64 KiB pieces, `pause` apart, announced with
/// a Content-Length or chunked without one, reading the answer as it comes.
async fn stream_body(app: &TestApp, chunked: bool, total: usize, pause: Duration) -> Streamed {
    let address = app.address.trim_start_matches("http://");
    let stream = TcpStream::connect(address).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let framing =
        if chunked { "Transfer-Encoding: chunked".to_owned() } else { format!("Content-Length: {total}") };
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: sugit\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
    );
    writer.write_all(head.as_bytes()).await.expect("request head");
    let sent = Arc::new(AtomicUsize::new(0));
    let writing = {
        let sent = Arc::clone(&sent);
        tokio::spawn(async move {
            let piece = vec![b' '; 64 * 1024];
            while sent.load(Ordering::Relaxed) < total {
                let length = piece.len().min(total - sent.load(Ordering::Relaxed));
                let mut frame = Vec::with_capacity(length + 16);
                if chunked {
                    frame.extend_from_slice(format!("{length:x}\r\n").as_bytes());
                }
                frame.extend_from_slice(&piece[..length]);
                if chunked {
                    frame.extend_from_slice(b"\r\n");
                }
                if writer.write_all(&frame).await.is_err() {
                    return false;
                }
                sent.fetch_add(length, Ordering::Relaxed);
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
            }
            if chunked && writer.write_all(b"0\r\n\r\n").await.is_err() {
                return false;
            }
            true
        })
    };
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buffer = vec![0; 16 * 1024];
    let mut sent_when_answered = None;
    let reading = async {
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => {
                    sent_when_answered.get_or_insert_with(|| sent.load(Ordering::Relaxed));
                    received.extend_from_slice(&buffer[..read]);
                    if response_complete(&received) {
                        break;
                    }
                }
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(60), reading).await;
    let answered_after = started.elapsed();
    let sent_when_answered = sent_when_answered.unwrap_or_else(|| sent.load(Ordering::Relaxed));
    // Give a server that keeps reading the chance to swallow the rest.
    let sent_everything = matches!(tokio::time::timeout(Duration::from_secs(3), writing).await, Ok(Ok(true)));
    let status =
        std::str::from_utf8(received.get(9..12).unwrap_or_default()).ok().and_then(|s| s.parse().ok());
    let body = match received.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(end) => received[end + 4..].to_vec(),
        None => Vec::new(),
    };
    Streamed { status, body, sent_when_answered, answered_after, sent_everything }
}

/// Whether `received` holds a whole HTTP answer with a Content-Length body.
fn response_complete(received: &[u8]) -> bool {
    let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") else { return false };
    let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok());
    length.is_some_and(|length| received.len() >= end + 4 + length)
}

fn assert_refused_as_too_large(what: &str, streamed: &Streamed, total: usize) {
    assert_eq!(streamed.status, Some(413), "{what}: {}", preview(&streamed.body));
    let body: Value = serde_json::from_slice(&streamed.body).expect("a JSON answer");
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{what}: {body}");
    assert!(
        streamed.sent_when_answered < total,
        "{what}: the answer came only after the whole body ({} bytes) was sent",
        streamed.sent_when_answered
    );
    assert!(!streamed.sent_everything, "{what}: the server read the whole {total}-byte body");
    eprintln!(
        "{what}: 413 tras {:.2} s, con {} de {total} bytes enviados",
        streamed.answered_after.as_secs_f64(),
        streamed.sent_when_answered
    );
}

async fn oversized_bodies_are_refused_early(app: &TestApp) {
    const TOTAL: usize = 50 * 1024 * 1024;
    let limit = app.settings.limits.max_body_bytes;
    assert!(limit < TOTAL / 4, "the default limit is well under the streamed body");

    let fast = stream_body(app, false, TOTAL, Duration::ZERO).await;
    assert_refused_as_too_large("50 MB con Content-Length", &fast, TOTAL);
    assert!(fast.answered_after < Duration::from_secs(20), "{:?}", fast.answered_after);

    // Chunked without a length, 64 KiB every 2 ms: about 30 MB/s, the limit
    // crossed within a second; the answer must not wait for the rest.
    let slow = stream_body(app, true, TOTAL, Duration::from_millis(2)).await;
    assert_refused_as_too_large("50 MB por trozos, despacio", &slow, TOTAL);
    assert!(slow.sent_when_answered < limit * 2, "{} bytes sent before the answer", slow.sent_when_answered);

    // The server serves normally afterwards.
    let data = app.query_ok(r#"{ territorialEntity(code: "05") { name } }"#, json!({})).await;
    assert_eq!(data["territorialEntity"]["name"], "ANTIOQUIA");
}

/// A body announced larger than the limit is refused at once, before any of
/// it is read (the client may not even send it, as with `Expect: 100-continue`).
async fn announced_oversized_bodies_are_refused_before_reading(app: &TestApp) {
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let total = app.settings.limits.max_body_bytes * 4;
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: sugit\r\nContent-Type: application/json\r\nContent-Length: {total}\r\nExpect: 100-continue\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("request head");
    let mut received = Vec::new();
    let mut buffer = vec![0; 16 * 1024];
    let started = Instant::now();
    let reading = async {
        while !response_complete(&received) {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => received.extend_from_slice(&buffer[..read]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), reading).await;
    let text = String::from_utf8_lossy(&received);
    assert!(
        text.starts_with("HTTP/1.1 413"),
        "no 413 within {:?} without sending the body: {text:?}",
        started.elapsed()
    );
}

/// A GET whose query nests a few thousand brackets: the handler parses it to
/// refuse mutations before the GraphQL limits see it, and that parse recurses
/// once per level on the worker's stack.
async fn deeply_nested_get_queries_are_refused(app: &TestApp) {
    for levels in [1_000, 5_000, 9_000] {
        let query = format!(
            "{{ search(query: {}\"a\"{}) {{ totalCount }} }}",
            "[".repeat(levels),
            "]".repeat(levels)
        );
        let response = app
            .client
            .get(app.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .query(&[("query", query.as_str())])
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{levels} levels");
        let body: Value = response.json().await.expect("json");
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{levels} levels: {body}");
    }
    assert_eq!(app.client.get(app.url("/healthz")).send().await.expect("healthz").status(), StatusCode::OK);
}

mod oversized {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fuzz_oversized_bodies_are_refused_early() {
        if let Some(app) = sugit_tests::TestApp::spawn(sugit_tests::Backend::Sqlite).await {
            super::oversized_bodies_are_refused_early(&app).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fuzz_deeply_nested_get_queries_are_refused() {
        if let Some(app) = sugit_tests::TestApp::spawn(sugit_tests::Backend::Sqlite).await {
            super::deeply_nested_get_queries_are_refused(&app).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fuzz_announced_oversized_bodies_are_refused_before_reading() {
        if let Some(app) = sugit_tests::TestApp::spawn(sugit_tests::Backend::Sqlite).await {
            super::announced_oversized_bodies_are_refused_before_reading(&app).await;
        }
    }
}
