//! The commission of the decree (art. 2.2.11.4.3 to 2.2.11.4.8): members and
//! invitees, sessions, attendance and quorum, decisions and votes, minutes and
//! commitments. Results are computed by `rules`, never typed by a user.

pub mod calendar;
pub mod commitments;
pub mod demo;
mod entity;
pub mod http;
pub mod model;
pub mod planning;
pub mod report;
pub mod resolvers;
pub mod rules;
pub mod service;

pub use service::CommissionService;
