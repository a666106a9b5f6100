//! Query limits, checked before any resolver runs, and Spanish, coded errors
//! for everything that fails before execution (parse, validation, limits)
//! and for arguments async-graphql refuses while reading them.

use std::{collections::HashMap, convert::Infallible, sync::Arc};

use async_graphql::{
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
        NextRequest, NextValidation,
    },
    parser::types::{
        Directive, DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
        SelectionSet,
    },
    Positioned, Request, Response, ServerError, ServerResult, ValidationResult, Value as ConstValue,
    Variables,
};

use crate::error::ErrorCode;

/// async-graphql's own messages for its depth and complexity limits.
const DEPTH_MESSAGE: &str = "Query is nested too deep.";
const COMPLEXITY_MESSAGE: &str = "Query is too complex.";
/// Its message for a subscription sent over HTTP instead of a WebSocket.
const SUBSCRIPTION_TRANSPORT_MESSAGE: &str = "Subscriptions are not supported on this transport.";
/// Prefixes of its messages for its own nesting and directive limits.
const RECURSION_PREFIX: &str = "The recursion depth of the query cannot be greater than";
const DIRECTIVES_PREFIX: &str = "The number of directives on the field";
/// Deepest chain of selection sets and fragment spreads walked before async-graphql's
/// own recursion limit (64, `limit_recursive_depth` in `graphql/mod.rs`) does:
/// its checks recurse, and a longer chain would only exhaust the stack.
pub const MAX_NESTING: usize = 64;

/// Marks the operations of a WebSocket connection. Writes go through POST
/// only, where the public cache is told before they are acknowledged.
pub struct OverWebSocket;

/// The operation a request runs: the one it names, or the document's only one.
pub fn selected_operation<'a>(
    document: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    match &document.operations {
        DocumentOperations::Single(operation) => Some(operation),
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations.iter().find(|(op_name, _)| op_name.as_str() == name).map(|(_, op)| op),
            None => operations.values().next().filter(|_| operations.len() == 1),
        },
    }
}

pub struct QueryLimits {
    pub max_aliases: usize,
    pub max_depth: usize,
    pub max_complexity: usize,
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryLimitsExtension {
            max_aliases: self.max_aliases,
            max_depth: self.max_depth,
            max_complexity: self.max_complexity,
        })
    }
}

struct QueryLimitsExtension {
    max_aliases: usize,
    max_depth: usize,
    max_complexity: usize,
}

pub fn coded(code: ErrorCode, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code.as_str());
    error.extensions = Some(extensions);
    error
}

