// Monitoreo: how an entity exercises its competencies, from the values it reported once.
// A mayor's team sees its indicators with traffic lights, where it stands among its peers and the
// series; a governor's team sees its municipalities on one indicator; everyone sees the country
// by department on a tile map. Every view also downloads as CSV. Public: no session needed.

import { call } from "../api.js";
import { add, errorMessage, fill, h, loading, pageTitle, select } from "../dom.js";
import { CATEGORY, label, PEER_KIND, TRAFFIC_LIGHT } from "../labels.js";
import * as session from "../session.js";
import { tileMap } from "./monitoreo-mapa.js";

const PAGE = 25;
const SYNTHETIC = "datos sintéticos de demostración";
const number = new Intl.NumberFormat("es-CO", { maximumFractionDigits: 1 });

function light(value) {
  return value
    ? h("span", { class: `estado luz-${value}` }, label(TRAFFIC_LIGHT, value))
    : h("span", { class: "estado luz-NINGUNA" }, "Sin valor");
}

function shown(value, unit) {
  return value === null || value === undefined ? "—" : `${number.format(value)}${unit ? ` ${unit}` : ""}`;
}

/** A value, or why there is none; flagged when an input is in conflict. */
function result(value, unit) {
  if (!value) return "Sin datos reportados";
  const parts = [shown(value.value, unit)];
  if (value.reason) parts.push(h("br"), h("span", { class: "ayuda" }, value.inConflict ? `En conflicto — ${value.reason}` : value.reason));
  return parts;
}

/** The series as a small line, described in words. */
function sparkline(series) {
  const points = series.filter((point) => point.value !== null);
  const description = points.map((point) => `${point.period}: ${number.format(point.value)}`).join("; ");
  if (points.length < 2) return h("span", { class: "ayuda" }, description || "—");
  const values = points.map((point) => point.value);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const y = (value) => (high === low ? 12 : 22 - ((value - low) / (high - low)) * 20);
  const line = points.map((point, index) => `${(index * 100) / (points.length - 1)},${y(point.value).toFixed(1)}`).join(" ");
  return h(
    "svg:svg",
    { viewBox: "-2 0 104 24", class: "serie", role: "img", "aria-label": `Serie: ${description}` },
    h("svg:title", {}, description),
    h("svg:polyline", { points: line }),
  );
}

/** The change from the previous period, signed; a change that rounds to nothing is 0. */
function change(value) {
  if (value === null || value === undefined) return "—";
  const text = number.format(Math.abs(value));
  return text === "0" ? "0" : `${value > 0 ? "+" : "−"}${text}`;
}

function peers(list) {
  return list.map((peer) =>
    h(
      "div",
      {},
      `${label(PEER_KIND, peer.kind)}${peer.kind === "RAP_REGION" ? ` (${peer.group.replaceAll("_", " ")})` : ""}: `,
      peer.rank ? `${peer.rank}.º de ${peer.spread?.count ?? 0}` : "sin puesto",
      peer.spread ? ` · mediana ${number.format(peer.spread.median)}` : "",
    ),
  );
}

/** From a red light to action: the team's demand form, filled in with the indicator. */
function askForHelp(item, period) {
  const unit = item.indicator.unit;
  const need = `Mejorar «${item.indicator.name}»: ${shown(item.result?.value, unit)} en ${period}, en rojo (umbrales ${number.format(item.indicator.lowerThreshold)} y ${number.format(item.indicator.upperThreshold)}).`;
  const topic = item.indicator.competency.toLowerCase().replaceAll("_", " ");
  const params = new URLSearchParams({ periodo: period, necesidad: need, tema: topic });
  return h("a", { href: `#/territorio?${params}`, class: "boton-claro pedir-asistencia" }, "Pedir asistencia técnica");
}

function csvLink(params, text) {
  return h("a", { href: `/monitoreo/indicadores.csv?${new URLSearchParams(params)}`, class: "boton-claro", download: true }, text);
}

