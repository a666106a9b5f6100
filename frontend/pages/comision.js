// Comisión: the commission's public record — sessions with agenda, attendance, quorum,
// decisions and minutes; commitments (overdue first); the work plan; quarter compliance; who
// sits in it and under which internal rules (comision-reglamento.js); a member's own vote
// (comision-voto.js).

import { call } from "../api.js";
import { barChart } from "../chart.js";
import { add, errorMessage, fill, formatDate, formatNumber, h, loading, pageTitle, percent, select } from "../dom.js";
import { label, OUTCOME, PARTICIPANT_ROLE, ROUTE_STATUS, SESSION_KIND, SESSION_STATUS } from "../labels.js";
import { departmentNames } from "../facets.js";
import * as session from "../session.js";
import { commitmentsPanel } from "./comision-compromisos.js";
import { participantsPanel, rulesForms } from "./comision-reglamento.js";
import { secretariatForms } from "./comision-secretaria.js";
import { sessionManagement } from "./comision-sesion.js";
import { memberVotePanel } from "./comision-voto.js";

/** The session the secretariat works on: kept open (and in the address) across each save. */
let openSession = null;

/** `manage(s)` adds what acts on the session (the secretariat's forms), when given. */
function sessionItem(s, names, manage = null, notice = null) {
  const quorum = s.quorum.met ? `Quórum verificado: ${s.quorum.present} de ${s.quorum.required} requeridos` : `Sin quórum: ${s.quorum.present} presentes de ${s.quorum.required} requeridos`;
  const item = h(
    "details",
    { class: "sesion-comision", id: `sesion-${s.id}`, open: s.id === openSession },
    h(
      "summary",
      {},
      h("strong", {}, `${formatDate(s.date)} (hora de Colombia) — sesión ${label(SESSION_KIND, s.kind).toLowerCase()}`),
      ` · ${label(SESSION_STATUS, s.status)}`,
      // Quorum is verified when the session meets; a convened one has none to show yet.
      s.status !== "CONVOKED" && [" · ", h("span", { class: s.quorum.met ? "estado tono-reportado" : "estado tono-conflicto" }, s.quorum.met ? "Con quórum" : "Sin quórum")],
    ),
    h("p", { class: "meta" }, `Lugar: ${s.place}. `, h("a", { href: `/comision/sesiones/${encodeURIComponent(s.id)}/convocatoria` }, "Convocatoria para imprimir")),
    h("h3", {}, "Orden del día"),
    h("ol", {}, s.agenda.map((item) => h("li", {}, `${item.title} — ${item.presenter}`))),
    h("h3", {}, "Asistencia"),
    h("p", { class: "quorum" }, quorum),
    s.attendance.length
      ? h("ul", { class: "asistentes" }, s.attendance.map((a) => h("li", {}, a.organisation?.name ?? a.organisationCode, ` (${label(PARTICIPANT_ROLE, a.role).toLowerCase()})`, a.delegate ? `, por delegación en ${a.delegate.name}, ${a.delegate.position}` : "")))
      : h("p", {}, "Sin asistencia registrada."),
    s.guestRequests.length ? [h("h3", {}, "Invitados solicitados"), h("ul", {}, s.guestRequests.map((g) => h("li", {}, `${g.name}${g.organisation ? ` (${g.organisation})` : ""}: ${g.reason}`)))] : null,
    h("h3", {}, "Decisiones"),
    s.decisions.length
      ? h(
          "div",
          { class: "tabla-desplazable" },
          h(
            "table",
            {},
            h("thead", {}, h("tr", {}, ["Decisión", "Resultado", "A favor", "En contra", "Abstenciones"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, s.decisions.map((d) => h("tr", {}, h("th", { scope: "row" }, d.title), h("td", {}, label(OUTCOME, d.outcome)), h("td", {}, d.votesFor), h("td", {}, d.votesAgainst), h("td", {}, d.abstentions)))),
          ),
        )
      : h("p", {}, "Sin decisiones."),
    s.commitments.length ? [h("h3", {}, "Compromisos de la sesión"), h("ul", {}, s.commitments.map((c) => h("li", {}, `${c.description} — ${names.get(c.responsibleCode) ?? c.responsibleCode}, vence el ${formatDate(c.dueDate)}${c.overdue ? " (vencido)" : ""}`)))] : null,
    h("h3", {}, "Acta"),
    s.minutes ? [h("p", { class: "meta" }, s.minutesApprovedAt ? `Aprobada: ${formatDate(s.minutesApprovedAt)}` : "Sin aprobar"), h("div", { class: "texto" }, s.minutes.split(/\n{2,}/).map((p) => h("p", {}, p)))] : h("p", {}, "El acta aún no está aprobada."),
    s.id === openSession && notice && h("p", { class: "exito", role: "status" }, notice),
    manage?.(s),
  );
  item.addEventListener("toggle", () => {
    if (item.open) openSession = s.id;
    else if (openSession === s.id) openSession = null;
    const params = new URLSearchParams(location.hash.split("?")[1] ?? "");
    if (openSession) params.set("sesion", openSession);
    else params.delete("sesion");
    history.replaceState(history.state, "", `#/comision?${params}`);
  });
  return item;
}

function compliancePanel(compliance) {
  const quarters = compliance.quarters;
  return h(
    "section",
    { "aria-labelledby": "titulo-cumplimiento" },
    h("h2", { id: "titulo-cumplimiento" }, "Cumplimiento del decreto: una sesión ordinaria por trimestre"),
    h("p", { class: compliance.minimumMet ? "exito" : "aviso" }, compliance.minimumMet ? `Se cumple el mínimo: ${compliance.ordinarySessions} sesiones ordinarias en el año.` : `Van ${compliance.ordinarySessions} sesiones ordinarias de las cuatro que pide el decreto.`),
    barChart({
      title: "Sesiones por trimestre",
      rows: quarters.flatMap((q) => [
        { label: `T${q.quarter} ordinarias`, value: q.ordinarySessions, tone: q.withoutOrdinarySession ? "tono-faltante" : "tono-reportado" },
        { label: `T${q.quarter} extraordinarias`, value: q.extraordinarySessions, tone: "tono-reutilizado" },
      ]),
      max: 2,
    }),
    h("ul", { class: "lista-simple" }, quarters.filter((q) => q.withoutOrdinarySession).map((q) => h("li", { class: "aviso" }, `Trimestre ${q.quarter}: sin sesión ordinaria.`))),
  );
}

/** Amounts come as decimal strings (exact pesos); shown with thousands separators. */
function money(amount) {
  const value = Number(amount);
  return Number.isFinite(value) ? `$ ${formatNumber(value)}` : `$ ${amount}`;
}

function workPlanPanel(plan, names) {
  return h(
    "section",
    { "aria-labelledby": "titulo-plan" },
    h("h2", { id: "titulo-plan" }, "Plan de trabajo"),
    plan.items.length
      ? [
          h("p", {}, `Inversión total: ${money(plan.totalInvestment)}`),
          h(
            "div",
            { class: "tabla-desplazable" },
            h(
              "table",
              {},
              h("thead", {}, h("tr", {}, ["Objetivo", "Tema", "Responsable", "Inversión", "Ejecución"].map((t) => h("th", { scope: "col" }, t)))),
              h("tbody", {}, plan.items.map((item) => h("tr", {}, h("th", { scope: "row" }, item.objective), h("td", {}, item.topic), h("td", {}, names.get(item.responsibleCode) ?? item.responsibleCode), h("td", { class: "cifra-tabla" }, money(item.investment)), h("td", {}, item.execution === null ? "Sin compromisos" : percent(item.execution))))),
            ),
          ),
        ]
      : h("p", {}, "No hay plan de trabajo adoptado para esta vigencia."),
  );
}

function groupsAndAgenda(groups, routes, names, places) {
  const who = (codes) => codes.map((code) => names.get(code) ?? code).join(", ");
  return h(
    "section",
    { "aria-labelledby": "titulo-mesas" },
    h("h2", { id: "titulo-mesas" }, "Mesas técnicas y Agenda Nacional de ATT"),
    groups.length ? h("ul", { class: "lista-simple" }, groups.map((g) => h("li", { class: "resultado" }, h("h3", {}, g.name), h("p", {}, g.purpose), h("p", { class: "meta" }, `Integrantes: ${who(g.memberCodes)}`)))) : h("p", {}, "No hay mesas técnicas."),
    routes.length
      ? h(
          "div",
          { class: "tabla-desplazable" },
          h(
            "table",
            {},
            h("caption", {}, "Rutas de la Agenda Nacional"),
            h("thead", {}, h("tr", {}, ["Ruta", "Objetivo", "Participantes", "Territorios", "Estado"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, routes.map((r) => h("tr", {}, h("th", { scope: "row" }, r.name), h("td", {}, r.objective), h("td", {}, r.participants), h("td", {}, r.territoryCodes.map((code) => places.get(code) ?? code).join(", ") || "—"), h("td", {}, label(ROUTE_STATUS, r.status))))),
          ),
        )
      : h("p", {}, "No hay rutas de la Agenda Nacional en esta vigencia."),
  );
}

/** `notice` is shown inside the open session, or in the secretariat's panel when `inPanel`. */
async function renderYear(box, year, isCurrent, notice, inPanel = false) {
  loading(box, "Cargando el registro de la Comisión…");
  try {
    const user = session.user();
    const secretariat = user?.role === "SECRETARIAT" || user?.role === "ADMIN";
    const [overview, sessions, places, delegates] = await Promise.all([
      call("commission", "CommissionOverview", { year }),
      call("commission", "CommissionSessions", { year, first: 50 }),
      departmentNames(call),
      secretariat ? call("commission", "CommissionDelegates").then((data) => data.commissionDelegates) : [],
    ]);
    if (!isCurrent()) return;
    const names = new Map(overview.commissionParticipants.map((p) => [p.organisationCode, p.organisation?.name ?? p.organisationCode]));
    const list = sessions.commissionSessions.nodes;
    const again = (message) => renderYear(box, year, isCurrent, message);
    const inThePanel = (message) => renderYear(box, year, isCurrent, message, true);
    // The secretariat's forms sit inside the session they act on.
    const manage = secretariat ? (s) => (s.workingGroupId ? null : sessionManagement(s, overview.commissionParticipants, delegates, again)) : null;
    fill(
      box,
      compliancePanel(overview.commissionCompliance),
      h("section", { "aria-labelledby": "titulo-sesiones" }, h("h2", { id: "titulo-sesiones" }, `Sesiones de ${year} (${list.length})`), list.length ? list.map((s) => sessionItem(s, names, manage, inPanel ? null : notice)) : h("p", {}, "No hay sesiones en este año.")),
      participantsPanel(overview.commissionParticipants, overview.internalRules, overview.rapRegions),
      commitmentsPanel(overview.commissionParticipants),
      workPlanPanel(overview.workPlan, names),
      groupsAndAgenda(overview.workingGroups, overview.nationalAgenda, names, places),
      user?.role === "NATIONAL" ? memberVotePanel(user, overview.commissionParticipants, list, again, notice) : null,
      secretariat ? secretariatForms(inThePanel, inPanel || !openSession ? notice : null, rulesForms(list, overview.rapRegions, inThePanel)) : null,
    );
    // After a save the session worked on is still open, with its message: bring it into view.
    if (openSession && notice && !inPanel) box.querySelector(`#sesion-${CSS.escape(openSession)}`)?.scrollIntoView({ block: "start" });
  } catch (error) {
    if (isCurrent()) box.replaceChildren(errorMessage(error, "No se pudo cargar el registro de la Comisión"));
  }
}

export function render(container, { query, isCurrent }) {
  openSession = query.get("sesion");
  const thisYear = new Date().getFullYear();
  const year = Number(query.get("anio")) || thisYear;
  const years = select("anio", Array.from({ length: 5 }, (_, i) => thisYear + 1 - i).map((y) => [y, String(y)]), year);
  years.id = "anio-comision";
  const box = h("div", {});
  years.addEventListener("change", () => {
    history.replaceState(null, "", `#/comision?anio=${years.value}`);
    renderYear(box, Number(years.value), isCurrent);
  });
  add(container, 
    pageTitle("Comisión Intersectorial de Asistencia Técnica Territorial"),
    h("p", {}, "Sesiones, decisiones, actas y compromisos de la Comisión (decreto de creación, artículos 2.2.11.4.3 a 2.2.11.4.8). Preside el DNP; la secretaría técnica es de Función Pública."),
    h("div", { class: "fila en-linea" }, h("label", { for: "anio-comision" }, "Año"), years),
    box,
  );
  renderYear(box, year, isCurrent);
}

