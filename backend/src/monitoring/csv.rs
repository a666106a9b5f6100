//! `/monitoreo/indicadores.csv`: every monitoring view as CSV, public like
//! the views (a restricted indicator is not downloadable). `?periodo=2025&entidad=05001` an entity's indicators;
//! `?periodo=2025&indicador=X&departamento=05` a department's municipalities;
//! `?periodo=2025&indicador=X` the country by department;
//! `?periodo=2025&indicador=X&semaforo=rojo` the focalisation list: every
//! municipality of the country with that light.

use axum::{
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde::Deserialize;

use super::MonitoringService;
use super::{
    model::{Indicator, IndicatorValue, PeerGroupKind, TrafficLight},
    resolvers::note,
    rules::Spread,
    views::{CountryIndicator, EntityIndicators},
};
use crate::{authorisation::Actor, error::ServiceError, pagination::PageRequest};

/// The downloads are the public's: a restricted indicator is not among them.
const PUBLIC: Actor = Actor::Anonymous;

/// The route, ready to merge into the server's router (whatever its state).
pub fn router<S: Clone + Send + Sync + 'static>(monitoring: MonitoringService) -> Router<S> {
    Router::new().route("/monitoreo/indicadores.csv", get(download)).with_state(monitoring)
}

#[derive(Deserialize)]
pub struct CsvQuery {
    periodo: Option<String>,
    entidad: Option<String>,
    indicador: Option<String>,
    departamento: Option<String>,
    /// `rojo`, `amarillo` or `verde`: the country's municipalities with that light.
    semaforo: Option<String>,
}

/// Every municipal unit of a department fits in pages of this size.
const ALL_OF_A_DEPARTMENT: u64 = 100;

async fn download(
    State(monitoring): State<MonitoringService>,
    Query(query): Query<CsvQuery>,
) -> Result<Response, ServiceError> {
    let (name, body) = render(&monitoring, query).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response())
}

async fn render(monitoring: &MonitoringService, query: CsvQuery) -> Result<(String, String), ServiceError> {
    let period =
        query.periodo.ok_or_else(|| ServiceError::invalid("indique «periodo», p. ej. ?periodo=2025"))?;
    if let (Some(indicator), Some(light)) = (&query.indicador, &query.semaforo) {
        let light = match light.trim() {
            "rojo" => TrafficLight::Red,
            "amarillo" => TrafficLight::Yellow,
            "verde" => TrafficLight::Green,
            other => {
                return Err(ServiceError::invalid(format!(
                    "«semaforo» es rojo, amarillo o verde, no «{other}»"
                )))
            }
        };
        let (indicator, period, rows) = monitoring.focalisation(&PUBLIC, indicator, &period, light).await?;
        let name = format!("focalizacion-{}-{}-{}.csv", indicator.code, self::light(Some(light)), period);
        return Ok((name, municipal_csv(&indicator, &period, &rows)?));
    }
    match (query.entidad, query.indicador, query.departamento) {
        (Some(entity), _, _) => {
            let view = monitoring.entity_indicators(&PUBLIC, &entity, &period).await?;
            Ok((format!("indicadores-{}-{}.csv", view.entity.code, view.period), entity_csv(&view)?))
        }
        (None, Some(indicator), Some(department)) => {
            let mut rows = Vec::new();
            let mut page = PageRequest { first: ALL_OF_A_DEPARTMENT, after: None };
            let view = loop {
                let view = monitoring.department_indicator(&PUBLIC, &department, &indicator, &period, &page).await?;
                rows.extend(view.municipalities.items.iter().cloned());
                match (view.municipalities.has_next_page, rows.last()) {
                    (true, Some(last)) => page.after = Some(last.entity.code.clone()),
                    _ => break view,
                }
            };
            let name = format!("{}-{}-{}.csv", view.indicator.code, view.department.code, view.period);
            Ok((name, municipal_csv(&view.indicator, &view.period, &rows)?))
        }
        (None, Some(indicator), None) => {
            let view = monitoring.country_indicator(&PUBLIC, &indicator, &period).await?;
            Ok((format!("{}-pais-{}.csv", view.indicator.code, view.period), country_csv(&view)?))
        }
        (None, None, _) => Err(ServiceError::invalid(
            "indique «entidad» (los indicadores de una entidad) o «indicador» (con «departamento» para sus municipios)",
        )),
    }
}

fn writer(header: &[&str]) -> Result<csv::Writer<Vec<u8>>, ServiceError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(internal)?;
    Ok(writer)
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<String, ServiceError> {
    let bytes = writer.into_inner().map_err(|error| ServiceError::Internal(anyhow::anyhow!("{error}")))?;
    String::from_utf8(bytes).map_err(|error| ServiceError::Internal(error.into()))
}

