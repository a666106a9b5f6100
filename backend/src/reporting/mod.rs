//! Reporting: "report once, reuse many". The catalogue of canonical data
//! elements, the information requirements national entities issue, the
//! submissions territorial entities send, and the observations they produce,
//! deduplicated across requirements and levels of government.

mod batch;
pub mod catalogue;
pub mod coverage;
pub mod decision;
pub mod dedup;
pub mod demo;
mod entity;
pub mod export;
pub mod http;
pub mod import;
pub mod model;
pub mod numbers;
pub mod periods;
pub mod resolvers;
pub mod rules;
pub mod served;
pub mod service;
pub mod sheet;
mod sheet_store;
pub mod similarity;
pub mod status;
pub mod submission;
pub mod thesaurus;

pub use service::ReportingService;
