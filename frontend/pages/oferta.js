// Oferta ATT: the public catalogue with filters, the offer's page (where a territorial team
// can ask the offering entity in the consultation room), new offers arriving live, the
// coverage of the demand (pages/oferta-cobertura.js); a national entity manages its own
// offers in Mi entidad (pages/mi-entidad.js).

import { call } from "../api.js";
import { add, busy, errorMessage, field, formatDate, formatNumber, h, highlighted, loading, pageTitle } from "../dom.js";
import { departmentNames, facetedSearch, keepInAddress, lastSearch, selectedFromQuery } from "../facets.js";
import { CATEGORY, label, MODALITY, OFFER_STATUS, PRIORITY, TERRITORIAL_KIND } from "../labels.js";
import { subscribe } from "../live.js";
import * as session from "../session.js";
import { coveragePanel } from "./oferta-cobertura.js";

const PAGE = 20;

function filterFrom(selected) {
  const values = (field) => [...(selected[field] ?? [])];
  return {
    topics: values("TOPIC"),
    departmentCodes: values("DEPARTMENT"),
    organisationCodes: values("ORGANISATION"),
    modalities: values("MODALITY"),
    years: values("YEAR").map(Number),
  };
}

export function offerSummary(offer, names) {
  const places = offer.departmentCodes.length ? offer.departmentCodes.map((code) => names.get(code) ?? code).join(", ") : "Todo el país";
  return [
    ["Entidad oferente", offer.organisation?.name ?? "—"],
    ["Tema", offer.topic],
    ["Modalidad", label(MODALITY, offer.modality)],
    ["Para", offer.targetKinds.map((kind) => label(TERRITORIAL_KIND, kind)).join(", ")],
    ["Categorías", offer.targetCategories.length ? offer.targetCategories.map((c) => label(CATEGORY, c)).join(", ") : "Todas"],
    ["Departamentos", places],
    ["Fechas", `${formatDate(offer.startsOn)} a ${formatDate(offer.endsOn)}`],
    ["Cupos", formatNumber(offer.capacity)],
    ["Costo para la entidad", offer.costToEntity ? `$ ${formatNumber(offer.costToEntity)}` : "Sin costo"],
    ["Contacto", offer.contact],
  ];
}

