//! Which queries answer the same to everyone: those whose every selected field
//! is on the contexts' lists of fields that never look at who asks. Such a
//! query, signed in or not, is answered from the public cache; any other
//! signed-in query runs as its caller.
//!
//! The walk follows the document's types, read from the schema itself, so a
//! field is judged on the type it is selected on: `TerritorialEntity.name` is
//! public, a `name` on another type is not for that.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, OperationType, Selection, SelectionSet, Type, TypeKind,
    TypeSystemDefinition,
};

use super::limits::{selected_operation, MAX_NESTING};
use crate::{connection, territory};

/// Every context's list: (type, its fields whose answer does not depend on the caller).
const LISTS: [&[(&str, &[&str])]; 2] = [connection::PUBLIC_FIELDS, territory::resolvers::PUBLIC_FIELDS];

/// What a query selects, as far as the public cache is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Only `__typename`s: running it costs less than looking it up.
    Trivial,
    /// The same answer whoever asks.
    Everyone,
    /// At least one field may answer differently for another caller.
    Caller,
}

/// The public fields with the type each one returns.
#[derive(Debug, Default)]
pub struct PublicFields {
    returns: HashMap<String, HashMap<String, String>>,
}

impl PublicFields {
    /// Reads the listed fields' types from the schema's SDL. A listed field
    /// the schema does not have is left out (and a unit test names it).
    pub fn from_sdl(sdl: &str) -> Self {
        let listed: HashSet<(&str, &str)> = LISTS
            .iter()
            .flat_map(|list| list.iter())
            .flat_map(|(ty, fields)| fields.iter().map(move |field| (*ty, *field)))
            .collect();
        let mut returns: HashMap<String, HashMap<String, String>> = HashMap::new();
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else { return Self::default() };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else { continue };
            let ty = definition.node.name.node.as_str();
            let fields = match &definition.node.kind {
                TypeKind::Object(object) => &object.fields,
                TypeKind::Interface(interface) => &interface.fields,
                _ => continue,
            };
            for field in fields {
                let name = field.node.name.node.as_str();
                if listed.contains(&(ty, name)) {
                    returns
                        .entry(ty.to_owned())
                        .or_default()
                        .insert(name.to_owned(), named_type(&field.node.ty.node).to_owned());
                }
            }
        }
        Self { returns }
    }

    /// Who the answer of the operation `operation_name` of `document` is for.
    /// Mutations, subscriptions and documents that name no single operation
    /// are the caller's.
    pub fn audience(&self, document: &ExecutableDocument, operation_name: Option<&str>) -> Audience {
        let Some(operation) = selected_operation(document, operation_name) else { return Audience::Caller };
        if operation.node.ty != OperationType::Query {
            return Audience::Caller;
        }
        let mut walk = Walk { fields: self, document, spread: HashSet::new(), resolves: false, depth: 0 };
        if !walk.set("Query", &operation.node.selection_set.node) {
            Audience::Caller
        } else if walk.resolves {
            Audience::Everyone
        } else {
            Audience::Trivial
        }
    }
}

struct Walk<'a> {
    fields: &'a PublicFields,
    document: &'a ExecutableDocument,
    /// Fragments already walked on a type: a document that spreads one inside
    /// itself is refused by validation, and must not loop here first.
    spread: HashSet<(&'a str, &'a str)>,
    /// Whether any field other than `__typename` is selected.
    resolves: bool,
    /// Selection sets entered, fragments included: a chain of thousands of
    /// fragments must not exhaust the stack here; past the executor's own
    /// limit the document is refused anyway, so it is nobody's to share.
    depth: usize,
}

impl<'a> Walk<'a> {
    fn set(&mut self, ty: &'a str, set: &'a SelectionSet) -> bool {
        if self.depth >= MAX_NESTING {
            return false;
        }
        self.depth += 1;
        let alike = set.items.iter().all(|item| match &item.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                if name == "__typename" {
                    return true;
                }
                self.resolves = true;
                match self.fields.returns.get(ty).and_then(|fields| fields.get(name)) {
                    Some(returned) => self.set(returned, &field.node.selection_set.node),
                    None => false,
                }
            }
            Selection::InlineFragment(fragment) => {
                let on = fragment.node.type_condition.as_ref().map_or(ty, |on| on.node.on.node.as_str());
                self.set(on, &fragment.node.selection_set.node)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                let Some(fragment) = self.document.fragments.get(&spread.node.fragment_name.node) else {
                    return false;
                };
                let on = fragment.node.type_condition.node.on.node.as_str();
                !self.spread.insert((name, on)) || self.set(on, &fragment.node.selection_set.node)
            }
        });
        self.depth -= 1;
        alike
    }
}

