// The entity's ATT demands (the `demands` list of its jurisdiction): for each, the deliveries
// received with their evaluation, a form to evaluate the ones still without one, the
// recommended offers with their reasons, and closing the demand.

import { call } from "../api.js";
import { add, busy, errorMessage, field, formatDate, formatNumber, h, loading, select } from "../dom.js";
import { DEMAND_STATUS, FACTOR, label, MODALITY, PRIORITY } from "../labels.js";

const PAGE = 20;
const SATISFACTION = [
  ["5", "5 — Muy satisfecha"],
  ["4", "4 — Satisfecha"],
  ["3", "3 — Ni satisfecha ni insatisfecha"],
  ["2", "2 — Poco satisfecha"],
  ["1", "1 — Nada satisfecha"],
];

/** A recommended offer, its reasons in plain words, and «Solicitar esta oferta» for `demandId`. */
function matchItem(match, demandId) {
  const offer = match.offer;
  const ask = `#/oferta/${encodeURIComponent(offer.id)}?solicitar=${encodeURIComponent(demandId)}`;
  return h(
    "li",
    { class: "resultado" },
    h("h5", {}, h("a", { href: `#/oferta/${encodeURIComponent(offer.id)}` }, offer.title), ` — afinidad ${Math.round(match.score * 100)} de 100`),
    h("p", { class: "meta" }, [offer.organisation?.name, offer.topic, `hasta ${formatDate(offer.endsOn)}`].filter(Boolean).join(" · ")),
    h("ul", { class: "razones" }, match.reasons.map((reason) => h("li", {}, `${label(FACTOR, reason.factor)}: ${reason.explanation}`))),
    offer.status === "PUBLISHED" && h("p", {}, h("a", { href: ask, class: "boton-claro" }, "Solicitar esta oferta")),
  );
}

function evaluationText(evaluation) {
  return [
    `Evaluada: satisfacción ${evaluation.satisfaction} de 5`,
    evaluation.capacityInstalled ? "capacidad instalada" : "capacidad aún no instalada",
    evaluation.comments && `«${evaluation.comments}»`,
  ]
    .filter(Boolean)
    .join(" · ");
}

/** The evaluation form of one delivery; `onDone(evaluation)` once the API accepted it. */
function evaluationForm(delivery, onDone) {
  const form = h(
    "form",
    { class: "formulario evaluacion", "aria-label": `Evaluar la entrega del ${formatDate(delivery.deliveredOn)}` },
    field("Satisfacción", select("satisfaction", SATISFACTION, "4")),
    h("label", { class: "opcion" }, h("input", { type: "checkbox", name: "capacityInstalled" }), " La capacidad quedó instalada: la entidad ya puede hacerlo por sí misma"),
    field("Comentarios", h("textarea", { name: "comments", rows: 2, maxlength: 2000 })),
  );
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, "Enviar evaluación");
  add(form, submit, problem);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Enviando…", problem, async () => {
      const values = form.elements;
      const input = { satisfaction: Number(values.satisfaction.value), capacityInstalled: values.capacityInstalled.checked, comments: values.comments.value.trim() };
      const { evaluateDelivery } = await call("assistance", "EvaluateDelivery", { deliveryId: delivery.id, input });
      onDone(evaluateDelivery.delivery.evaluation);
    });
  });
  return form;
}

function deliveryItem(delivery, open) {
  const item = h("li", { class: "entrega" });
  const summary = h(
    "p",
    {},
    h("strong", {}, formatDate(delivery.deliveredOn)),
    ` — ${formatNumber(delivery.hours)} horas, ${formatNumber(delivery.participants)} participantes, ${label(MODALITY, delivery.modality).toLowerCase()}`,
    delivery.offer && [" · ", h("a", { href: `#/oferta/${encodeURIComponent(delivery.offer.id)}` }, delivery.offer.title)],
  );
  const result = h("p", { class: "meta evaluacion-dada" });
  add(item, summary, result);
  // The department's follow-up, beside (never instead of) the entity's evaluation.
  for (const comment of delivery.comments ?? []) {
    add(item, h("p", { class: "meta comentario-departamento" }, `Comentario del departamento (${formatDate(comment.createdAt)}): «${comment.comments}»`));
  }
  if (delivery.evaluation) {
    result.textContent = evaluationText(delivery.evaluation);
  } else if (open) {
    const details = h("details", { class: "evaluar" });
    add(details, 
      h("summary", {}, "Evaluar esta entrega"),
      evaluationForm(delivery, (evaluation) => {
        details.replaceWith(h("p", { class: "exito", role: "status" }, "Evaluación registrada. Gracias: ayuda a mejorar la oferta."));
        result.textContent = evaluationText(evaluation);
      }),
    );
    add(item, details);
  } else {
    result.textContent = "Sin evaluación.";
  }
  return item;
}

