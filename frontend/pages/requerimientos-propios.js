// A national entity's information requirements: who has reported each, per period (with the
// CSV), and a form to register a new one that shows, while a new field is typed, the data
// elements that already exist and look the same, so the entity reuses instead of asking again.

import { call } from "../api.js";
import { add, busy, errorMessage, field, fill, formatDate, formatNumber, h, loading, select } from "../dom.js";
import { label, PERIODICITY, TERRITORIAL_KIND } from "../labels.js";

const PAGE = 25;
const STATE = { COMPLETE: "Completo", PARTIAL: "Parcial", NOT_REPORTED: "Sin reportar" };
const VALUE_TYPE = { NUMBER: "Número", INTEGER: "Número entero", PERCENTAGE: "Porcentaje", TEXT: "Texto", BOOLEAN: "Sí o no", DATE: "Fecha" };

/** Who has reported one requirement in one period: counts, a table paged by code, the CSV. */
function coverageView(requirement) {
  const period = select("periodo", requirement.periods.map((p) => [p.period, `${p.label} — plazo ${formatDate(p.dueOn)}${p.overdue ? " (vencido)" : ""}`]));
  const state = select("estado", [["", "Todas"], ...Object.entries(STATE)]);
  const summary = h("p", { role: "status" });
  const rows = h("tbody", {});
  const table = h("table", { class: "tabla-cobertura" }, h("caption", { class: "solo-lectores" }, `Reporte de ${requirement.name}`), h("thead", {}, h("tr", {}, ["Entidad", "Departamento", "Estado", "Elementos con valor"].map((t) => h("th", { scope: "col" }, t)))), rows);
  const more = h("button", { type: "button", class: "secundario", hidden: true }, "Ver más entidades");
  const download = h("a", { class: "boton-claro descarga" }, "Descargar CSV");
  let after = null;

  async function load(append) {
    if (!append) {
      after = null;
      loading(rows, "Contando quién ha reportado…");
    }
    const variables = { requirementCode: requirement.code, period: period.value, state: state.value || null, first: PAGE, after };
    download.href = `/reportes/cobertura.csv?requerimiento=${encodeURIComponent(requirement.code)}&periodo=${encodeURIComponent(period.value)}`;
    try {
      const { requirementCoverage: coverage } = await call("reporting", "RequirementCoverage", variables);
      const p = coverage.period;
      summary.textContent = `${p.label}: ${formatNumber(coverage.completeCount)} de ${formatNumber(coverage.entityCount)} entidades completas, ${formatNumber(coverage.partialCount)} parciales y ${formatNumber(coverage.notReportedCount)} sin reportar. Plazo: ${formatDate(p.dueOn)}${p.overdue ? " (vencido)" : ""}.`;
      const found = coverage.entities.edges.map(({ node }) =>
        h(
          "tr",
          { class: `cobertura-${node.state.toLowerCase().replace("_", "-")}` },
          h("th", { scope: "row" }, node.entity.name),
          h("td", {}, node.entity.department?.name ?? "—"),
          h("td", { class: "estado-cobertura" }, STATE[node.state] + (node.conflictCount ? ` (${formatNumber(node.conflictCount)} en conflicto)` : "")),
          h("td", {}, `${formatNumber(node.withValueCount)} de ${formatNumber(coverage.requestedCount)}`),
        ),
      );
      if (append) add(rows, found);
      else fill(rows, found.length ? found : h("tr", {}, h("td", { colspan: 4 }, "Ninguna entidad en ese estado.")));
      after = coverage.entities.pageInfo.endCursor;
      more.hidden = !coverage.entities.pageInfo.hasNextPage;
    } catch (error) {
      fill(rows, h("tr", {}, h("td", { colspan: 4 }, errorMessage(error, "No se pudo contar quién ha reportado"))));
    }
  }

  period.addEventListener("change", () => load(false));
  state.addEventListener("change", () => load(false));
  more.addEventListener("click", () => load(true));
  load(false);
  return h(
    "div",
    { class: "cobertura" },
    h("div", { class: "fila" }, field("Periodo", period), field("Estado", state), download),
    summary,
    h("div", { class: "tabla-desplazable" }, table),
    more,
  );
}