#[async_trait::async_trait]
impl Extension for QueryLimitsExtension {
    /// Parses the document here, before async-graphql's own checks: those walk
    /// every fragment spread anew, so a few fragments that each spread the next
    /// one twice cost 2^n steps there and pin a worker thread. Counting here is
    /// linear (each fragment once), and the parsed document is handed on.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        match excess(&request.query, MAX_NESTING, MAX_NAME) {
            Some(Excess::Nesting(depth)) => return Err(too_deeply_nested(depth)),
            Some(Excess::Name(length)) => return Err(name_too_long(length)),
            None => {}
        }
        if request.operation_name.as_ref().is_some_and(|name| name.len() > MAX_NAME) {
            return Err(name_too_long(MAX_NAME + 1));
        }
        if request.variables.values().any(const_has_nul) {
            return Err(nul_refused());
        }
        let operation_name = request.operation_name.clone();
        let document = request.parsed_query().map_err(|error| {
            coded(ErrorCode::BadUserInput, format!("la consulta no es GraphQL válido: {}", error.message))
        })?;
        if document_has_nul(document) {
            return Err(nul_refused());
        }
        if ctx.data_opt::<OverWebSocket>().is_some()
            && selected_operation(document, operation_name.as_deref())
                .is_some_and(|operation| operation.node.ty == OperationType::Mutation)
        {
            return Err(coded(
                ErrorCode::BadUserInput,
                "las mutaciones se envían por POST a /graphql; el WebSocket atiende solo suscripciones y consultas".into(),
            ));
        }
        let aliases = count_aliases(document);
        if aliases > self.max_aliases {
            return Err(coded(
                ErrorCode::QueryTooComplex,
                format!("la consulta usa {aliases} alias; el máximo es {}", self.max_aliases),
            ));
        }
        match expanded_fields(document, self.max_complexity) {
            Expansion::TooDeep => {
                return Err(coded(
                    ErrorCode::QueryTooComplex,
                    format!(
                        "la consulta encadena más de {MAX_NESTING} niveles de campos y fragmentos; divídala en consultas más simples"
                    ),
                ))
            }
            Expansion::Fields(fields) if fields > self.max_complexity => return Err(self.too_complex()),
            Expansion::Fields(_) => {}
        }
        next.run(ctx, request).await
    }

    /// async-graphql's own structural checks (nesting, directives per field)
    /// run while the document is handed over: their errors get a code here.
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|error| {
            let translated = if error.message.starts_with(RECURSION_PREFIX) {
                coded(
                    ErrorCode::QueryTooComplex,
                    format!(
                        "la consulta anida más de {MAX_NESTING} niveles; divídala en consultas más simples"
                    ),
                )
            } else if error.message.starts_with(DIRECTIVES_PREFIX) {
                coded(
                    ErrorCode::QueryTooComplex,
                    format!("la consulta usa demasiadas directivas: {}", error.message),
                )
            } else {
                coded(ErrorCode::BadUserInput, format!("la consulta no es GraphQL válido: {}", error.message))
            };
            ServerError { locations: error.locations, ..translated }
        })
    }

    /// What async-graphql refuses between validation and execution (an unknown
    /// or missing operation name) carries no code: it is the client's request.
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for error in &mut response.errors {
            if error.extensions.as_ref().and_then(|e| e.get("code")).is_none() {
                let translated =
                    coded(ErrorCode::BadUserInput, format!("la solicitud no es válida: {}", error.message));
                error.message = translated.message;
                error.extensions = translated.extensions;
            }
        }
        response
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| errors.into_iter().map(|error| self.translate(error)).collect())
    }

    /// Errors the resolvers raise carry their code; the only ones without a
    /// code are async-graphql's own, raised while reading an argument (a
    /// variable of the wrong type, a null where a list is due): bad input.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        let mut response = next.run(ctx, operation_name).await;
        for error in &mut response.errors {
            if error.extensions.as_ref().and_then(|e| e.get("code")).is_none() {
                let translated = if error.message == SUBSCRIPTION_TRANSPORT_MESSAGE {
                    coded(
                        ErrorCode::BadUserInput,
                        "las suscripciones se atienden por WebSocket en /graphql (graphql-transport-ws), no por POST ni GET".into(),
                    )
                } else {
                    coded(ErrorCode::BadUserInput, format!("un argumento no es válido: {}", error.message))
                };
                error.message = translated.message;
                error.extensions = translated.extensions;
            }
        }
        response
    }
}

impl QueryLimitsExtension {
    fn too_complex(&self) -> ServerError {
        coded(
            ErrorCode::QueryTooComplex,
            format!(
                "la consulta es demasiado costosa (límite {}); pida menos elementos con «first» o menos campos anidados",
                self.max_complexity
            ),
        )
    }

    fn translate(&self, error: ServerError) -> ServerError {
        let translated = match error.message.as_str() {
            DEPTH_MESSAGE => coded(
                ErrorCode::QueryTooComplex,
                format!(
                    "la consulta anida más de {} niveles; divídala en consultas más simples",
                    self.max_depth
                ),
            ),
            COMPLEXITY_MESSAGE => self.too_complex(),
            other => coded(ErrorCode::BadUserInput, format!("la consulta no es válida: {other}")),
        };
        ServerError { locations: error.locations, ..translated }
    }
}

/// Every alias in the document, fragments included: an alias flood multiplies
/// work without deepening the query, so depth and complexity limits miss it.
fn count_aliases(document: &ExecutableDocument) -> usize {
    let in_operations: usize =
        document.operations.iter().map(|(_, operation)| aliases_in(&operation.node.selection_set)).sum();
    let in_fragments: usize =
        document.fragments.values().map(|fragment| aliases_in(&fragment.node.selection_set)).sum();
    in_operations + in_fragments
}

