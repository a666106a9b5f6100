//! CSV of the monitoring views.
