// Mi territorio: what the entity must report this period and how much is already covered,
// a form for only what is missing, its data in conflict, and its ATT demands with the
// recommended offers.

import { call } from "../api.js";
import { stackedBar, barChart } from "../chart.js";
import { add, busy, errorMessage, field, fill, formatDate, formatNumber, h, loading, markField, pageTitle, percent } from "../dom.js";
import { ELEMENT_STATE, label, PERIODICITY } from "../labels.js";
import * as session from "../session.js";
import { conflictsPanel } from "./territorio-conflictos.js";
import { departmentPanel } from "./territorio-departamento.js";
import { demandsPanel } from "./territorio-demandas.js";

const STATE_TONE = { REPORTED: "tono-reportado", REUSED: "tono-reutilizado", IN_CONFLICT: "tono-conflicto", MISSING: "tono-faltante" };

function source(element) {
  if (!element.source) return "—";
  const { requirementCode, reporterCode, submittedAt, requirement, reporter } = element.source;
  return `${requirement?.name ?? requirementCode}, reportado por ${reporter?.name ?? reporterCode} el ${formatDate(submittedAt)}`;
}

/** A reported value as Colombians write it: «12,6 %», «7.215 personas», «$ 3.625.000.000». */
function shownValue(value, { valueType, unit }) {
  if (value === null || value === undefined) return "—";
  const number = Number(value);
  if (!["NUMBER", "INTEGER", "PERCENTAGE"].includes(valueType) || !Number.isFinite(number)) return unit ? `${value} ${unit}` : value;
  if (valueType === "PERCENTAGE" || /^(porcentaje|%)$/i.test(unit ?? "")) return `${formatNumber(number)} %`;
  if (/^pesos$/i.test(unit ?? "")) return `$ ${formatNumber(number)}`;
  return unit ? `${formatNumber(number)} ${unit}` : formatNumber(number);
}

function elementRow(element) {
  return h(
    "tr",
    {},
    h("th", { scope: "row" }, element.dataElement.name, h("span", { class: "codigo" }, ` ${element.dataElement.code}`)),
    h("td", {}, h("span", { class: `estado ${STATE_TONE[element.state]}` }, label(ELEMENT_STATE, element.state))),
    h("td", {}, shownValue(element.value, element.dataElement)),
    h("td", {}, element.state === "REUSED" || element.state === "IN_CONFLICT" ? source(element) : "—"),
  );
}

/** Where a team's unsent values for one entity and period wait on this device. */
function draftKey({ reporter, subject }, period) {
  return `sugit:borrador:${reporter.code}:${subject.code}:${period}`;
}

function readDraft(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? "null");
  } catch {
    return null;
  }
}

/**
 * One form for everything still missing this period, each data element asked once even when
 * several requirements want it: it is sent with the first requirement that asks for it, and
 * the others reuse it. Every value is checked before anything is saved (all or nothing, each
 * refusal beside its field, what was typed kept), and what is typed waits on this device as a
 * draft until it is sent.
 */