fn aliases_in(selection_set: &Positioned<SelectionSet>) -> usize {
    selection_set
        .node
        .items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + aliases_in(&field.node.selection_set)
            }
            Selection::InlineFragment(fragment) => aliases_in(&fragment.node.selection_set),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Refusal of a document nested beyond `MAX_NESTING`.
pub fn too_deeply_nested(depth: usize) -> ServerError {
    coded(
        ErrorCode::QueryTooComplex,
        format!(
            "la consulta anida {depth} o más niveles de llaves, corchetes o paréntesis; el máximo es {MAX_NESTING}"
        ),
    )
}

/// The nesting depth reached past `limit` by `{`, `[` and `(` in a GraphQL
/// document, strings and comments aside; `None` within it. Read before any
/// parse: the parser and the checks after it recurse once per level, and a
/// few thousand nested brackets (a 10 KB request) overflow a worker's stack
/// and abort the whole server. Not a validator: anything unbalanced or
/// unterminated is left to the parser, which explains it.
pub fn nesting_beyond(query: &str, limit: usize) -> Option<usize> {
    match excess(query, limit, usize::MAX) {
        Some(Excess::Nesting(depth)) => Some(depth),
        _ => None,
    }
}

/// What makes a document too costly to parse and check, found in one scan of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excess {
    /// Brackets nested this deep.
    Nesting(usize),
    /// A name (or number) this long outside strings: validating one unknown
    /// name of megabytes took the debug server 20 s (its suggestions).
    Name(usize),
}

