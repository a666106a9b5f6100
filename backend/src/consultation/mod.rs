//! The consultation room the Mission asks for ("sala de consulta", two-way
//! communication links): threads between a territorial entity and the
//! national entity behind an offer, an information requirement or a
//! commission commitment; unread counts, live messages and the time each
//! national entity takes to give a first answer.

pub mod model;
pub mod resolvers;
pub mod rules;
pub mod service;

pub use service::ConsultationService;
