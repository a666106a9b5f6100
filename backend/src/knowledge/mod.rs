//! Knowledge: the guides, studies, lessons learned, memoirs, norms and minutes
//! that researchers and territorial teams search, ingested from text,
//! Markdown and PDF.

pub mod demo;
pub mod document;
pub mod ingest;
pub mod model;
pub mod resolvers;
pub mod rules;
pub mod service;

pub use service::KnowledgeService;
