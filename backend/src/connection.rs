//! Relay connections with `totalCount`, built from a service's `Page`, and the
//! parsing of the opaque ids every context's resolvers take.

use async_graphql::{
    connection::{Connection, Edge},
    OutputType, SimpleObject,
};

use crate::{
    error::ServiceError,
    pagination::{encode_cursor, Page, PageRequest, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE},
};

/// An object's id as a GraphQL `ID`; `what` names the object in the refusal.
pub fn parse_id(id: &async_graphql::ID, what: &str) -> Result<uuid::Uuid, ServiceError> {
    uuid::Uuid::parse_str(id.as_str())
        .map_err(|_| ServiceError::invalid(format!("«{}» no es un id de {what} válido", id.as_str())))
}

/// Campos adicionales de toda conexión.
#[derive(SimpleObject)]
pub struct ConnectionTotals {
    /// Total de elementos que cumplen el filtro, en todas las páginas.
    pub total_count: i64,
}

/// Pagination says nothing about who asks (see `graphql::public_fields`).
pub const PUBLIC_FIELDS: &[(&str, &[&str])] =
    &[("PageInfo", &["hasPreviousPage", "hasNextPage", "startCursor", "endCursor"])];

pub type CountedConnection<N> = Connection<String, N, ConnectionTotals>;

pub fn connection<T, N: OutputType>(
    page: Page<T>,
    request: &PageRequest,
    sort_key: impl Fn(&T) -> String,
    node: impl Fn(T) -> N,
) -> CountedConnection<N> {
    let totals = ConnectionTotals { total_count: i64::try_from(page.total_count).unwrap_or(i64::MAX) };
    let mut built = Connection::with_additional_fields(request.after.is_some(), page.has_next_page, totals);
    built
        .edges
        .extend(page.items.into_iter().map(|item| Edge::new(encode_cursor(&sort_key(&item)), node(item))));
    built
}

/// Complexity of a list field: its page size times what each node costs,
/// so nested lists multiply and a costly query is refused before it runs.
pub fn list_complexity(first: Option<i32>, child_complexity: usize) -> usize {
    let page_size = first.map_or(DEFAULT_PAGE_SIZE, |n| n.clamp(0, MAX_PAGE_SIZE as i32) as u64);
    (page_size as usize).max(1).saturating_mul(child_complexity).saturating_add(1)
}
