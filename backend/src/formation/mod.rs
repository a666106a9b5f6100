//! Formation and accompaniment (Mission 1.c and 2.c, «módulos de formación»):
//! training modules built from the knowledge base, enrolment and progress of
//! territorial teams, verifiable certificates, and accompaniment programmes
//! whose goals are measured from the values entities report once. The rules
//! are plain functions in `rules`; `service` keeps the modules, `learning`
//! the learners' side, `programmes` the accompaniment, `mentoring` the mentor
//! network (matched with ATT's differential scoring), `indicator` completion
//! reported once and computed by monitoring.

pub mod demo;
mod entity;
pub mod http;
pub mod indicator;
pub mod learning;
pub mod mentor_resolvers;
pub mod mentoring;
pub mod model;
pub mod programmes;
pub mod resolvers;
pub mod rules;
pub mod service;

pub use service::FormationService;
