// Cobertura: how much of the territories' demand the assistance reached, by department
// (assistanceIndicators), where demand is still unmet (demandFocalisation, also as CSV at
// /att/focalizacion.csv), and how fast national entities answer the territories' questions.
// Public figures: for national users planning their offer and for anyone who asks.

import { call } from "../api.js";
import { barChart } from "../chart.js";
import { errorMessage, formatNumber, h, loading, percent } from "../dom.js";
import { departmentNames } from "../facets.js";

const FOCUS_ROWS = 10;

function coverageChart(indicators, names) {
  const rows = indicators
    .filter((row) => row.demands > 0)
    .sort((a, b) => b.coverage - a.coverage || b.demands - a.demands)
    .map((row) => ({ label: names.get(row.key) ?? row.key, value: row.coverage, row, tone: row.coverage < 0.5 ? "tono-faltante" : "tono-reportado" }));
  if (!rows.length) return h("p", {}, "Todavía no hay demandas de asistencia técnica registradas.");
  return barChart({
    title: "Demanda cubierta por departamento",
    rows,
    max: 1,
    valueWidth: 130,
    format: (value, { row }) => `${percent(value)} (${row.demandsCovered} de ${row.demands})`,
  });
}

function coverageTable(indicators, names) {
  return h(
    "div",
    { class: "tabla-desplazable" },
    h(
      "table",
      { id: "tabla-cobertura" },
      h("caption", {}, "Cobertura por departamento"),
      h("thead", {}, h("tr", {}, ["Departamento", "Demandas", "Cubiertas", "Entidades alcanzadas", "Del grupo de capacidades más bajas"].map((title) => h("th", { scope: "col" }, title)))),
      h(
        "tbody",
        {},
        indicators.map((row) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, names.get(row.key) ?? row.key),
            h("td", { class: "cifra-tabla" }, formatNumber(row.demands)),
            h("td", { class: "cifra-tabla" }, `${formatNumber(row.demandsCovered)} (${percent(row.coverage)})`),
            h("td", { class: "cifra-tabla" }, formatNumber(row.entitiesReached)),
            h("td", { class: "cifra-tabla" }, formatNumber(row.lowestCapacityReached)),
          ),
        ),
      ),
    ),
  );
}

function focusTable(cells, names) {
  if (!cells.length) return h("p", {}, "No hay demanda registrada para focalizar.");
  return h(
    "div",
    { class: "tabla-desplazable" },
    h(
      "table",
      { id: "tabla-focalizacion" },
      h("caption", {}, `Dónde falta asistencia: la demanda más desatendida primero${cells.length > FOCUS_ROWS ? ` (las ${FOCUS_ROWS} primeras de ${cells.length})` : ""}`),
      h("thead", {}, h("tr", {}, ["Departamento", "Tema", "Demandas", "Sin oferta asignada", "Atendidas"].map((title) => h("th", { scope: "col" }, title)))),
      h(
        "tbody",
        {},
        cells.slice(0, FOCUS_ROWS).map((cell) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, names.get(cell.departmentCode) ?? cell.departmentCode),
            h("td", {}, cell.topicLabel),
            h("td", { class: "cifra-tabla" }, formatNumber(cell.demands)),
            h("td", { class: "cifra-tabla" }, formatNumber(cell.unmet)),
            h("td", { class: "cifra-tabla" }, formatNumber(cell.attended)),
          ),
        ),
      ),
    ),
  );
}

function hours(value) {
  if (value === null || value === undefined) return "—";
  if (value < 1) return "menos de 1 hora";
  return value < 48 ? `${formatNumber(Math.round(value * 10) / 10)} horas` : `${formatNumber(Math.round((value / 24) * 10) / 10)} días`;
}

let organisationNames;
function organisations() {
  organisationNames ??= call("access", "Organisations")
    .then((data) => new Map(data.organisations.nodes.map((organisation) => [organisation.code, organisation.name])))
    .catch(() => {
      organisationNames = undefined;
      return new Map();
    });
  return organisationNames;
}

/** How many of the territories' questions each national entity answered, and how fast (public). */
export function responseTimesPanel(headingLevel = "h2") {
  const box = h("div", {});
  const section = h(
    "section",
    { class: "panel", "aria-labelledby": "titulo-respuesta" },
    h(headingLevel, { id: "titulo-respuesta" }, "Tiempo de respuesta a las consultas de los territorios"),
    h("p", { class: "ayuda" }, "Por entidad nacional: consultas abiertas por entidades territoriales, cuántas ya respondió y la mediana de horas hasta la primera respuesta."),
    box,
  );
  loading(box, "Cargando los tiempos de respuesta…");
  Promise.all([call("consultation", "ConsultationResponseTimes"), organisations()])
    .then(([{ consultationResponseTimes: rows }, names]) => {
      if (!rows.length) {
        box.replaceChildren(h("p", {}, "Todavía no hay consultas de los territorios."));
        return;
      }
      box.replaceChildren(
        h(
          "div",
          { class: "tabla-desplazable" },
          h(
            "table",
            { id: "tabla-respuesta" },
            h("thead", {}, h("tr", {}, ["Entidad", "Consultas", "Respondidas", "Mediana hasta la primera respuesta"].map((title) => h("th", { scope: "col" }, title)))),
            h(
              "tbody",
              {},
              rows.map((row) =>
                h(
                  "tr",
                  {},
                  h("th", { scope: "row" }, names.get(row.organisationCode) ?? row.organisationCode),
                  h("td", { class: "cifra-tabla" }, formatNumber(row.threads)),
                  h("td", { class: "cifra-tabla" }, formatNumber(row.answered)),
                  h("td", { class: "cifra-tabla" }, hours(row.medianHours)),
                ),
              ),
            ),
          ),
        ),
      );
    })
    .catch((error) => box.replaceChildren(errorMessage(error, "No se pudieron cargar los tiempos de respuesta")));
  return section;
}

/** The "Cobertura" section of the offer page. */
export function coveragePanel() {
  const box = h("div", {});
  const section = h(
    "section",
    { class: "panel", id: "cobertura", "aria-labelledby": "titulo-cobertura" },
    h("h2", { id: "titulo-cobertura" }, "Cobertura"),
    h("p", { class: "ayuda" }, "Cuánta de la demanda de asistencia técnica de los territorios ya recibió al menos una entrega, y dónde falta."),
    box,
    h("p", {}, h("a", { href: "/att/focalizacion.csv", download: "focalizacion-att.csv" }, "Descargar la focalización completa (CSV)")),
  );
  loading(box, "Calculando la cobertura…");
  Promise.all([call("assistance", "AssistanceCoverage", {}), departmentNames(call)])
    .then(([{ assistanceIndicators, demandFocalisation }, names]) => {
      box.replaceChildren(coverageChart(assistanceIndicators, names), coverageTable(assistanceIndicators, names), focusTable(demandFocalisation, names));
    })
    .catch((error) => box.replaceChildren(errorMessage(error, "No se pudo calcular la cobertura")));
  return section;
}
