// Mi territorio: what the entity must report this period and how much is already covered,
// a form for only what is missing, its data in conflict, and its ATT demands with the
// recommended offers.

import { call } from "../api.js";
import { stackedBar, barChart } from "../chart.js";
import { add, busy, errorMessage, field, fill, formatDate, h, loading, pageTitle, percent } from "../dom.js";
import { ELEMENT_STATE, label } from "../labels.js";
import * as session from "../session.js";
import { conflictsPanel } from "./territorio-conflictos.js";
import { departmentPanel } from "./territorio-departamento.js";
import { demandsPanel } from "./territorio-demandas.js";

const STATE_TONE = { REPORTED: "tono-reportado", REUSED: "tono-reutilizado", IN_CONFLICT: "tono-conflicto", MISSING: "tono-faltante" };

function source(element) {
  if (!element.source) return "—";
  const { requirementCode, reporterCode, submittedAt } = element.source;
  return `${requirementCode}, reportado por ${reporterCode} el ${formatDate(submittedAt)}`;
}

function elementRow(element) {
  return h(
    "tr",
    {},
    h("th", { scope: "row" }, element.dataElement.name, h("span", { class: "codigo" }, ` ${element.dataElement.code}`)),
    h("td", {}, h("span", { class: `estado ${STATE_TONE[element.state]}` }, label(ELEMENT_STATE, element.state))),
    h("td", {}, element.value ?? "—", element.value && element.dataElement.unit ? ` ${element.dataElement.unit}` : ""),
    h("td", {}, element.state === "REUSED" || element.state === "IN_CONFLICT" ? source(element) : "—"),
  );
}

/**
 * One form for everything still missing this period, each data element asked once even when
 * several requirements want it: it is sent with the first requirement that asks for it, and
 * the others reuse it.
 */
function missingForm({ reporter, subject }, period, statuses, onSent) {
  const owner = new Map();
  for (const status of statuses) {
    for (const element of status.elements.filter((e) => e.state === "MISSING")) {
      const code = element.dataElement.code;
      if (!owner.has(code)) owner.set(code, { element, requirement: status.requirement, askedBy: [] });
      owner.get(code).askedBy.push(status.requirement.name);
    }
  }
  if (!owner.size) return h("p", { class: "exito" }, "Nada por reportar en este periodo: todo lo que se pide ya está reportado o se reutiliza.");
  // One key per form and requirement: sending the same form twice (a double click, a retry) is idempotent.
  const formKey = crypto.randomUUID();
  const form = h(
    "form",
    { class: "formulario", id: "formulario-faltantes", "aria-labelledby": "titulo-faltantes" },
    h("h3", { id: "titulo-faltantes" }, `Reportar lo que falta (${owner.size} datos)`),
    h("p", {}, "Cada dato se pide una sola vez, aunque lo pidan varios requerimientos; lo ya reportado no se vuelve a pedir."),
    [...owner.values()].map(({ element, askedBy }) =>
      field(
        `${element.dataElement.name}${element.dataElement.unit ? ` (${element.dataElement.unit})` : ""}`,
        h("input", { name: element.dataElement.code, required: true, inputmode: ["TEXT", "DATE", "BOOLEAN"].includes(element.dataElement.valueType) ? null : "decimal" }),
        `${element.dataElement.description} Lo piden: ${askedBy.join("; ")}.`,
      ),
    ),
  );
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, "Enviar reporte");
  add(form, submit, problem);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Enviando…", problem, async () => {
      const byRequirement = new Map();
      for (const [code, { requirement }] of owner) {
        const values = byRequirement.get(requirement.code) ?? [];
        values.push({ dataElementCode: code, value: form.elements[code].value.trim(), subjectCode: subject.code === reporter.code ? null : subject.code });
        byRequirement.set(requirement.code, values);
      }
      const totals = { accepted: 0, newValues: 0, duplicates: 0, corrections: 0, conflicts: 0 };
      for (const [requirementCode, values] of byRequirement) {
        const input = { entityCode: reporter.code, period, requirementCode, idempotencyKey: `${formKey}-${requirementCode}`, values };
        const { submitReport: result } = await call("reporting", "SubmitReport", { input });
        for (const key of Object.keys(totals)) totals[key] += result[key];
      }
      onSent(`Reporte recibido: ${totals.accepted} valores aceptados (${totals.newValues} nuevos, ${totals.duplicates} repetidos, ${totals.corrections} correcciones, ${totals.conflicts} en conflicto).`);
    });
  });
  return form;
}

function requirementSection(status) {
  return h(
    "details",
    { class: "requerimiento", open: status.conflictCount > 0 },
    h("summary", {}, h("strong", {}, status.requirement.name), ` — ${status.requirement.issuer?.name ?? ""}: `, `${status.missingCount} faltantes, ${status.reusedCount} reutilizados, ${status.conflictCount} en conflicto`),
    h("p", { class: "meta" }, `Fundamento: ${status.requirement.legalBasis}`),
    h(
      "div",
      { class: "tabla-desplazable" },
      h("table", {}, h("thead", {}, h("tr", {}, ["Dato", "Estado", "Valor", "Fuente"].map((title) => h("th", { scope: "col" }, title)))), h("tbody", {}, status.elements.map(elementRow))),
    ),
  );
}

