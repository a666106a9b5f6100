//! The GraphQL schema: every context's resolvers merged into one root, with
//! the limits of the contract.

pub mod limits;
pub mod public_fields;

use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};

use crate::{
    access::resolvers::{AccessMutation, AccessQuery},
    assistance::resolvers::{
        AssistanceMutation, AssistanceOutcomeMutation, AssistanceOutcomeQuery, AssistanceQuery,
        AssistanceSubscription,
    },
    classification::{
        legacy_resolvers::{AccountMappingQuery, LegacySpendingMutation},
        resolvers::{ClassificationMutation, ClassificationQuery},
    },
    commission::resolvers::{
        CommissionMutation, CommissionQuery, CommissionSubscription, InternalRulesMutation,
        InternalRulesQuery,
    },
    config::Limits,
    consultation::resolvers::{ConsultationMutation, ConsultationQuery, ConsultationSubscription},
    formation::{
        mentor_resolvers::{MentorMutation, MentorQuery},
        resolvers::{FormationMutation, FormationQuery},
    },
    knowledge::resolvers::{KnowledgeMutation, KnowledgeQuery},
    monitoring::{
        list_resolvers::{FocalisationMutation, FocalisationQuery},
        resolvers::{MonitoringMutation, MonitoringQuery},
    },
    reporting::resolvers::{CoverageQuery, ReportingMutation, ReportingQuery},
    search::resolvers::SearchQuery,
    talent::resolvers::{TalentMutation, TalentQuery},
    territory::resolvers::{TerritoryMutation, TerritoryQuery},
};

/// Consultas de SUGIT.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    TerritoryQuery,
    AccessQuery,
    ReportingQuery,
    CoverageQuery,
    CommissionQuery,
    InternalRulesQuery,
    SearchQuery,
    KnowledgeQuery,
    AssistanceQuery,
    AssistanceOutcomeQuery,
    ConsultationQuery,
    MonitoringQuery,
    FocalisationQuery,
    TalentQuery,
    FormationQuery,
    MentorQuery,
    ClassificationQuery,
    AccountMappingQuery,
);

/// Cambios en SUGIT. Cada uno verifica quién lo pide y queda en el registro de auditoría.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    AccessMutation,
    TerritoryMutation,
    ReportingMutation,
    CommissionMutation,
    InternalRulesMutation,
    KnowledgeMutation,
    AssistanceMutation,
    AssistanceOutcomeMutation,
    ConsultationMutation,
    MonitoringMutation,
    FocalisationMutation,
    TalentMutation,
    FormationMutation,
    MentorMutation,
    ClassificationMutation,
    LegacySpendingMutation,
);

/// Suscripciones (protocolo graphql-transport-ws sobre WebSocket en /graphql).
#[derive(MergedSubscription, Default)]
#[graphql(name = "Subscription")]
pub struct SubscriptionRoot(CommissionSubscription, AssistanceSubscription, ConsultationSubscription);

pub type SugitSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema with its limits, before request-independent data is attached.
pub fn schema_builder(limits: &Limits) -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot::default())
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
