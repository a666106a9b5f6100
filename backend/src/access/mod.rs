//! Access: organisations, users, password login, bearer tokens, the rules of
//! who may write what, and the append-only audit log.

pub mod audit;
mod entity;
pub mod model;
pub mod organisations;
pub mod resolvers;
pub mod rules;
pub mod secrets;
pub mod service;

pub use model::{Actor, AuthUser, Role};
pub use service::AccessService;