fn named_type(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named_type(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> PublicFields {
        PublicFields::from_sdl(&crate::graphql::sdl())
    }

    fn audience(query: &str) -> Audience {
        audience_of(query, None)
    }

    fn audience_of(query: &str, operation: Option<&str>) -> Audience {
        let document = async_graphql::parser::parse_query(query).expect("valid GraphQL");
        fields().audience(&document, operation)
    }

    #[test]
    fn every_listed_field_is_in_the_schema() {
        let fields = fields();
        let missing: Vec<String> = LISTS
            .iter()
            .flat_map(|list| list.iter())
            .flat_map(|(ty, names)| names.iter().map(move |name| (*ty, *name)))
            .filter(|(ty, name)| !fields.returns.get(*ty).is_some_and(|listed| listed.contains_key(*name)))
            .map(|(ty, name)| format!("{ty}.{name}"))
            .collect();
        assert!(missing.is_empty(), "listed but not in the schema: {missing:?}");
    }

    #[test]
    fn the_register_answers_alike_whoever_asks() {
        let list =
            "{ territorialEntities(first: 20) { totalCount edges { cursor node { code name kind category \
                    department { code name } } } pageInfo { hasNextPage endCursor } } }";
        assert_eq!(audience(list), Audience::Everyone);
        assert_eq!(
            audience("{ territorialEntity(code: \"05\") { municipalities(first: 3) { nodes { name } } } }"),
            Audience::Everyone
        );
        assert_eq!(audience("{ rapRegions { code departments { name } } }"), Audience::Everyone);
    }

    #[test]
    fn one_field_about_the_caller_makes_the_answer_the_callers() {
        assert_eq!(audience("{ me { email } }"), Audience::Caller);
        assert_eq!(audience("{ territorialEntity(code: \"05\") { name } me { email } }"), Audience::Caller);
        // Hidden in a fragment, an inline fragment, or behind an alias.
        assert_eq!(
            audience("query { territorialEntity(code: \"05\") { name } ...F } fragment F on Query { me { email } }"),
            Audience::Caller
        );
        assert_eq!(audience("{ ... on Query { whoIsIt: me { email } } }"), Audience::Caller);
        // A public name on another type is that type's field.
        assert_eq!(audience("{ me { name } }"), Audience::Caller);
    }

    #[test]
    fn mutations_and_unnamed_choices_are_the_callers() {
        assert_eq!(audience("mutation { __typename }"), Audience::Caller);
        assert_eq!(
            audience_of("query A { rapRegions { code } } query B { me { email } }", None),
            Audience::Caller
        );
        assert_eq!(
            audience_of("query A { rapRegions { code } } query B { me { email } }", Some("A")),
            Audience::Everyone
        );
        assert_eq!(
            audience_of("query A { rapRegions { code } } query B { me { email } }", Some("B")),
            Audience::Caller
        );
    }

    #[test]
    fn a_chain_of_fragments_longer_than_the_executor_allows_is_not_shared() {
        let chain = |length: usize| {
            let fragments: String = (0..length)
                .map(|n| format!("fragment F{n} on Query {{ rapRegions {{ code }} ...F{} }}\n", n + 1))
                .collect();
            format!("{{ ...F0 }}\n{fragments}fragment F{length} on Query {{ __typename }}")
        };
        assert_eq!(audience(&chain(10)), Audience::Everyone);
        assert_eq!(audience(&chain(5_000)), Audience::Caller, "and the stack holds");
    }

    #[test]
    fn typename_alone_is_trivial_and_self_spreading_fragments_end() {
        assert_eq!(audience("{ __typename }"), Audience::Trivial);
        assert_eq!(audience("{ ...F } fragment F on Query { __typename ...F }"), Audience::Trivial);
        assert_eq!(audience("{ ...Missing }"), Audience::Caller);
    }
}
