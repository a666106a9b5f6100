//! Classification of spending (Mission proposal 1.a and the second
//! subsystem of 2.c): the catalogue of competencies → programmatic units →
//! services, versioned under a protocol Función Pública runs (`service`),
//! the crosswalk from every retired code to its successors and the rest of
//! the rules (`rules`, pure), the spending reported once against it and
//! what it gives back (`spending`), the links from other contexts' free
//! text to its units (`references`), legacy budget files brought in through
//! a mapping of accounts to units (`legacy`, rules in `accounts`), and its
//! exports (`http`).

pub mod accounts;
pub mod demo;
pub mod document;
mod entity;
pub mod http;
pub mod in_force;
pub mod legacy;
pub mod legacy_resolvers;
pub mod model;
pub mod references;
pub mod resolvers;
pub mod rules;
pub mod service;
pub mod spending;

pub use service::{ClassificationService, CodesInForce};
