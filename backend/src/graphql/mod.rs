//! The GraphQL schema: every context's resolvers merged into one root, with
//! the limits of the contract.

pub mod connection;
pub mod limits;

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema, SchemaBuilder};

use crate::{config::Limits, territory::resolvers::TerritoryQuery};

/// Consultas de SUGIT.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(TerritoryQuery);

pub type SugitSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// The schema with its limits, before request-independent data is attached.
pub fn schema_builder(limits: &Limits) -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(64)
        .limit_directives(20)
        .extension(limits::QueryLimits {
            max_aliases: limits.max_aliases,
            max_depth: limits.max_depth,
            max_complexity: limits.max_complexity,
        })
}

/// The SDL that `sugit schema` prints and `schema/schema.graphql` holds.
pub fn sdl() -> String {
    schema_builder(&Limits::default()).finish().sdl()
}
