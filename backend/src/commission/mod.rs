//! The commission of the decree (art. 2.2.11.4.3 to 2.2.11.4.8): members and
//! invitees, sessions, attendance and quorum, decisions and votes, minutes and
//! commitments; the internal rules and the special invitees they admit
//! (`internal_rules`, rules in `invitees`). Results are computed by `rules`,
//! never typed by a user.

pub mod calendar;
pub mod commitments;
pub mod demo;
mod entity;
pub mod http;
pub mod internal_rules;
pub mod invitees;
pub mod model;
pub mod planning;
pub mod report;
pub mod resolvers;
pub mod rules;
pub mod service;

pub use service::CommissionService;
