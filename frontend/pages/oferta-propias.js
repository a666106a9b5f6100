// A national entity's own offers, drafts included (the `offers` list shows them to their own
// organisation): create, edit and publish; then reach demands, record deliveries and close
// (pages/oferta-gestion.js).

import { call } from "../api.js";
import { add, busy, errorMessage, field, formatDate, h, loading, select } from "../dom.js";
import { CATEGORY, label, MODALITY, OFFER_STATUS, TERRITORIAL_KIND } from "../labels.js";
import { offerManagement } from "./oferta-gestion.js";

const PAGE = 50;

function checkboxes(name, legend, table, chosen) {
  return h(
    "fieldset",
    { class: "casillas" },
    h("legend", {}, legend),
    Object.entries(table).map(([value, text]) => h("label", { class: "opcion" }, h("input", { type: "checkbox", name, value, checked: chosen.includes(value) }), ` ${text}`)),
  );
}

function offerForm(offer, names, onSaved) {
  const o = offer ?? { targetKinds: ["MUNICIPALITY"], targetCategories: [], departmentCodes: [], modality: "VIRTUAL", capacity: 10, costToEntity: 0 };
  const departments = h(
    "select",
    { name: "departmentCodes", multiple: true, size: 6 },
    [...names].map(([code, name]) => h("option", { value: code, selected: o.departmentCodes.includes(code) }, name)),
  );
  const form = h(
    "form",
    { class: "formulario", id: "formulario-oferta" },
    field("Título", h("input", { name: "title", required: true, maxlength: 200, value: o.title ?? "" })),
    field("Descripción", h("textarea", { name: "description", required: true, rows: 4, text: o.description ?? "" })),
    field("Tema", h("input", { name: "topic", required: true, value: o.topic ?? "" }), "Por ejemplo: catastro, regalías, planeación territorial."),
    field("Competencia", h("input", { name: "competency", value: o.competency ?? "" })),
    field("Unidad programática", h("input", { name: "programmaticUnit", maxlength: 200, value: o.programmaticUnit ?? "" }), "Código o nombre de la unidad del catálogo de clasificación del gasto que atiende (por ejemplo EDU-01); vea «Gasto»."),
    field("Modalidad", select("modality", Object.entries(MODALITY), o.modality)),
    checkboxes("targetKinds", "Para qué entidades", TERRITORIAL_KIND, o.targetKinds),
    checkboxes("targetCategories", "Categorías municipales (ninguna: todas)", CATEGORY, o.targetCategories),
    field("Departamentos", departments, "Ninguno seleccionado: todo el país. Use Ctrl o Mayús para elegir varios."),
    h("div", { class: "fila" }, field("Desde", h("input", { name: "startsOn", type: "date", required: true, value: o.startsOn ?? "" })), field("Hasta", h("input", { name: "endsOn", type: "date", required: true, value: o.endsOn ?? "" }))),
    h("div", { class: "fila" }, field("Cupos", h("input", { name: "capacity", type: "number", min: 1, required: true, value: o.capacity })), field("Costo para la entidad (pesos)", h("input", { name: "costToEntity", type: "number", min: 0, value: o.costToEntity }))),
    field("Contacto", h("input", { name: "contact", required: true, value: o.contact ?? "" })),
  );
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, offer ? "Guardar cambios" : "Guardar como borrador");
  add(form, h("div", { class: "acciones" }, submit, offer && h("button", { type: "button", class: "secundario", onclick: () => onSaved(null) }, "Cancelar")), problem);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Guardando…", problem, async () => {
      const values = form.elements;
      const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
      const input = {
        title: values.title.value.trim(),
        description: values.description.value.trim(),
        topic: values.topic.value.trim(),
        competency: values.competency.value.trim() || null,
        programmaticUnit: values.programmaticUnit.value.trim() || null,
        modality: values.modality.value,
        targetKinds: checked("targetKinds"),
        targetCategories: checked("targetCategories"),
        departmentCodes: [...departments.selectedOptions].map((option) => option.value),
        startsOn: values.startsOn.value,
        endsOn: values.endsOn.value,
        capacity: Number(values.capacity.value),
        costToEntity: Number(values.costToEntity.value || 0),
        contact: values.contact.value.trim(),
      };
      const data = offer ? await call("assistance", "UpdateOffer", { id: offer.id, input }) : await call("assistance", "CreateOffer", { input });
      onSaved((data.createOffer ?? data.updateOffer).offer);
    });
  });
  return form;
}

export function ownOffers(user, names) {
  const section = h("section", { class: "panel", id: "mis-ofertas" });
  const notice = h("div", { role: "status" });
  const list = h("ul", { class: "resultados" });
  const editor = h("div", {});

  async function refresh() {
    loading(list, "Cargando sus ofertas…");
    try {
      const { offers } = await call("assistance", "OwnOffers", { organisationCode: user.organisation?.code ?? null, first: PAGE });
      list.replaceChildren(...offers.edges.map(({ node }) => item(node)));
      if (!offers.totalCount) add(list, h("li", {}, "Todavía no tiene ofertas. Registre la primera con el formulario."));
      else if (offers.totalCount > offers.edges.length) add(list, h("li", { class: "ayuda" }, `Se muestran las ${offers.edges.length} más recientes de ${offers.totalCount}.`));
    } catch (error) {
      list.replaceChildren(h("li", {}, errorMessage(error, "No se pudieron cargar sus ofertas")));
    }
  }

  function edit(offer) {
    notice.replaceChildren();
    editor.replaceChildren(h("h3", {}, offer ? `Editar: ${offer.title}` : "Nueva oferta"), offerForm(offer, names, saved));
    editor.querySelector("input")?.focus();
  }

  function saved(offer) {
    edit(null);
    notice.replaceChildren(offer ? h("p", { class: "exito" }, `Oferta «${offer.title}» guardada (${label(OFFER_STATUS, offer.status).toLowerCase()}).`) : "");
    refresh();
  }

  function changed(message) {
    notice.replaceChildren(h("p", { class: "exito" }, message));
    refresh();
    notice.scrollIntoView({ block: "nearest" });
  }

  function item(offer) {
    const problem = h("div", { class: "mensajes" });
    const publish = h("button", { type: "button" }, "Publicar");
    publish.addEventListener("click", () =>
      busy(publish, "Publicando…", problem, async () => {
        await call("assistance", "PublishOffer", { id: offer.id });
        notice.replaceChildren(h("p", { class: "exito" }, `Oferta «${offer.title}» publicada: ya está en el catálogo.`));
        refresh();
      }),
    );
    return h(
      "li",
      { class: "resultado" },
      h("h3", {}, h("a", { href: `#/oferta/${encodeURIComponent(offer.id)}` }, offer.title)),
      h("p", { class: "meta" }, `${label(OFFER_STATUS, offer.status)} · ${offer.topic} · ${formatDate(offer.startsOn)} a ${formatDate(offer.endsOn)}`),
      h("div", { class: "acciones" }, offer.status === "DRAFT" && publish, ["DRAFT", "PUBLISHED"].includes(offer.status) && h("button", { type: "button", class: "secundario", onclick: () => edit(offer) }, "Editar")),
      problem,
      offerManagement(offer, changed),
    );
  }

  add(section, h("h2", {}, `Ofertas de ${user.organisation?.name ?? "su organización"}`), notice, list, editor);
  edit(null);
  refresh();
  return section;
}