async function renderStatus(box, who, period, isCurrent, notice) {
  loading(box, "Consultando lo que debe reportar…");
  try {
    const { reportingBurden: burden } = await call("reporting", "ReportingBurden", { entityCode: who.subject.code, period });
    if (!isCurrent()) return;
    const refresh = (message) => renderStatus(box, who, period, isCurrent, message);
    fill(
      box,
      notice && h("p", { class: "exito", role: "status" }, notice),
      h(
        "p",
        { class: "cifra" },
        `Carga ahorrada por reutilización: `,
        h("strong", {}, percent(burden.burdenSaved)),
        ` — de ${burden.requested} datos pedidos, ${burden.reused} ya estaban reportados para otro requerimiento.`,
      ),
      stackedBar({
        title: `Los ${burden.requested} datos pedidos en ${period}`,
        parts: [
          { label: "Reportados", value: burden.reported, tone: "tono-reportado" },
          { label: "Reutilizados", value: burden.reused, tone: "tono-reutilizado" },
          { label: "En conflicto", value: burden.conflicts, tone: "tono-conflicto" },
          { label: "Faltantes", value: burden.missing, tone: "tono-faltante" },
        ],
      }),
      burden.requirements.length > 0 &&
        barChart({
          title: "Datos que no hubo que volver a reportar, por requerimiento",
          rows: burden.requirements.map((status) => ({ label: status.requirement.name, value: status.reusedCount, total: status.elements.length, tone: "tono-reutilizado" })),
          format: (value, row) => `${value} de ${row.total}`,
          max: Math.max(...burden.requirements.map((status) => status.elements.length)),
        }),
      burden.requirements.length === 0 && h("p", {}, "No hay requerimientos de información para esta entidad en este periodo."),
      missingForm(who, period, burden.requirements, refresh),
      h("h3", {}, "Estado por requerimiento"),
      burden.requirements.map(requirementSection),
    );
  } catch (error) {
    if (isCurrent()) box.replaceChildren(errorMessage(error, "No se pudo consultar el estado del reporte"));
  }
}

export function render(container, { query, isCurrent }) {
  const user = session.user();
  add(container, pageTitle("Mi territorio"));
  if (!user || user.role !== "TERRITORIAL" || !user.entity) {
    add(container, 
      h("p", {}, "Esta sección es para los equipos de las alcaldías y gobernaciones: lo que deben reportar, lo que ya está cubierto y la oferta de asistencia técnica que les sirve."),
      user ? h("p", { class: "aviso" }, "Su usuario no está vinculado a una entidad territorial.") : h("p", {}, h("a", { href: "#/ingresar?volver=%23%2Fterritorio", class: "boton" }, "Ingresar")),
    );
    return;
  }
  const reporter = user.entity;
  const period = h("input", { name: "period", value: query.get("periodo") ?? String(new Date().getFullYear() - 1), pattern: "[0-9]{4}(-[A-Z0-9]+)?", maxlength: 10, size: 8 });
  const subjects = h("select", { name: "subject" }, h("option", { value: reporter.code }, reporter.name));
  const content = h("div", {});
  const form = h(
    "form",
    { class: "fila en-linea" },
    reporter.kind === "DEPARTMENT" && field("Entidad", subjects, "El departamento reporta también por sus municipios."),
    field("Periodo", period, "Año de la vigencia, por ejemplo 2025."),
    h("button", { type: "submit" }, "Consultar"),
  );

  // Sent from a red light in Monitoreo: the demand form comes filled in, once.
  let prefill = query.get("necesidad") ? { need: query.get("necesidad"), topic: query.get("tema") } : null;

  function show() {
    const subject = { code: subjects.value, name: subjects.selectedOptions[0]?.textContent ?? reporter.name };
    const box = h("div", {});
    fill(
      content,
      h("p", { class: "lema" }, `${subject.name} (${subject.code}): lo que debe reportar, lo que ya está y lo que falta.`),
      box,
      conflictsPanel(subject, () => renderStatus(box, { reporter, subject }, period.value.trim(), isCurrent)),
      demandsPanel(subject, prefill),
    );
    prefill = null;
    renderStatus(box, { reporter, subject }, period.value.trim(), isCurrent);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  subjects.addEventListener("change", show);
  add(container, h("section", { "aria-labelledby": "titulo-reporte" }, h("h2", { id: "titulo-reporte" }, "Reporte de información"), form, content));
  show();
  if (reporter.kind === "DEPARTMENT") {
    loadMunicipalities(reporter, subjects);
    const municipalities = () => [...subjects.options].map((option) => option.value).filter((code) => code !== reporter.code);
    add(container, departmentPanel(municipalities, () => period.value.trim()));
  }
}

/** A department's municipalities, page by page, as options of the entity select. */
async function loadMunicipalities(department, subjects) {
  let after = null;
  try {
    do {
      const { territorialEntities: page } = await call("territory", "TerritorialEntities", { filter: { departmentCode: department.code }, first: 100, after });
      add(subjects, ...page.edges.filter(({ node }) => node.code !== department.code).map(({ node }) => h("option", { value: node.code }, node.name)));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
  } catch (error) {
    subjects.after(errorMessage(error, "No se pudieron cargar los municipios"));
  }
}