/// The first excess of nesting past `max_nesting` or of a name past
/// `max_name` characters, strings and comments aside.
pub fn excess(query: &str, max_nesting: usize, max_name: usize) -> Option<Excess> {
    let bytes = query.as_bytes();
    let mut depth = 0usize;
    let mut name = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte.is_ascii_alphanumeric() || byte == b'_' {
            name += 1;
            if name > max_name {
                return Some(Excess::Name(name));
            }
            at += 1;
            continue;
        }
        name = 0;
        match byte {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max_nesting {
                    return Some(Excess::Nesting(depth));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
                    at += 1;
                }
            }
            b'"' if bytes[at..].starts_with(b"\"\"\"") => {
                at += 3;
                while at < bytes.len() && !bytes[at..].starts_with(b"\"\"\"") {
                    // An escaped triple quote does not end the block string.
                    at += if bytes[at..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                at += 2;
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' && bytes[at] != b'\n' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// Longest name (field, alias, argument, operation, fragment) a document may hold.
pub const MAX_NAME: usize = 256;

fn name_too_long(length: usize) -> ServerError {
    coded(
        ErrorCode::BadUserInput,
        format!("la consulta tiene un nombre de {length} o más caracteres; el máximo es {MAX_NAME}"),
    )
}

fn nul_refused() -> ServerError {
    coded(
        ErrorCode::BadUserInput,
        "los textos no pueden contener el carácter nulo (U+0000); quítelo e intente de nuevo".into(),
    )
}

/// PostgreSQL keeps no U+0000 in text: a NUL that reaches a query fails there
/// as an internal error, whichever resolver passed it on. No field of the
/// platform has a use for it, so it is refused before any resolver runs, in
/// the document's values (arguments, directives, defaults) and in the variables.
fn document_has_nul(document: &ExecutableDocument) -> bool {
    let in_operations = document.operations.iter().any(|(_, operation)| {
        let operation = &operation.node;
        operation.variable_definitions.iter().any(|definition| {
            definition.node.default_value.as_ref().is_some_and(|value| const_has_nul(&value.node))
                || directives_have_nul(&definition.node.directives)
        }) || directives_have_nul(&operation.directives)
            || selection_has_nul(&operation.selection_set)
    });
    in_operations
        || document.fragments.values().any(|fragment| {
            directives_have_nul(&fragment.node.directives) || selection_has_nul(&fragment.node.selection_set)
        })
}

/// Arguments hold values that may name variables: those are checked on their
/// own, so here they stand for nothing.
macro_rules! arguments_have_nul {
    ($arguments:expr) => {
        $arguments.iter().any(|(_, value)| {
            value
                .node
                .clone()
                .into_const_with(|_| Ok::<_, Infallible>(ConstValue::Null))
                .is_ok_and(|value| const_has_nul(&value))
        })
    };
}

fn directives_have_nul(directives: &[Positioned<Directive>]) -> bool {
    directives.iter().any(|directive| arguments_have_nul!(directive.node.arguments))
}

fn selection_has_nul(selection_set: &Positioned<SelectionSet>) -> bool {
    selection_set.node.items.iter().any(|selection| match &selection.node {
        Selection::Field(field) => {
            arguments_have_nul!(field.node.arguments)
                || directives_have_nul(&field.node.directives)
                || selection_has_nul(&field.node.selection_set)
        }
        Selection::InlineFragment(fragment) => {
            directives_have_nul(&fragment.node.directives) || selection_has_nul(&fragment.node.selection_set)
        }
        Selection::FragmentSpread(spread) => directives_have_nul(&spread.node.directives),
    })
}

fn const_has_nul(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(text) => text.contains('\0'),
        ConstValue::List(items) => items.iter().any(const_has_nul),
        ConstValue::Object(fields) => fields.values().any(const_has_nul),
        _ => false,
    }
}

enum Expansion {
    /// Fields selected once every fragment spread is expanded (saturating).
    Fields(usize),
    /// Selection sets and spreads chained deeper than `MAX_NESTING`.
    TooDeep,
}

/// The fields the operations select with every fragment spread expanded,
/// counted without expanding them: each fragment is counted once and
/// remembered, so the walk is linear in the document's size. Every field costs
/// at least 1 in async-graphql's complexity, so more than `limit` fields can
/// only fail that check, later and at exponential cost.
fn expanded_fields(document: &ExecutableDocument, limit: usize) -> Expansion {
    let mut walk = FragmentWalk { document, counted: HashMap::new(), open: Vec::new() };
    let mut total = 0usize;
    for (_, operation) in document.operations.iter() {
        match walk.fields_in(&operation.node.selection_set, 0) {
            Some(fields) => total = total.saturating_add(fields),
            None => return Expansion::TooDeep,
        }
        if total > limit {
            break;
        }
    }
    Expansion::Fields(total)
}

struct FragmentWalk<'a> {
    document: &'a ExecutableDocument,
    counted: HashMap<&'a str, usize>,
    /// Fragments being counted: a cycle counts nothing here (validation refuses it).
    open: Vec<&'a str>,
}

impl<'a> FragmentWalk<'a> {
    /// `None` when the chain goes deeper than `MAX_NESTING`.
    fn fields_in(&mut self, selection_set: &'a Positioned<SelectionSet>, depth: usize) -> Option<usize> {
        if depth > MAX_NESTING {
            return None;
        }
        let mut total = 0usize;
        for selection in &selection_set.node.items {
            let fields = match &selection.node {
                Selection::Field(field) => {
                    1usize.saturating_add(self.fields_in(&field.node.selection_set, depth + 1)?)
                }
                Selection::InlineFragment(fragment) => {
                    self.fields_in(&fragment.node.selection_set, depth + 1)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match (
                        self.counted.get(name),
                        self.document.fragments.get(&spread.node.fragment_name.node),
                    ) {
                        (Some(&fields), _) => fields,
                        (None, Some(fragment)) if !self.open.contains(&name) => {
                            self.open.push(name);
                            let fields = self.fields_in(&fragment.node.selection_set, depth + 1);
                            self.open.pop();
                            let fields = fields?;
                            self.counted.insert(name, fields);
                            fields
                        }
                        // Unknown or cyclic: validation explains it.
                        _ => 0,
                    }
                }
            };
            total = total.saturating_add(fields);
        }
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_counted_in_operations_and_fragments() {
        let document = async_graphql::parser::parse_query(
            "query { a: me { x } b: me { y: x } ...F } fragment F on Query { c: me { x } }",
        )
        .expect("valid query");
        assert_eq!(count_aliases(&document), 4);
    }

    fn expansion(query: &str) -> Expansion {
        expanded_fields(&async_graphql::parser::parse_query(query).expect("valid query"), 1_000)
    }

    #[test]
    fn fragments_are_counted_expanded_but_walked_once() {
        assert!(matches!(expansion("{ a b { c } ...F } fragment F on Query { d e }"), Expansion::Fields(5)));
        // Forty levels, each spreading the next twice: 2^40 fields, counted in forty steps.
        let mut bomb = String::from("{ ...F0 }");
        for level in 0..40 {
            bomb.push_str(&format!(
                " fragment F{level} on Query {{ ...F{next} ...F{next} }}",
                next = level + 1
            ));
        }
        bomb.push_str(" fragment F40 on Query { a }");
        assert!(matches!(expansion(&bomb), Expansion::Fields(fields) if fields > 1_000));
    }

    #[test]
    fn long_fragment_chains_and_cycles_end() {
        let mut chain = String::from("{ ...F0 }");
        for level in 0..1_000 {
            chain.push_str(&format!(" fragment F{level} on Query {{ ...F{} }}", level + 1));
        }
        chain.push_str(" fragment F1000 on Query { a }");
        assert!(matches!(expansion(&chain), Expansion::TooDeep));
        let cycle = "{ ...A } fragment A on Query { a ...B } fragment B on Query { b ...A }";
        assert!(matches!(expansion(cycle), Expansion::Fields(2)));
    }

    #[test]
    fn names_are_measured_outside_strings_and_comments() {
        let long = "a".repeat(MAX_NAME + 1);
        assert_eq!(excess(&format!("{{ {long} }}"), MAX_NESTING, MAX_NAME), Some(Excess::Name(MAX_NAME + 1)));
        assert_eq!(excess(&format!("{{ a(x: \"{long}\") # {long}\n }}"), MAX_NESTING, MAX_NAME), None);
        assert_eq!(excess(&format!("{{ a(x: \"\"\"{long}\"\"\") }}"), MAX_NESTING, MAX_NAME), None);
        assert_eq!(excess("{ territorialEntity(code: \"05\") { name } }", MAX_NESTING, MAX_NAME), None);
    }

    #[test]
    fn nesting_is_measured_outside_strings_and_comments() {
        assert_eq!(nesting_beyond("{ a(x: [[1]]) { b } }", 4), None);
        assert_eq!(nesting_beyond("{ a(x: [[[1]]]) { b } }", 4), Some(5));
        let quoted = format!("{{ a(x: \"{}\\\"\") # {}\n }}", "[".repeat(500), "{".repeat(500));
        assert_eq!(nesting_beyond(&quoted, 4), None);
        let block = format!("{{ a(x: \"\"\"{} \\\"\"\" {}\"\"\") }}", "[".repeat(500), "(".repeat(500));
        assert_eq!(nesting_beyond(&block, 4), None);
        let deep = format!("{{ a(x: {}1{}) }}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(nesting_beyond(&deep, MAX_NESTING), Some(MAX_NESTING + 1));
    }

    #[test]
    fn nul_characters_are_found_in_values_and_variables() {
        let document = |query: &str| async_graphql::parser::parse_query(query).expect("valid query");
        assert!(!document_has_nul(&document(r#"{ a(x: "texto", y: [{z: "ñ"}]) @skip(if: false) { b } }"#)));
        assert!(document_has_nul(&document(r#"{ a(x: [{z: "con\u0000nulo"}]) { b } }"#)));
        assert!(document_has_nul(&document(r#"query($v: String = "\u0000") { a(x: $v) }"#)));
        assert!(document_has_nul(&document(r#"{ ...F } fragment F on Query { a @include(if: "\u0000") }"#)));
        let variables = Variables::from_json(serde_json::json!({ "v": { "list": ["a", "b\u{0}"] } }));
        assert!(variables.values().any(const_has_nul));
    }
}