function facts(rows) {
  return h("dl", { class: "datos" }, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

function offerItem(node, names) {
  const offer = node.object ?? {};
  return h(
    "li",
    { class: "resultado" },
    h("h3", {}, offer.id ? h("a", { href: `#/oferta/${encodeURIComponent(offer.id)}` }, node.title) : node.title),
    h("p", { class: "meta" }, [offer.organisation?.name, offer.topic, label(MODALITY, offer.modality), offer.endsOn && `hasta ${formatDate(offer.endsOn)}`].filter(Boolean).join(" · ")),
    h("p", { class: "fragmento" }, highlighted(node.snippet)),
    offer.departmentCodes && h("p", { class: "meta" }, offer.departmentCodes.length ? `Departamentos: ${offer.departmentCodes.map((c) => names.get(c) ?? c).join(", ")}` : "Todo el país"),
  );
}

async function renderCatalogue(container, { query, isCurrent }) {
  const names = await departmentNames(call);
  const input = h("input", { id: "q-oferta", type: "search", maxlength: 512, value: query.get("q") ?? "", placeholder: "Por ejemplo: catastro, regalías, planeación" });
  const form = h("form", { role: "search", class: "buscador" }, h("label", { for: "q-oferta" }, "Buscar en la oferta de asistencia técnica"), h("div", { class: "fila" }, input, h("button", { type: "submit" }, "Buscar")));
  const live = h("div", { class: "en-vivo", "aria-live": "polite" });
  const liveState = h("p", { class: "ayuda", id: "estado-en-vivo" });
  const search = facetedSearch({
    isCurrent,
    listId: "lista-ofertas",
    selected: selectedFromQuery(query),
    pages: query.get("paginas"),
    fetchPage: async (selected, after, pages) => {
      const data = await call("assistance", "SearchOffers", { query: input.value.trim() || null, filter: filterFrom(selected), first: PAGE * pages, after });
      return data.searchOffers;
    },
    onSearched: (pages) => keepInAddress("oferta", input.value.trim(), search.selected, pages),
    item: ({ node }) => offerItem(node, names),
    describe: (total, filtered) => (total === 0 ? `No hay ofertas publicadas que coincidan${filtered ? " con los filtros elegidos: quite uno o use «Limpiar»" : ""}.` : `${formatNumber(total)} ofertas publicadas.`),
    name: (field, value) => (field === "DEPARTMENT" ? names.get(value) ?? value : value),
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search.run(false);
  });
  const stop = subscribe(
    "assistance",
    "OfferPublished",
    {},
    ({ offerPublished: offer }) => {
      live.prepend(h("p", { class: "nueva" }, "Nueva oferta publicada: ", h("a", { href: `#/oferta/${encodeURIComponent(offer.id)}` }, offer.title), ` (${offer.organisation?.name ?? offer.topic})`));
      search.run(false);
    },
    (state) => {
      liveState.textContent = state === "open" ? "Las ofertas nuevas aparecen aquí en cuanto se publican." : "Sin conexión en vivo; reintentando…";
    },
  );
  const user = session.user();
  add(container, 
    pageTitle("Oferta de asistencia técnica territorial"),
    h("p", {}, "La oferta de las entidades nacionales y la cooperación para alcaldías y gobernaciones."),
    form,
    liveState,
    live,
    search.element,
  );
  if (user?.role === "NATIONAL" || user?.role === "ADMIN") add(container, h("p", { class: "ayuda" }, "Sus ofertas, las demandas recomendadas para cada una y sus entregas están en ", h("a", { href: "#/mi-entidad" }, "Mi entidad"), "."));
  else if (!user) add(container, h("p", { class: "ayuda" }, "¿Es una entidad nacional o de cooperación? ", h("a", { href: "#/ingresar?volver=%23%2Foferta" }, "Ingrese"), " para registrar y publicar sus ofertas."));
  add(container, coveragePanel());
  search.run(false);
  return stop;
}

async function renderOffer(container, id, { isCurrent, query }) {
  loading(container, "Cargando la oferta…");
  try {
    const [{ offer }, names] = await Promise.all([call("assistance", "Offer", { id }), departmentNames(call)]);
    if (!isCurrent()) return;
    if (!offer) {
      container.replaceChildren(pageTitle("Oferta no encontrada"), h("p", {}, h("a", { href: "#/oferta" }, "Volver a la oferta")));
      return;
    }
    container.replaceChildren(
      h("p", {}, h("a", { href: lastSearch("oferta") }, "← Volver a la oferta")),
      h("article", { class: "documento" }, pageTitle(offer.title), h("p", { class: "etiqueta" }, label(OFFER_STATUS, offer.status)), h("p", {}, offer.description), facts(offerSummary(offer, names))),
      session.user()?.role === "TERRITORIAL" && h("p", {}, "¿Le sirve a su entidad? ", h("a", { href: "#/territorio" }, "Registre su demanda de asistencia técnica"), ": las ofertas recomendadas aparecen con sus razones."),
      session.user()?.role === "TERRITORIAL" && offer.status === "PUBLISHED" && consultForm(offer, await requestFor(query.get("solicitar"), offer)),
    );
    // Arriving with «Solicitar esta oferta», the request is open and ready to send.
    container.querySelector("#formulario-consulta[data-solicitud]") && container.querySelector('[aria-controls="formulario-consulta"]')?.click();
  } catch (error) {
    if (isCurrent()) container.replaceChildren(errorMessage(error, "No se pudo abrir la oferta"));
  }
}

/** The request a team sends from a recommendation: its demand, in words, as the first message. */
async function requestFor(demandId, offer) {
  if (!demandId) return null;
  try {
    const { demand } = await call("assistance", "Demand", { id: demandId });
    if (!demand) return null;
    return {
      title: `Solicitud de la oferta «${offer.title}»`,
      body: `${demand.entity?.name ?? "Nuestra entidad"} solicita esta oferta para su demanda de asistencia técnica: «${demand.need.replace(/[.\s]+$/, "")}» (tema: ${demand.topic}; prioridad ${label(PRIORITY, demand.priority).toLowerCase()}). ¿Nos pueden asignar un cupo y acordar las fechas?`,
    };
  } catch {
    return null;
  }
}

/**
 * A territorial team asks the offering entity about this offer (or requests it, `request`
 * prefilled from a recommendation): a thread of the consultation room.
 */
function consultForm(offer, request = null) {
  const form = h(
    "form",
    { class: "formulario", id: "formulario-consulta", hidden: true, "aria-labelledby": "titulo-consulta", "data-solicitud": request ? "" : null },
    h("h2", { id: "titulo-consulta" }, request ? `Solicitar esta oferta a ${offer.organisation?.name ?? "la entidad oferente"}` : `Consultar a ${offer.organisation?.name ?? "la entidad oferente"}`),
    field("Asunto", h("input", { name: "title", required: true, maxlength: 200, value: request?.title ?? `Consulta sobre «${offer.title}»` })),
    field(request ? "Su solicitud" : "Su pregunta", h("textarea", { name: "body", required: true, rows: 4, text: request?.body ?? "" }), "La respuesta llega a la Sala de consulta de su entidad."),
  );
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, request ? "Enviar la solicitud" : "Enviar consulta");
  add(form, h("div", { class: "acciones" }, submit, h("button", { type: "button", class: "secundario", onclick: () => toggle(false) }, "Cancelar")), problem);
  const open = h("button", { type: "button", "aria-controls": "formulario-consulta", "aria-expanded": "false" }, request ? "Solicitar esta oferta" : "Consultar a la entidad");
  function toggle(show) {
    form.hidden = !show;
    open.hidden = show;
    open.setAttribute("aria-expanded", String(show));
    if (show) form.elements.body.focus();
    else open.focus();
  }
  open.addEventListener("click", () => toggle(true));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Enviando…", problem, async () => {
      const input = { subjectKind: "OFFER", subjectId: offer.id, title: form.elements.title.value.trim(), body: form.elements.body.value.trim() };
      const { openConsultation } = await call("consultation", "OpenConsultation", { input });
      location.hash = `#/consultas/${encodeURIComponent(openConsultation.thread.id)}`;
    });
  });
  return h("section", { class: "consultar" }, open, form);
}

export function render(container, context) {
  return context.params[0] ? renderOffer(container, context.params[0], context) : renderCatalogue(container, context);
}