function missingForm(who, period, statuses, onSent) {
  const { reporter, subject } = who;
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
  const key = draftKey(who, period);
  const draft = readDraft(key);
  const form = h(
    "form",
    { class: "formulario", id: "formulario-faltantes", "aria-labelledby": "titulo-faltantes", novalidate: true },
    h("h3", { id: "titulo-faltantes" }, `Reportar lo que falta (${owner.size} datos)`),
    h("p", {}, "Cada dato se pide una sola vez, aunque lo pidan varios requerimientos; lo ya reportado no se vuelve a pedir. Puede enviar solo los que tenga: los demás siguen pendientes."),
    draft && h("p", { class: "aviso", role: "status" }, `Se recuperó el borrador guardado en este equipo el ${formatDate(draft.savedAt).replace(/\.$/, "")}.`),
    [...owner.values()].map(({ element, askedBy }) =>
      field(
        `${element.dataElement.name}${element.dataElement.unit ? ` (${element.dataElement.unit})` : ""}`,
        h("input", { name: element.dataElement.code, value: draft?.values?.[element.dataElement.code] ?? "", inputmode: ["TEXT", "DATE", "BOOLEAN"].includes(element.dataElement.valueType) ? null : "decimal" }),
        `${element.dataElement.description} Lo piden: ${askedBy.join("; ")}.`,
      ),
    ),
  );
  const typed = () => Object.fromEntries([...owner.keys()].map((code) => [code, form.elements[code].value.trim()]).filter(([, value]) => value));
  const problem = h("div", { class: "mensajes" });
  const saved = h("p", { class: "ayuda", role: "status" });
  const saveDraft = () => {
    const values = typed();
    if (Object.keys(values).length) localStorage.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), values }));
    else localStorage.removeItem(key);
    return Object.keys(values).length;
  };
  // Typing keeps the draft: a dropped connection or a closed tab loses nothing.
  form.addEventListener("input", saveDraft);
  const keep = h("button", { type: "button", class: "secundario" }, "Guardar borrador");
  keep.addEventListener("click", () => {
    const count = saveDraft();
    saved.textContent = count ? `Borrador guardado en este equipo: ${count} datos. Puede volver después a terminarlo.` : "No hay datos escritos para guardar.";
  });
  const submit = h("button", { type: "submit" }, "Enviar reporte");
  add(form, h("div", { class: "acciones" }, submit, keep), saved, problem);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Enviando…", problem, async () => {
      const values = typed();
      if (!Object.keys(values).length) {
        problem.replaceChildren(errorMessage({ message: "Escriba al menos un dato antes de enviar." }));
        return;
      }
      const byRequirement = new Map();
      for (const [code, value] of Object.entries(values)) {
        const { requirement } = owner.get(code);
        const list = byRequirement.get(requirement.code) ?? { name: requirement.name, values: [] };
        list.values.push({ dataElementCode: code, value, subjectCode: subject.code === reporter.code ? null : subject.code });
        byRequirement.set(requirement.code, list);
      }
      const inputs = [...byRequirement].map(([requirementCode, { name, values: list }]) => ({
        name,
        input: { entityCode: reporter.code, period, requirementCode, idempotencyKey: `${formKey}-${requirementCode}`, values: list },
      }));
      // First every value is checked; if one is refused nothing is sent.
      const refused = [];
      for (const { input } of inputs) {
        const { checkReport } = await call("reporting", "CheckReport", { input });
        refused.push(...checkReport);
      }
      if (refused.length) {
        for (const found of refused) {
          const control = form.elements[found.dataElementCode];
          const name = owner.get(found.dataElementCode)?.element.dataElement.name ?? found.dataElementCode;
          if (control) markField(control, `${name}: ${found.message.replace(`${found.dataElementCode}: `, "")}`);
        }
        form.elements[refused[0].dataElementCode]?.focus();
        problem.replaceChildren(errorMessage({ message: `No se guardó nada: revise ${refused.length === 1 ? "el dato marcado" : `los ${refused.length} datos marcados`}. Lo escrito se conserva.` }));
        return;
      }
      const totals = { accepted: 0, newValues: 0, duplicates: 0, corrections: 0, conflicts: 0 };
      const sent = [];
      try {
        for (const { name, input } of inputs) {
          const { submitReport: result } = await call("reporting", "SubmitReport", { input });
          for (const total of Object.keys(totals)) totals[total] += result[total];
          sent.push(name);
        }
      } catch (error) {
        // Checked a moment ago, refused now (someone else changed something): say what was saved.
        const pending = inputs.slice(sent.length).map(({ name }) => name);
        const message = `${sent.length ? `Se guardó lo de ${sent.join("; ")}. ` : "No se guardó nada. "}No se guardó lo de ${pending.join("; ")}: ${error.message}`;
        problem.replaceChildren(errorMessage({ message }));
        return;
      }
      localStorage.removeItem(key);
      onSent(`Reporte recibido: ${totals.accepted} valores aceptados (${totals.newValues} nuevos, ${totals.duplicates} repetidos, ${totals.corrections} correcciones, ${totals.conflicts} en conflicto).`);
    });
  });
  return form;
}

