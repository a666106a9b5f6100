//! Integration tests: the real server on a free port, a fresh database per test,
//! HTTP as a client speaks it.

mod access;
mod assistance;
mod browser;
mod cache;
mod classification;
mod commission;
mod consultation;
mod faults;
mod formation;
mod fuzz;
mod http;
mod limits;
mod matrix;
mod migration;
mod monitoring;
mod operations;
mod reporting;
mod schema;
mod search;
mod subscriptions;
mod talent;
mod territory;
