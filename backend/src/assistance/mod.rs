//! Technical assistance (ATT): the offers of national entities and cooperation,
//! the demands of territorial entities, and the matching between them with the
//! differential approach (CONPES 4091; decree art. 2.2.11.4.4).

pub mod delivery;
pub mod demo;
pub mod document;
pub mod http;
pub mod indicators;
pub mod matching;
pub mod model;
mod recommendations;
pub mod resolvers;
pub mod rules;
pub mod service;

pub use service::AssistanceService;
