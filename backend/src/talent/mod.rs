//! Talent (Mission 3.b, «Vitrina de las Regiones»): vacancies of territorial
//! entities, talent profiles that people give with explicit consent (Ley 1581
//! de 2012), matching both ways with explained scores, applications and
//! their stages, temporary transfers of staff between entities, and the
//! indicators. The rules are pure functions in `rules`; the institutional
//! side is `service`, the people's side `people` (a person's account and its
//! self-registration are the access context's).

pub mod demo;
pub mod document;
mod entity;
pub mod model;
pub mod people;
pub mod resolvers;
pub mod rules;
pub mod service;

pub use service::TalentService;
