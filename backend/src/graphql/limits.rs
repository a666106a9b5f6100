//! Query limits, checked before any resolver runs, and Spanish, coded errors
//! for everything that fails before execution (parse, validation, limits)
//! and for arguments async-graphql refuses while reading them.

use std::sync::Arc;

use async_graphql::{
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
    },
    parser::types::{ExecutableDocument, Selection, SelectionSet},
    Positioned, ServerError, ServerResult, ValidationResult, Variables,
};

use crate::error::ErrorCode;

/// async-graphql's own messages for its depth and complexity limits.
const DEPTH_MESSAGE: &str = "Query is nested too deep.";
const COMPLEXITY_MESSAGE: &str = "Query is too complex.";

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
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await.map_err(|error| {
            coded(ErrorCode::BadUserInput, format!("la consulta no es GraphQL válido: {}", error.message))
        })?;
        let aliases = count_aliases(&document);
        if aliases > self.max_aliases {
            return Err(coded(
                ErrorCode::QueryTooComplex,
                format!("la consulta usa {aliases} alias; el máximo es {}", self.max_aliases),
            ));
        }
        Ok(document)
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
                let translated =
                    coded(ErrorCode::BadUserInput, format!("un argumento no es válido: {}", error.message));
                error.message = translated.message;
                error.extensions = translated.extensions;
            }
        }
        response
    }
}

impl QueryLimitsExtension {
    fn translate(&self, error: ServerError) -> ServerError {
        let translated = match error.message.as_str() {
            DEPTH_MESSAGE => coded(
                ErrorCode::QueryTooComplex,
                format!("la consulta anida más de {} niveles; divídala en consultas más simples", self.max_depth),
            ),
            COMPLEXITY_MESSAGE => coded(
                ErrorCode::QueryTooComplex,
                format!(
                    "la consulta es demasiado costosa (límite {}); pida menos elementos con «first» o menos campos anidados",
                    self.max_complexity
                ),
            ),
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
}