export async function render(container, { query, isCurrent }) {
  const user = session.user();
  const state = {
    entity: query.get("entidad") ?? user?.entity?.code ?? "05001",
    period: query.get("periodo") ?? "2025",
    indicator: query.get("indicador"),
    department: query.get("departamento"),
  };
  add(container, 
    pageTitle("Monitoreo de competencias"),
    h("p", { class: "resumen" }, "Indicadores calculados de los datos que cada entidad reporta una sola vez, comparados con sus pares y en el tiempo."),
  );
  const status = h("div", { role: "status", "aria-live": "polite" });
  add(container, status);
  loading(status);
  let indicators;
  try {
    indicators = (await call("monitoring", "Indicators")).indicators;
  } catch (error) {
    status.replaceChildren(errorMessage(error, "No se pudieron cargar los indicadores"));
    return;
  }
  if (!isCurrent()) return;
  status.replaceChildren();
  if (indicators.length === 0) {
    add(container, h("p", {}, "Aún no hay indicadores registrados."));
    return;
  }
  state.indicator ??= indicators[0].code;
  if (indicators.some((indicator) => indicator.sourceNote.startsWith(SYNTHETIC))) {
    add(container, h("p", { class: "sintetico" }, `Atención: estos son ${SYNTHETIC}, generados por categoría municipal; no fueron reportados por ninguna entidad.`));
  }

  const entityInput = h("input", { id: "mon-entidad", name: "entidad", value: state.entity, maxlength: 5, inputmode: "numeric", size: 6 });
  const periodInput = h("input", { id: "mon-periodo", name: "periodo", value: state.period, maxlength: 7, size: 8 });
  const indicatorSelect = select("indicador", indicators.map((indicator) => [indicator.code, indicator.name]), state.indicator);
  indicatorSelect.id = "mon-indicador";
  const form = h(
    "form",
    { class: "buscador", autocomplete: "off" },
    h(
      "div",
      { class: "fila" },
      h("label", {}, "Entidad (código DIVIPOLA)", h("br"), entityInput),
      h("label", {}, "Periodo", h("br"), periodInput),
      h("label", {}, "Indicador", h("br"), indicatorSelect),
      h("button", { type: "submit" }, "Consultar"),
    ),
  );
  const entitySection = h("section", { "aria-labelledby": "mon-entidad-titulo" });
  const departmentSection = h("section", { "aria-labelledby": "mon-departamento-titulo" });
  const countrySection = h("section", { "aria-labelledby": "mon-pais-titulo" });
  add(container, form, entitySection, countrySection, departmentSection);

  async function showEntity() {
    loading(entitySection);
    try {
      const view = (await call("monitoring", "EntityIndicators", { entityCode: state.entity, period: state.period })).entityIndicators;
      if (!isCurrent()) return;
      state.department ??= view.entity.department?.code ?? view.entity.code;
      const who = view.entity;
      // A territorial team acts on its own red lights (a department also on its municipalities').
      const own = user?.role === "TERRITORIAL" && [who.code, who.department?.code].includes(user.entity?.code);
      const classification = [who.category ? `categoría ${label(CATEGORY, who.category).toLowerCase()}` : null, who.capacityGroup ? `grupo de capacidades ${who.capacityGroup}` : null].filter(Boolean).join(", ");
      const rows = view.indicators.map((item) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, item.indicator.name, item.indicator.restricted ? h("small", { class: "etiqueta" }, " · uso restringido") : null),
          h("td", { class: "cifra-tabla" }, result(item.result, item.indicator.unit)),
          h("td", {}, light(item.trafficLight), own && item.trafficLight === "RED" ? [h("br"), askForHelp(item, view.period)] : null),
          h("td", { class: "cifra-tabla" }, change(item.change)),
          h("td", {}, peers(item.peers)),
          h("td", {}, sparkline(item.series)),
        ),
      );
      fill(
        entitySection,
        h("h2", { id: "mon-entidad-titulo" }, `Indicadores de ${who.name} (${who.code}) en ${view.period}`),
        classification ? h("p", { class: "ayuda" }, `Comparado con los municipios de su ${classification} y de su departamento.`) : null,
        h(
          "div",
          { class: "tabla-desplazable" },
          h("table", {}, h("thead", {}, h("tr", {}, ["Indicador", "Valor", "Semáforo", "Cambio frente al periodo anterior", "Entre sus pares", "Serie"].map((text) => h("th", { scope: "col" }, text)))), h("tbody", {}, rows)),
        ),
        h("p", {}, csvLink({ periodo: view.period, entidad: who.code }, "Descargar en CSV")),
      );
    } catch (error) {
      fill(entitySection, errorMessage(error, "No se pudieron consultar los indicadores de la entidad"));
    }
  }

  async function showDepartment() {
    loading(departmentSection);
    const body = h("tbody", {});
    const more = h("button", { type: "button", class: "secundario", hidden: true }, "Ver más municipios");
    let after = null;
    const indicator = indicators.find((item) => item.code === state.indicator);
    async function page() {
      const variables = { departmentCode: state.department.slice(0, 2), indicatorCode: state.indicator, period: state.period, first: PAGE, after };
      const view = (await call("monitoring", "DepartmentIndicator", variables)).departmentIndicator;
      for (const { node } of view.municipalities.edges) {
        add(body, 
          h(
            "tr",
            {},
            h("td", {}, node.entity.code),
            h("th", { scope: "row" }, node.entity.name),
            h("td", { class: "cifra-tabla" }, result(node.result, indicator?.unit)),
            h("td", {}, light(node.trafficLight)),
            h("td", { class: "cifra-tabla" }, node.rank ?? "—"),
          ),
        );
      }
      after = view.municipalities.pageInfo.endCursor;
      more.hidden = !view.municipalities.pageInfo.hasNextPage;
      return view;
    }
    try {
      const view = await page();
      if (!isCurrent()) return;
      const lights = view.trafficLights;
      more.addEventListener("click", () => page().catch((error) => more.after(errorMessage(error, "No se pudieron cargar más municipios"))));
      fill(
        departmentSection,
        h("h2", { id: "mon-departamento-titulo" }, `Municipios de ${view.department.name}: ${indicator?.name ?? state.indicator} (${state.period})`),
        h(
          "p",
          {},
          view.spread ? `Mediana ${number.format(view.spread.median)} (cuartiles ${number.format(view.spread.q1)} y ${number.format(view.spread.q3)}) en ${view.spread.count} municipios con valor. ` : "Ningún municipio tiene valor. ",
          `${lights.green} en verde, ${lights.yellow} en amarillo, ${lights.red} en rojo, ${lights.withoutValue} sin valor.`,
          view.own?.value != null ? ` El departamento: ${shown(view.own.value, indicator?.unit)}.` : "",
        ),
        h("div", { class: "tabla-desplazable" }, h("table", {}, h("thead", {}, h("tr", {}, ["Código", "Municipio", "Valor", "Semáforo", "Puesto"].map((text) => h("th", { scope: "col" }, text)))), body)),
        more,
        h("p", {}, csvLink({ periodo: state.period, indicador: state.indicator, departamento: state.department.slice(0, 2) }, "Descargar los municipios en CSV")),
      );
    } catch (error) {
      fill(departmentSection, errorMessage(error, "No se pudieron consultar los municipios del departamento"));
    }
  }

  async function showCountry() {
    loading(countrySection);
    try {
      const view = (await call("monitoring", "CountryIndicator", { indicatorCode: state.indicator, period: state.period })).countryIndicator;
      if (!isCurrent()) return;
      const indicator = indicators.find((item) => item.code === state.indicator);
      const departments = view.departments.map((item) => ({
        code: item.department.code,
        name: item.department.name,
        light: item.medianTrafficLight,
        text: item.spread ? `mediana ${shown(item.spread.median, indicator?.unit)} en ${item.spread.count} municipios` : "sin datos",
      }));
      fill(
        countrySection,
        h("h2", { id: "mon-pais-titulo" }, `El país por departamento: ${indicator?.name ?? state.indicator} (${state.period})`),
        tileMap({
          title: `Mediana municipal de ${indicator?.name ?? state.indicator} por departamento, ${state.period}`,
          departments,
          onPick: (code) => {
            state.department = code;
            showDepartment();
            departmentSection.scrollIntoView();
          },
        }),
        h(
          "p",
          {},
          csvLink({ periodo: state.period, indicador: state.indicator }, "Descargar el país en CSV"),
          " ",
          csvLink({ periodo: state.period, indicador: state.indicator, semaforo: "rojo" }, `Lista de focalización: los ${view.trafficLights.red} municipios en rojo (CSV)`),
        ),
        user?.role === "NATIONAL" && view.trafficLights.red > 0 ? startList(indicator, view.trafficLights.red) : null,
      );
    } catch (error) {
      fill(countrySection, errorMessage(error, "No se pudo consultar el país"));
    }
  }

  /** From the red lights to a national entity's focalisation list, kept in SUGIT to edit. */
  function startList(indicator, reds) {
    const result = h("div", { "aria-live": "polite" });
    const button = h("button", { type: "button" }, `Crear una lista de focalización con los ${reds} municipios en rojo`);
    button.addEventListener("click", async () => {
      button.disabled = true;
      loading(result);
      try {
        const name = `${indicator?.name ?? state.indicator}: municipios en rojo, ${state.period}`;
        const input = { name, indicatorCode: state.indicator, period: state.period, trafficLight: "RED" };
        const list = (await call("monitoring", "CreateFocalisationList", { input })).createFocalisationList.focalisationList;
        fill(
          result,
          h("p", { role: "status" }, `Lista «${list.name}» creada con ${number.format(list.entityCount)} municipios.`),
          h(
            "table",
            {},
            h("caption", {}, "Municipios de la lista, con su valor al crearla"),
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Municipio"), h("th", { scope: "col" }, "Valor"))),
            h(
              "tbody",
              {},
              list.entities.map((item) =>
                h("tr", {}, h("th", { scope: "row" }, `${item.entity.name} (${item.entity.code})`), h("td", { class: "cifra-tabla" }, shown(item.value, indicator?.unit))),
              ),
            ),
          ),
        );
      } catch (error) {
        button.disabled = false;
        fill(result, errorMessage(error, "No se pudo crear la lista"));
      }
    });
    return h("div", {}, button, result);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const changedEntity = entityInput.value.trim() !== state.entity;
    state.entity = entityInput.value.trim();
    state.period = periodInput.value.trim();
    state.indicator = indicatorSelect.value;
    if (changedEntity) state.department = null;
    showEntity().then(() => state.department && showDepartment());
    showCountry();
  });
  await showEntity();
  await Promise.all([state.department ? showDepartment() : null, showCountry()]);
}
