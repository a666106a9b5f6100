// Commitments of the commission's sessions: filters, overdue ones first, a chart by status.

import { call } from "../api.js";
import { barChart } from "../chart.js";
import { busy, errorMessage, field, formatDate, h, loading, select } from "../dom.js";
import { COMMITMENT_STATUS, label } from "../labels.js";
import { subscribe } from "../live.js";
import * as session from "../session.js";

const TONE = { PENDING: "tono-reutilizado", IN_PROGRESS: "tono-reportado", DONE: "tono-cumplido", OVERDUE: "tono-faltante" };

/** Overdue first, then by due date: what needs attention comes on top. */
function byUrgency(a, b) {
  return Number(b.overdue) - Number(a.overdue) || a.dueDate.localeCompare(b.dueDate);
}

function shownStatus(commitment) {
  return commitment.overdue ? "OVERDUE" : commitment.status;
}

function summary(total, overdue) {
  const count = total === 1 ? "1 compromiso" : `${total} compromisos`;
  if (!overdue) return `${count}.`;
  return `${count}; ${overdue === 1 ? "1 vencido" : `${overdue} vencidos`}, primero en la lista.`;
}

/** The secretariat follows every commitment; a national entity reports on its own. */
function mayReport(user, commitment) {
  return ["SECRETARIAT", "ADMIN"].includes(user?.role) || (user?.role === "NATIONAL" && user.organisation?.code === commitment.responsibleCode);
}

function progressForm(commitment, onSaved) {
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, "Guardar avance");
  const form = h(
    "form",
    { class: "formulario" },
    field("Estado", select("status", Object.entries(COMMITMENT_STATUS).filter(([key]) => key !== "OVERDUE"), commitment.status)),
    field("Nota de avance", h("textarea", { name: "note", rows: 2 })),
    field("Enlace a la evidencia", h("input", { name: "evidenceUrl", type: "url" })),
    submit,
    problem,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Guardando…", problem, async () => {
      const values = form.elements;
      const input = { status: values.status.value, note: values.note.value.trim() || null, evidenceUrl: values.evidenceUrl.value.trim() || null };
      await call("commission", "UpdateCommitment", { id: commitment.id, input });
      onSaved();
    });
  });
  return h("details", { class: "avance" }, h("summary", {}, "Informar avance"), form);
}

function row(c, user, onSaved) {
  const status = shownStatus(c);
  return h(
    "tr",
    { class: c.overdue ? "vencido" : null },
    h("th", { scope: "row" }, c.description, mayReport(user, c) && progressForm(c, onSaved)),
    h("td", {}, c.responsible?.name ?? c.responsibleCode),
    h("td", {}, formatDate(c.dueDate)),
    h("td", {}, h("span", { class: `estado ${TONE[status]}` }, label(COMMITMENT_STATUS, status))),
  );
}

export function commitmentsPanel(participants) {
  const status = select("status", [["", "Todos"], ...Object.entries(COMMITMENT_STATUS)]);
  const responsible = select("responsible", [["", "Todas"], ...participants.map((p) => [p.organisationCode, p.organisation?.name ?? p.organisationCode])]);
  const overdue = h("input", { type: "checkbox", name: "overdue" });
  const chart = h("div", {});
  const table = h("div", { class: "tabla-desplazable" });
  const form = h(
    "form",
    { class: "fila filtros", "aria-label": "Filtrar compromisos" },
    field("Estado", status),
    field("Entidad responsable", responsible),
    h("label", { class: "opcion" }, overdue, " Solo vencidos"),
  );

  async function refresh() {
    loading(table, "Cargando compromisos…");
    const filter = { status: status.value || null, responsibleCode: responsible.value || null, overdue: overdue.checked ? true : null };
    try {
      const [filtered, all] = await Promise.all([call("commission", "Commitments", { filter, first: 100 }), chart.childElementCount ? null : call("commission", "Commitments", { first: 100 })]);
      if (all) {
        const counts = {};
        for (const c of all.commitments.nodes) counts[shownStatus(c)] = (counts[shownStatus(c)] ?? 0) + 1;
        chart.replaceChildren(barChart({ title: "Compromisos por estado", rows: Object.keys(COMMITMENT_STATUS).map((key) => ({ label: COMMITMENT_STATUS[key], value: counts[key] ?? 0, tone: TONE[key] })) }));
      }
      const nodes = [...filtered.commitments.nodes].sort(byUrgency);
      table.replaceChildren(
        h("p", { role: "status" }, summary(filtered.commitments.totalCount, nodes.filter((c) => c.overdue).length)),
        nodes.length
          ? h("table", { id: "tabla-compromisos" }, h("thead", {}, h("tr", {}, ["Compromiso", "Responsable", "Vence", "Estado"].map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, nodes.map((c) => row(c, session.user(), refreshAll))))
          : h("p", {}, "Ningún compromiso con esos filtros."),
      );
    } catch (error) {
      table.replaceChildren(errorMessage(error, "No se pudieron cargar los compromisos"));
    }
  }

  // After a report of progress the counts by status change too.
  function refreshAll() {
    chart.replaceChildren();
    refresh();
  }

  form.addEventListener("change", refresh);
  // Progress reported by anyone, anywhere, shows here without reloading the page.
  const live = h("p", { class: "ayuda", "aria-live": "polite" });
  const stop = subscribe("commission", "CommitmentUpdated", {}, ({ commitmentUpdated: c }) => {
    live.textContent = `Actualizado: «${c.description}» (${label(COMMITMENT_STATUS, c.overdue ? "OVERDUE" : c.status).toLowerCase()}).`;
    refreshAll();
  });
  // The socket closes once the section has left the page.
  const watch = new MutationObserver(() => {
    if (!section.isConnected) {
      stop();
      watch.disconnect();
    }
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  refresh();
  const section = h("section", { "aria-labelledby": "titulo-compromisos" }, h("h2", { id: "titulo-compromisos" }, "Compromisos"), chart, form, live, table);
  watch.observe(document.body, { childList: true, subtree: true });
  return section;
}