function demandItem(demand, onClosed) {
  const open = demand.status !== "CLOSED";
  const recommended = h("div", {});
  const problem = h("div", { class: "mensajes" });
  const close = h("button", { type: "button", class: "secundario" }, "Cerrar demanda");
  close.addEventListener("click", () =>
    busy(close, "Cerrando…", problem, async () => {
      await call("assistance", "CloseDemand", { id: demand.id });
      onClosed(demand);
    }),
  );
  const deliveries = demand.deliveries ?? [];
  const folded = h("details", { class: "recomendadas" }, h("summary", {}, "Ver otras ofertas recomendadas"), recommended);
  folded.addEventListener("toggle", () => {
    if (folded.open && !recommended.childElementCount) loadRecommendations(demand.id, recommended);
  });
  const item = h(
    "li",
    { class: "demanda", "data-id": demand.id },
    h("h3", {}, demand.need),
    h(
      "p",
      { class: "meta" },
      [demand.entity?.name, demand.topic, `prioridad ${label(PRIORITY, demand.priority).toLowerCase()}`, `registrada el ${formatDate(demand.createdAt)}`].filter(Boolean).join(" · "),
      " · ",
      h("span", { class: "etiqueta estado-demanda" }, label(DEMAND_STATUS, demand.status)),
    ),
    h("h4", {}, `Entregas recibidas (${deliveries.length})`),
    deliveries.length ? h("ul", { class: "entregas" }, deliveries.map((delivery) => deliveryItem(delivery, true))) : h("p", {}, "Todavía no ha recibido entregas de asistencia técnica."),
    // A demand still waiting for an offer shows its recommendations; one already served keeps them folded.
    demand.status === "OPEN" && [h("h4", {}, "Ofertas recomendadas"), recommended],
    open && demand.status !== "OPEN" && folded,
    open && h("div", { class: "acciones" }, close),
    problem,
  );
  if (demand.status === "OPEN") loadRecommendations(demand.id, recommended);
  return item;
}

async function loadRecommendations(id, box) {
  loading(box, "Buscando ofertas que le sirvan…");
  try {
    const { recommendedOffers } = await call("assistance", "RecommendedOffers", { demandId: id, first: 5 });
    box.replaceChildren(
      recommendedOffers.length ? h("ol", { class: "resultados" }, recommendedOffers.map((match) => matchItem(match, id))) : h("p", {}, "Todavía no hay ofertas publicadas que le sirvan. Se buscan de nuevo cada vez que abre esta página."),
    );
  } catch (error) {
    box.replaceChildren(errorMessage(error, "No se pudieron buscar las ofertas recomendadas"));
  }
}

/** `prefill` ({ need, topic }), when a page sends the team here to ask for help (monitoring's red lights). */
export function demandsPanel(entity, prefill = null) {
  const list = h("ul", { class: "lista-simple", id: "lista-demandas" });
  const status = h("p", { role: "status", class: "ayuda" });
  const more = h("button", { type: "button", class: "secundario", hidden: true }, "Ver más demandas");
  const notice = h("div", { role: "status" });
  let after = null;
  const form = h(
    "form",
    { class: "formulario", id: "formulario-demanda" },
    field("¿Qué necesita?", h("textarea", { name: "need", required: true, rows: 3 }), "Describa la necesidad de asistencia técnica con sus palabras."),
    field("Tema", h("input", { name: "topic", required: true }), "Por ejemplo: catastro, regalías, agua potable."),
    field("Prioridad", select("priority", Object.entries(PRIORITY), "MEDIUM")),
    field("Capacidad que falta", h("input", { name: "capacityGap", required: true }), "Por ejemplo: no tenemos profesional en formulación de proyectos."),
    h("div", { class: "fila" }, field("Desde", h("input", { name: "desiredFrom", type: "date" })), field("Hasta", h("input", { name: "desiredTo", type: "date" }))),
  );
  if (prefill) {
    form.elements.need.value = prefill.need ?? "";
    form.elements.topic.value = prefill.topic ?? "";
    // Once the panel is on the page, the team lands on the form it came for.
    requestAnimationFrame(() => form.scrollIntoView({ block: "center" }));
  }
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, "Registrar la demanda");
  add(form, submit, problem);

  function closed(demand) {
    notice.replaceChildren(h("p", { class: "exito" }, `Demanda «${demand.need}» cerrada.`));
    refresh();
  }

  async function load(reset) {
    if (reset) {
      after = null;
      loading(list, "Cargando sus demandas…");
    }
    try {
      const { demands } = await call("assistance", "Demands", { entityCode: entity.code, first: PAGE, after });
      if (reset) list.replaceChildren();
      add(list, ...demands.edges.map(({ node }) => demandItem(node, closed)));
      if (!demands.totalCount) add(list, h("li", {}, "Esta entidad no ha registrado demandas de asistencia técnica."));
      status.textContent = demands.totalCount ? `${demands.totalCount} demandas, la más reciente primero.` : "";
      after = demands.pageInfo.hasNextPage ? demands.pageInfo.endCursor : null;
      more.hidden = !after;
    } catch (error) {
      list.replaceChildren(h("li", {}, errorMessage(error, "No se pudieron cargar las demandas")));
    }
  }

  const refresh = () => load(true);
  more.addEventListener("click", () => load(false));

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
      form.reset();
      notice.replaceChildren(h("p", { class: "exito" }, `Demanda «${createDemand.demand.need}» registrada.`));
      await refresh();
    });
  });
  refresh();
  return h(
    "section",
    { class: "panel", "aria-labelledby": "titulo-demandas", id: "demandas" },
    h("h2", { id: "titulo-demandas" }, "Demandas de asistencia técnica"),
    notice,
    status,
    list,
    more,
    h("details", { open: Boolean(prefill) }, h("summary", {}, "Registrar una nueva demanda"), form),
  );
}
