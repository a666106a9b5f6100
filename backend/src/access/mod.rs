//! Access: organisations, users, password login and bearer tokens. Who is
//! acting and the rules of who may write what are the platform's
//! (`authorisation`), as is the append-only audit log (`audit`).

pub mod demo;
mod entity;
pub mod mail;
pub mod model;
pub mod organisations;
pub mod recovery;
pub mod registration;
pub mod resolvers;
pub mod secrets;
pub mod service;
pub mod sessions;

pub use model::{Actor, AuthUser, Role};
pub use service::AccessService;