/** « · Plazo: 14 de febrero de 2026 (vencido)» for a requirement and the period shown. */
function deadline(requirement) {
  if (!requirement.dueOn) return null;
  const late = requirement.dueOn < bogotaToday();
  return h(
    "span",
    { class: `plazo${late ? " vencido" : ""}`, title: `${label(PERIODICITY, requirement.periodicity)}: se reporta hasta ${requirement.dueDays} días después de terminar el periodo` },
    " · Plazo: ",
    h("strong", {}, formatDate(requirement.dueOn)),
    late ? " (vencido)" : "",
  );
}

function requirementSection(status) {
  return h(
    "details",
    { class: "requerimiento", open: status.conflictCount > 0 },
    h("summary", {}, h("strong", {}, status.requirement.name), ` — ${status.requirement.issuer?.name ?? ""}: `, `${status.missingCount} faltantes, ${status.reusedCount} reutilizados, ${status.conflictCount} en conflicto`, deadline(status.requirement)),
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
      burden.requirements.some((status) => status.reusedCount > 0) &&
        barChart({
          title: "Datos que no hubo que volver a reportar, por requerimiento (los que reutilizan alguno)",
          rows: burden.requirements
            .filter((status) => status.reusedCount > 0)
            .sort((a, b) => b.reusedCount - a.reusedCount)
            .map((status) => ({ label: status.requirement.name, value: status.reusedCount, total: status.elements.length, tone: "tono-reutilizado" })),
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
  // Chosen from the periods the requirements accept, never typed; last year's by default.
  const period = periodSelect(query.get("periodo") ?? String(Number(bogotaToday().slice(0, 4)) - 1));
  const subjects = h("select", { name: "subject" }, h("option", { value: reporter.code }, reporter.name));
  const content = h("div", {});
  const form = h(
    "form",
    { class: "fila en-linea" },
    reporter.kind === "DEPARTMENT" && field("Entidad", subjects, "El departamento reporta también por sus municipios."),
    field("Periodo", period, "La vigencia o el trimestre que va a reportar; cada requerimiento dice su plazo."),
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
  loadPeriods(period);
  if (reporter.kind === "DEPARTMENT") {
    loadMunicipalities(reporter, subjects);
    const municipalities = () => [...subjects.options].map((option) => option.value).filter((code) => code !== reporter.code);
    add(container, departmentPanel(municipalities, () => period.value.trim()));
  }
}

/** Today's date in Colombia (AAAA-MM-DD), whatever the browser's zone. */
function bogotaToday() {
  return new Date(Date.now() - 5 * 3600 * 1000).toISOString().slice(0, 10);
}

/** The period select, holding the chosen one until the list arrives. */
function periodSelect(chosen) {
  return h("select", { name: "period" }, h("option", { value: chosen, selected: true }, chosen));
}

const GROUPS = [["ANNUAL", "Vigencias (anual)"], ["SEMESTER", "Semestres"], ["QUARTERLY", "Trimestres"], ["MONTHLY", "Meses"]];

/** Fills the period select with what the requirements accept, grouped by periodicity, newest first. */
async function loadPeriods(select) {
  const byPeriodicity = new Map();
  let after = null;
  try {
    do {
      const { informationRequirements: page } = await call("reporting", "RequirementPeriods", { first: 100, after });
      for (const requirement of page.nodes) {
        const found = byPeriodicity.get(requirement.periodicity) ?? new Map();
        for (const option of requirement.periods) found.set(option.period, option.label);
        byPeriodicity.set(requirement.periodicity, found);
      }
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
  } catch (error) {
    select.after(errorMessage(error, "No se pudieron cargar los periodos"));
    return;
  }
  const chosen = select.value;
  const groups = GROUPS.filter(([periodicity]) => byPeriodicity.has(periodicity)).map(([periodicity, title]) =>
    h(
      "optgroup",
      { label: title },
      [...byPeriodicity.get(periodicity)].sort((a, b) => b[0].localeCompare(a[0])).map(([value, text]) => h("option", { value }, text)),
    ),
  );
  if (!groups.length) return;
  select.replaceChildren(...groups);
  // A period from a link that the list does not hold stays choosable.
  if (![...select.options].some((option) => option.value === chosen)) select.prepend(h("option", { value: chosen }, chosen));
  select.value = chosen;
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
