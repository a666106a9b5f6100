// What a national entity does with one of its published offers: the open demands it should
// reach first, with the reasons in plain Spanish, assigned in one click; the demands already
// assigned, each with a form to record a delivery; and closing or archiving the offer.

import { call } from "../api.js";
import { add, busy, field, fill, formatDate, formatNumber, h, loading, errorMessage, select } from "../dom.js";
import { CATEGORY, DEMAND_STATUS, label, MODALITY, PRIORITY } from "../labels.js";

const RECOMMENDED = 5;

function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/Bogota" }).format(new Date());
}

/** The open demands this offer should reach first; «Asignar» gives one of its places. */
function recommendations(offer, onChange) {
  const box = h("details", { class: "recomendadas" });
  const list = h("ol", { class: "resultados" });
  let loaded = false;
  add(box, h("summary", {}, "Demandas recomendadas para esta oferta"), list);
  box.addEventListener("toggle", async () => {
    if (!box.open || loaded) return;
    loaded = true;
    loading(list, "Buscando las demandas que más la necesitan…");
    try {
      const { recommendedDemands } = await call("assistance", "RecommendedDemands", { offerId: offer.id, first: RECOMMENDED });
      fill(list, recommendedDemands.map((match) => demandItem(offer, match, onChange)));
      if (!recommendedDemands.length) add(list, h("li", {}, "No hay demandas abiertas que esta oferta pueda atender (por tema, territorio, categoría o cupos)."));
    } catch (error) {
      loaded = false;
      fill(list, h("li", {}, errorMessage(error, "No se pudieron cargar las recomendaciones")));
    }
  });
  return box;
}

function demandItem(offer, { demand, score, reasons }, onChange) {
  const problem = h("div", { class: "mensajes" });
  const assign = h("button", { type: "button" }, `Asignar un cupo a ${demand.entity?.name ?? "esta entidad"}`);
  assign.addEventListener("click", () =>
    busy(assign, "Asignando…", problem, async () => {
      await call("assistance", "AssignOffer", { offerId: offer.id, demandId: demand.id });
      onChange(`Oferta asignada a la demanda de ${demand.entity?.name ?? "la entidad"}: registre las entregas cuando las haga.`);
    }),
  );
  const category = demand.entity?.category ? ` · ${label(CATEGORY, demand.entity.category)}` : "";
  return h(
    "li",
    { class: "resultado demanda-recomendada" },
    h("h4", {}, `${demand.entity?.name ?? "Entidad"}: ${demand.need}`),
    h("p", { class: "meta" }, `${demand.topic} · prioridad ${label(PRIORITY, demand.priority).toLowerCase()}${category} · registrada el ${formatDate(demand.createdAt)} · afinidad ${Math.round(score * 100)} de 100`),
    h("ul", { class: "razones" }, reasons.map((reason) => h("li", {}, reason.explanation))),
    h("div", { class: "acciones" }, assign),
    problem,
  );
}

/** Records one delivery of the offer to an assigned demand. */
function deliveryForm(offer, demand, onChange) {
  const form = h(
    "form",
    { class: "formulario entrega" },
    h("div", { class: "fila" },
      field("Fecha", h("input", { name: "deliveredOn", type: "date", required: true, max: today(), min: offer.startsOn, value: today() })),
      field("Horas", h("input", { name: "hours", type: "number", min: 0.5, max: 500, step: 0.5, required: true, value: 4 })),
      field("Participantes", h("input", { name: "participants", type: "number", min: 1, required: true, value: 5 })),
      field("Modalidad", select("modality", Object.entries(MODALITY), offer.modality))),
    field("Notas", h("textarea", { name: "notes", rows: 2, maxlength: 2000 }), "Qué se hizo y qué queda pendiente; la entidad lo ve al evaluar."),
  );
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, "Registrar la entrega");
  add(form, submit, problem);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Registrando…", problem, async () => {
      const values = form.elements;
      const input = {
        offerId: offer.id,
        demandId: demand.id,
        deliveredOn: values.deliveredOn.value,
        hours: Number(values.hours.value),
        participants: Number(values.participants.value),
        modality: values.modality.value,
        notes: values.notes.value.trim(),
      };
      await call("assistance", "RecordDelivery", { input });
      onChange(`Entrega del ${formatDate(input.deliveredOn)} registrada para ${demand.entity?.name ?? "la entidad"}: ya puede evaluarla.`);
    });
  });
  return form;
}

function assignedList(offer, onChange) {
  const demands = offer.assignedDemands ?? [];
  const free = offer.capacity - demands.length;
  return h(
    "section",
    { class: "asignadas" },
    h("h4", {}, `Asignada a ${formatNumber(demands.length)} de ${formatNumber(offer.capacity)} cupos${free > 0 ? ` (quedan ${formatNumber(free)})` : " (sin cupos)"}`),
    demands.length > 0 &&
      h(
        "ul",
        { class: "lista-asignadas" },
        demands.map((demand) =>
          h(
            "li",
            { class: "asignada" },
            h("p", {}, h("strong", {}, demand.entity?.name ?? "Entidad"), ` — ${demand.need} (${label(DEMAND_STATUS, demand.status).toLowerCase()})`),
            h("p", { class: "meta" }, demand.deliveries.length
              ? `Entregas: ${demand.deliveries.map((d) => `${formatDate(d.deliveredOn)} (${formatNumber(d.hours)} h, ${formatNumber(d.participants)} personas${d.evaluation ? `, evaluada ${d.evaluation.satisfaction} de 5` : ", sin evaluar"})`).join("; ")}`
              : "Sin entregas todavía."),
            demand.status !== "CLOSED" && h("details", {}, h("summary", {}, "Registrar una entrega"), deliveryForm(offer, demand, onChange)),
          ),
        ),
      ),
  );
}

/** Closing stops new assignments; archiving takes the offer out of the catalogue. */
function statusActions(offer, onChange) {
  const problem = h("div", { class: "mensajes" });
  const button = (text, change, done, confirmText) => {
    const element = h("button", { type: "button", class: "secundario" }, text);
    element.addEventListener("click", () => {
      if (!window.confirm(confirmText)) return;
      busy(element, "Guardando…", problem, async () => {
        await change();
        onChange(done);
      });
    });
    return element;
  };
  const id = offer.id;
  return [
    offer.status === "PUBLISHED" && button("Cerrar la oferta", () => call("assistance", "CloseOffer", { id }), `Oferta «${offer.title}» cerrada: no recibe más asignaciones.`, `¿Cerrar «${offer.title}»? Sigue visible, pero no recibe más asignaciones.`),
    offer.status !== "ARCHIVED" && button("Archivar", () => call("assistance", "ArchiveOffer", { id }), `Oferta «${offer.title}» archivada: salió del catálogo.`, `¿Archivar «${offer.title}»? Sale del catálogo y de la búsqueda.`),
    problem,
  ];
}

/** The management panel of one offer, for its own organisation. */
export function offerManagement(offer, onChange) {
  return h(
    "div",
    { class: "gestion-oferta" },
    offer.status === "PUBLISHED" && recommendations(offer, onChange),
    ["PUBLISHED", "CLOSED"].includes(offer.status) && assignedList(offer, onChange),
    h("div", { class: "acciones" }, statusActions(offer, onChange)),
  );
}
