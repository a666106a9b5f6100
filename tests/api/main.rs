//! Integration tests: the real server on a free port, a fresh database per test,
//! HTTP as a client speaks it.

mod http;
mod schema;
mod territory;