function requirementItem(requirement) {
  const body = h("div", {});
  const box = h("details", { class: "requerimiento-propio" }, h("summary", {}, `${requirement.name} (${requirement.code}) — ${label(PERIODICITY, requirement.periodicity).toLowerCase()}, ${formatNumber(requirement.dataElements.length)} elementos`), body);
  box.addEventListener("toggle", () => {
    if (box.open && !body.childElementCount) {
      add(body,
        h("p", { class: "meta" }, `${requirement.legalBasis || "Sin norma registrada"} · para ${requirement.entityKinds.map((k) => label(TERRITORIAL_KIND, k).toLowerCase()).join(", ")} · plazo de ${formatNumber(requirement.dueDays)} días después de cada periodo`),
        requirement.periods.length ? coverageView(requirement) : h("p", {}, "Todavía no ha comenzado ningún periodo de este requerimiento."),
      );
    }
  });
  return h("li", {}, box);
}

/** One new field of the form; while its name is typed, the look-alikes already in the catalogue. */
function newFieldRow(reused, remove) {
  const name = h("input", { name: "fieldName", required: true, maxlength: 200, autocomplete: "off" });
  const description = h("input", { name: "fieldDescription", required: true, maxlength: 2000 });
  const suggestions = h("div", { class: "parecidos", "aria-live": "polite" });
  const row = h(
    "fieldset",
    { class: "campo-nuevo" },
    h("legend", {}, "Campo nuevo"),
    h("div", { class: "fila" }, field("Nombre del campo", name), field("Código", h("input", { name: "fieldCode", required: true, maxlength: 64, pattern: "[A-Z][A-Z0-9_]*", placeholder: "POBLACION_VICTIMA" }), "En mayúsculas, sin espacios.")),
    field("Descripción", description),
    h("div", { class: "fila" }, field("Unidad", h("input", { name: "fieldUnit", required: true, maxlength: 50, placeholder: "personas, pesos, porcentaje" })), field("Tipo de valor", select("fieldType", Object.entries(VALUE_TYPE), "INTEGER")), field("Competencia", h("input", { name: "fieldCompetency", required: true, maxlength: 50, placeholder: "SALUD" }))),
    suggestions,
    h("button", { type: "button", class: "secundario", onclick: () => remove(row) }, "Quitar este campo"),
  );
  let timer = null;
  let asked = 0;
  const look = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const words = name.value.trim();
      const current = ++asked;
      if (words.length < 4) return fill(suggestions);
      try {
        const { similarDataElements } = await call("reporting", "SimilarDataElements", { name: words, description: description.value.trim() });
        if (current !== asked) return;
        fill(
          suggestions,
          similarDataElements.length > 0 && [
            h("p", { class: "aviso" }, "Ya existen elementos parecidos. Si uno sirve, reutilícelo: las entidades no tendrán que reportarlo otra vez."),
            h("ul", {}, similarDataElements.map((similar) =>
              h("li", {},
                h("strong", {}, similar.dataElement.name), ` (${similar.dataElement.code}, ${similar.dataElement.unit}) — ${similar.explanation} `,
                h("button", { type: "button", class: "boton-claro", onclick: () => { reused(similar.dataElement); remove(row); } }, `Reutilizar ${similar.dataElement.code}`)))),
          ],
        );
      } catch {
        // Only the suggestions depend on it: registering still compares the new fields.
      }
    }, 350);
  };
  name.addEventListener("input", look);
  description.addEventListener("change", look);
  return row;
}