fn internal(error: csv::Error) -> ServiceError {
    ServiceError::Internal(error.into())
}

fn number(value: Option<f64>) -> String {
    value.map(|v| format!("{v}")).unwrap_or_default()
}

fn light(light: Option<TrafficLight>) -> &'static str {
    match light {
        Some(TrafficLight::Green) => "verde",
        Some(TrafficLight::Yellow) => "amarillo",
        Some(TrafficLight::Red) => "rojo",
        None => "",
    }
}

fn peer_label(kind: PeerGroupKind) -> &'static str {
    match kind {
        PeerGroupKind::Category => "categoría",
        PeerGroupKind::CapacityGroup => "grupo de capacidades",
        PeerGroupKind::Department => "departamento",
        PeerGroupKind::RapRegion => "región RAP",
    }
}

fn result_cells(result: Option<&IndicatorValue>) -> [String; 2] {
    [number(result.and_then(|r| r.value)), result.and_then(note).unwrap_or_default()]
}

fn spread_cells(spread: Option<Spread>) -> [String; 4] {
    match spread {
        Some(s) => [s.count.to_string(), format!("{}", s.q1), format!("{}", s.median), format!("{}", s.q3)],
        None => ["0".into(), String::new(), String::new(), String::new()],
    }
}

/// An entity's indicators: one row per indicator, with its peers' medians.
pub fn entity_csv(view: &EntityIndicators) -> Result<String, ServiceError> {
    let mut out = writer(&[
        "entidad",
        "periodo",
        "indicador",
        "nombre",
        "unidad",
        "valor",
        "nota",
        "semaforo",
        "valor_anterior",
        "cambio",
        "pares",
        "mediana_pares",
        "puesto",
        "fuente",
    ])?;
    for result in &view.results {
        let [value, note] = result_cells(result.result.as_ref());
        let peers = result
            .peers
            .iter()
            .map(|p| format!("{} {}", peer_label(p.kind), p.group))
            .collect::<Vec<_>>()
            .join(" | ");
        let medians =
            result.peers.iter().map(|p| number(p.spread.map(|s| s.median))).collect::<Vec<_>>().join(" | ");
        let ranks = result
            .peers
            .iter()
            .map(|p| p.rank.map(|r| r.to_string()).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" | ");
        out.write_record([
            view.entity.code.as_str(),
            view.period.as_str(),
            result.indicator.code.as_str(),
            result.indicator.name.as_str(),
            result.indicator.unit.as_str(),
            &value,
            &note,
            light(result.light),
            &number(result.previous),
            &number(result.change),
            &peers,
            &medians,
            &ranks,
            result.indicator.source_note.as_str(),
        ])
        .map_err(internal)?;
    }
    finish(out)
}

/// Municipal units on one indicator: a department's, or a focalisation list.
pub fn municipal_csv(
    indicator: &Indicator,
    period: &str,
    rows: &[super::views::MunicipalRow],
) -> Result<String, ServiceError> {
    let mut out = writer(&[
        "codigo",
        "municipio",
        "indicador",
        "periodo",
        "valor",
        "nota",
        "semaforo",
        "puesto_en_el_departamento",
        "fuente",
    ])?;
    for row in rows {
        let [value, note] = result_cells(row.result.as_ref());
        out.write_record([
            row.entity.code.as_str(),
            row.entity.name.as_str(),
            indicator.code.as_str(),
            period,
            &value,
            &note,
            light(row.light),
            &row.rank.map(|r| r.to_string()).unwrap_or_default(),
            indicator.source_note.as_str(),
        ])
        .map_err(internal)?;
    }
    finish(out)
}

/// The country by department on one indicator.
pub fn country_csv(view: &CountryIndicator) -> Result<String, ServiceError> {
    let mut out = writer(&[
        "codigo",
        "departamento",
        "indicador",
        "periodo",
        "valor_del_departamento",
        "municipios_con_valor",
        "cuartil_1",
        "mediana",
        "cuartil_3",
        "verdes",
        "amarillos",
        "rojos",
        "sin_valor",
        "fuente",
    ])?;
    for summary in &view.departments {
        let [count, q1, median, q3] = spread_cells(summary.spread);
        out.write_record([
            summary.department.code.as_str(),
            summary.department.name.as_str(),
            view.indicator.code.as_str(),
            view.period.as_str(),
            &number(summary.own.as_ref().and_then(|r| r.value)),
            &count,
            &q1,
            &median,
            &q3,
            &summary.lights.green.to_string(),
            &summary.lights.yellow.to_string(),
            &summary.lights.red.to_string(),
            &summary.lights.without_value.to_string(),
            view.indicator.source_note.as_str(),
        ])
        .map_err(internal)?;
    }
    finish(out)
}
