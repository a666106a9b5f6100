// The entity's ATT demands and, for each, the eligible offers ranked with their reasons.
// The API has no list of an entity's demands: this browser remembers the ones it registered.

import { call } from "../api.js";
import { busy, errorMessage, field, formatDate, h, loading, select } from "../dom.js";
import { DEMAND_STATUS, FACTOR, label, PRIORITY } from "../labels.js";
import { remember, remembered } from "../session.js";

const demandsKey = (entity) => `sugit.demandas.${entity.code}`;

function matchItem(match) {
  const offer = match.offer;
  return h(
    "li",
    { class: "resultado" },
    h("h4", {}, h("a", { href: `#/oferta/${encodeURIComponent(offer.id)}` }, offer.title), ` — puntaje ${match.score.toFixed(2)}`),
    h("p", { class: "meta" }, [offer.organisation?.name, offer.topic, `hasta ${formatDate(offer.endsOn)}`].filter(Boolean).join(" · ")),
    h("ul", { class: "razones" }, match.reasons.map((reason) => h("li", {}, `${label(FACTOR, reason.factor)} (+${reason.weight.toFixed(2)}): ${reason.explanation}`))),
  );
}

async function demandItem(id) {
  const item = h("li", { class: "demanda" });
  loading(item, "Cargando la demanda…");
  try {
    const [{ demand }, { recommendedOffers }] = await Promise.all([call("assistance", "Demand", { id }), call("assistance", "RecommendedOffers", { demandId: id, first: 5 })]);
    if (!demand) return null;
    item.replaceChildren(
      h("h3", {}, demand.need),
      h("p", { class: "meta" }, `${demand.topic} · prioridad ${label(PRIORITY, demand.priority).toLowerCase()} · ${label(DEMAND_STATUS, demand.status)}`),
      h("h4", {}, "Ofertas recomendadas"),
      recommendedOffers.length ? h("ol", { class: "resultados" }, recommendedOffers.map(matchItem)) : h("p", {}, "Todavía no hay ofertas publicadas que le sirvan. Se buscan de nuevo cada vez que abre esta página."),
    );
  } catch (error) {
    item.replaceChildren(errorMessage(error, "No se pudo cargar la demanda"));
  }
  return item;
}

export function demandsPanel(entity) {
  const list = h("ul", { class: "lista-simple" });
  const form = h(
    "form",
    { class: "formulario", id: "formulario-demanda" },
    field("¿Qué necesita?", h("textarea", { name: "need", required: true, rows: 3 }), "Describa la necesidad de asistencia técnica con sus palabras."),
    field("Tema", h("input", { name: "topic", required: true }), "Por ejemplo: catastro, regalías, agua potable."),
    field("Prioridad", select("priority", Object.entries(PRIORITY), "MEDIUM")),
    field("Capacidad que falta", h("input", { name: "capacityGap", required: true }), "Por ejemplo: no tenemos profesional en formulación de proyectos."),
    h("div", { class: "fila" }, field("Desde", h("input", { name: "desiredFrom", type: "date" })), field("Hasta", h("input", { name: "desiredTo", type: "date" }))),
  );
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, "Registrar la demanda");
  form.append(submit, problem);

  async function refresh() {
    const ids = remembered(demandsKey(entity));
    loading(list, "Cargando sus demandas…");
    const items = (await Promise.all(ids.map(demandItem))).filter(Boolean);
    list.replaceChildren(...items);
    if (!items.length) list.append(h("li", {}, "No ha registrado demandas desde este equipo."));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Registrando…", problem, async () => {
      const values = form.elements;
      const input = {
        entityCode: entity.code,
        need: values.need.value.trim(),
        topic: values.topic.value.trim(),
        priority: values.priority.value,
        capacityGap: values.capacityGap.value.trim(),
        desiredFrom: values.desiredFrom.value || null,
        desiredTo: values.desiredTo.value || null,
      };
      const { createDemand } = await call("assistance", "CreateDemand", { input });
      remember(demandsKey(entity), [createDemand.demand.id, ...remembered(demandsKey(entity))]);
      form.reset();
      await refresh();
    });
  });
  refresh();
  return h(
    "section",
    { class: "panel", "aria-labelledby": "titulo-demandas" },
    h("h2", { id: "titulo-demandas" }, "Demandas de asistencia técnica"),
    list,
    h("details", {}, h("summary", {}, "Registrar una nueva demanda"), form),
  );
}