/** The form to register a requirement: reused elements as chips, new fields with their look-alikes. */
function requirementForm(onSaved) {
  const chosen = new Map();
  const chips = h("ul", { class: "fichas", "aria-label": "Elementos reutilizados" });
  const fields = h("div", { class: "campos-nuevos" });
  const problem = h("div", { class: "mensajes" });
  const showChips = () =>
    fill(chips, [...chosen.values()].map((element) =>
      h("li", { class: "ficha" }, `${element.name} (${element.code})`, h("button", { type: "button", "aria-label": `Quitar ${element.name}`, onclick: () => { chosen.delete(element.code); showChips(); } }, "×"))));
  const reuse = (element) => {
    chosen.set(element.code, element);
    showChips();
  };
  const removeRow = (row) => row.remove();
  const kinds = h("fieldset", { class: "casillas" }, h("legend", {}, "Quiénes lo reportan"),
    Object.entries(TERRITORIAL_KIND).map(([value, text]) => h("label", { class: "opcion" }, h("input", { type: "checkbox", name: "entityKinds", value, checked: value === "MUNICIPALITY" }), ` ${text}`)));
  const submit = h("button", { type: "submit" }, "Registrar el requerimiento");
  const form = h(
    "form",
    { class: "formulario", id: "formulario-requerimiento" },
    h("div", { class: "fila" }, field("Nombre", h("input", { name: "name", required: true, maxlength: 200 })), field("Código", h("input", { name: "code", required: true, maxlength: 64, placeholder: "FUT_SALUD_2026" }))),
    field("Norma que lo sustenta", h("input", { name: "legalBasis", required: true, maxlength: 300 })),
    h("div", { class: "fila" }, field("Periodicidad", select("periodicity", Object.entries(PERIODICITY), "QUARTERLY")), field("Días para reportar después de cada periodo", h("input", { name: "dueDays", type: "number", min: 1, max: 365, value: 45 }))),
    kinds,
    h("h4", {}, "Elementos que reutiliza"),
    chips,
    h("h4", {}, "Campos nuevos"),
    fields,
    h("button", { type: "button", class: "secundario", onclick: () => { const row = newFieldRow(reuse, removeRow); fields.append(row); row.querySelector("input").focus(); } }, "Agregar un campo nuevo"),
    h("div", { class: "acciones" }, submit),
    problem,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Registrando…", problem, async () => {
      const values = form.elements;
      const newDataElements = [...fields.querySelectorAll(".campo-nuevo")].map((row) => {
        const value = (name) => row.querySelector(`[name="${name}"]`).value.trim();
        return { code: value("fieldCode").toUpperCase(), name: value("fieldName"), description: value("fieldDescription"), unit: value("fieldUnit"), valueType: value("fieldType"), competency: value("fieldCompetency").toUpperCase() };
      });
      const input = {
        code: values.code.value.trim().toUpperCase(),
        name: values.name.value.trim(),
        legalBasis: values.legalBasis.value.trim(),
        periodicity: values.periodicity.value,
        entityKinds: [...form.querySelectorAll('input[name="entityKinds"]:checked')].map((box) => box.value),
        dataElementCodes: [...chosen.keys()],
        newDataElements,
        dueDays: Number(values.dueDays.value) || null,
      };
      const { registerRequirement } = await call("reporting", "RegisterRequirement", { input });
      onSaved(registerRequirement);
    });
  });
  return form;
}

export function ownRequirements(user) {
  const section = h("section", { class: "panel", id: "mis-requerimientos" });
  const notice = h("div", { role: "status" });
  const list = h("ul", { class: "lista-requerimientos" });
  const formBox = h("details", { class: "nuevo-requerimiento" }, h("summary", {}, "Registrar un requerimiento de información"));

  async function refresh() {
    loading(list, "Cargando sus requerimientos…");
    try {
      const { informationRequirements } = await call("reporting", "OwnRequirements", { issuerCode: user.organisation?.code ?? null, first: 50 });
      fill(list, informationRequirements.nodes.map(requirementItem));
      if (!informationRequirements.nodes.length) add(list, h("li", {}, "Su organización todavía no ha registrado requerimientos."));
    } catch (error) {
      fill(list, h("li", {}, errorMessage(error, "No se pudieron cargar sus requerimientos")));
    }
  }

  function saved({ requirement, similarExisting }) {
    const alike = similarExisting.filter((s) => s.newCode);
    fill(notice, h("p", { class: "exito" }, `Requerimiento «${requirement.name}» registrado con ${formatNumber(requirement.dataElements.length)} elementos.`),
      alike.length > 0 && h("p", { class: "aviso" }, `Atención: ${alike.map((s) => `${s.newCode} se parece a ${s.dataElement.name} (${s.dataElement.code})`).join("; ")}.`));
    formBox.open = false;
    formBox.replaceChildren(formBox.firstChild, requirementForm(saved));
    refresh();
  }

  add(formBox, requirementForm(saved));
  add(section, h("h2", {}, `Requerimientos de información de ${user.organisation?.name ?? "su organización"}`), h("p", {}, "Quién ha reportado cada requerimiento, por periodo. Un dato que la entidad ya reportó para otro requerimiento cuenta: no se le pide de nuevo."), notice, list, formBox);
  refresh();
  return section;
}
