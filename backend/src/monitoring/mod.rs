//! Monitoring (Mission 2.b and the first subsystem of 2.c): indicators of
//! how competencies are exercised, computed from the values reported once,
//! each placed among its peers and followed over time. Indicators are data
//! (`formula` parses and checks them), results are computed by `rules` from
//! the served observations (`compute`, kept current by `follow`) and shown by
//! `views`.

pub mod compute;
pub mod csv;
pub mod demo;
mod entity;
pub mod follow;
pub mod formula;
pub mod list_resolvers;
pub mod lists;
pub mod model;
pub mod resolvers;
pub mod rules;
pub mod service;
pub mod views;

pub use service::MonitoringService;
