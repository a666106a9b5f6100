//! Demo monitoring: placeholder replaced below.

use super::service::MonitoringService;
use crate::{
    access::AccessService, error::ServiceError, reporting::ReportingService, territory::TerritoryService,
};

pub async fn load(
    _access: &AccessService,
    _territory: &TerritoryService,
    _reporting: &ReportingService,
    _monitoring: &MonitoringService,
) -> Result<bool, ServiceError> {
    Ok(false)
}
