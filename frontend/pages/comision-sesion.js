// The technical secretariat's work on one session, beside the session it acts on: attendance
// as a checklist of the seven members and the invitees (with the delegate who came), the
// decisions put to the vote, votes offered only to the members present, closing a vote, a
// commitment, and the minutes.

import { call } from "../api.js";
import { busy, field, h, select } from "../dom.js";
import { label, OUTCOME, VOTE } from "../labels.js";
import { form } from "./comision-secretaria.js";

/** The delegates of `code` whose designation covers the session's day. */
function delegatesOn(delegates, code, day) {
  return delegates.filter((d) => d.organisationCode === code && d.validFrom <= day && (!d.validTo || d.validTo >= day));
}

/** One row of the checklist: present already (with who came), or a box and who comes. */
function attendeeRow(participant, present, delegates, day) {
  const name = participant.organisation?.name ?? participant.organisationCode;
  const role = participant.role === "MEMBER" ? "miembro con voto" : "invitado, con voz y sin voto";
  if (present) {
    const who = present.delegate ? `por delegación en ${present.delegate.name}, ${present.delegate.position}` : "asistió";
    return h("li", { class: "asistencia-registrada" }, h("label", { class: "opcion" }, h("input", { type: "checkbox", checked: true, disabled: true }), ` ${name} (${role}) — ${who}`));
  }
  const own = delegatesOn(delegates, participant.organisationCode, day);
  const box = h("input", { type: "checkbox", name: "asiste", value: participant.organisationCode });
  const who = own.length
    ? select(`delegado-${participant.organisationCode}`, [["", "El titular"], ...own.map((d) => [d.id, `${d.name}, ${d.position}`])])
    : null;
  who?.setAttribute("aria-label", `Quién asistió por ${name}`);
  return h("li", {}, h("label", { class: "opcion" }, box, ` ${name} (${role})`), who && [" ", who]);
}

function attendanceForm(session, participants, delegates, refresh) {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Bogota" }).format(new Date(session.date));
  const present = new Map(session.attendance.map((a) => [a.organisationCode, a]));
  const group = (role, legend) =>
    h("fieldset", { class: "casillas" }, h("legend", {}, legend), h("ul", { class: "lista-asistencia" }, participants.filter((p) => p.role === role).map((p) => attendeeRow(p, present.get(p.organisationCode), delegates, day))));
  return form(
    "Asistencia",
    [
      h("p", { class: "quorum" }, `${session.quorum.present} miembros con voto presentes; el quórum pide ${session.quorum.required}${session.quorum.met ? ": verificado" : ""}.`),
      group("MEMBER", "Miembros con voto"),
      group("INVITEE", "Invitados especiales"),
    ],
    "Registrar la asistencia marcada",
    async (values, element) => {
      const chosen = [...element.querySelectorAll('input[name="asiste"]:checked')].map((box) => box.value);
      if (!chosen.length) throw new Error("Marque quién asistió.");
      let quorum = session.quorum;
      for (const code of chosen) {
        const delegateId = element.querySelector(`select[name="delegado-${code}"]`)?.value || null;
        const { recordAttendance } = await call("commission", "RecordAttendance", { sessionId: session.id, organisationCode: code, delegateId });
        quorum = recordAttendance.session.quorum;
      }
      return `Asistencia registrada (${chosen.length}): ${quorum.present} de ${quorum.required} para el quórum${quorum.met ? ", verificado" : ""}.`;
    },
    refresh,
  );
}

/** An open decision: a vote by a member present, and closing the vote. */
function decisionForms(decision, session, participants, refresh) {
  const members = participants.filter((p) => p.role === "MEMBER");
  const present = members.filter((m) => session.attendance.some((a) => a.organisationCode === m.organisationCode));
  const tally = `Provisional: ${label(OUTCOME, decision.outcome).toLowerCase()} (${decision.votesFor} a favor, ${decision.votesAgainst} en contra, ${decision.abstentions} abstenciones).`;
  const close = h("button", { type: "button", class: "secundario" }, "Cerrar la votación");
  const problem = h("div", { class: "mensajes" });
  close.addEventListener("click", () =>
    busy(close, "Cerrando…", problem, async () => {
      const { closeVote } = await call("commission", "CloseVote", { decisionId: decision.id });
      const d = closeVote.decision;
      refresh(`Votación cerrada: «${decision.title}» ${label(OUTCOME, d.outcome).toLowerCase()} con ${d.votesFor} de ${d.presentAtClose} miembros presentes.`);
    }),
  );
  return h(
    "div",
    { class: "decision-abierta" },
    form(
      `Votar: ${decision.title}`,
      [
        h("p", { class: "meta" }, tally),
        present.length
          ? field("Miembro presente", select("organisation", present.map((m) => [m.organisationCode, m.organisation?.name ?? m.organisationCode])), "Solo votan los miembros que asistieron.")
          : h("p", { class: "aviso" }, "Ningún miembro con voto ha registrado asistencia."),
        field("Voto", select("vote", Object.entries(VOTE))),
      ],
      "Registrar el voto",
      async (values) => {
        const { recordVote } = await call("commission", "RecordVote", { decisionId: decision.id, organisationCode: values.organisation.value, vote: values.vote.value });
        const d = recordVote.decision;
        return `Voto de ${values.organisation.selectedOptions[0].textContent} registrado en «${decision.title}»: ${d.votesFor} a favor, ${d.votesAgainst} en contra, ${d.abstentions} abstenciones.`;
      },
      refresh,
    ),
    h("p", {}, close),
    problem,
  );
}

/** The secretariat's section inside one session. */
export function sessionManagement(session, participants, delegates, refresh) {
  const underWay = session.status === "HELD";
  const organisations = participants.map((p) => [p.organisationCode, p.organisation?.name ?? p.organisationCode]);
  return h(
    "section",
    { class: "gestion-sesion", "aria-label": "Gestión de la secretaría técnica" },
    h("h3", {}, "Gestión de la secretaría técnica"),
    underWay
      ? [
          attendanceForm(session, participants, delegates, refresh),
          form(
            "Someter una decisión",
            [field("Decisión", h("input", { name: "title", required: true, maxlength: 300 })), field("Descripción", h("textarea", { name: "description", rows: 2 }))],
            "Someter a votación",
            async (values) => {
              await call("commission", "RecordDecision", { sessionId: session.id, title: values.title.value.trim(), description: values.description.value.trim() });
              return `Decisión «${values.title.value.trim()}» sometida a votación.`;
            },
            refresh,
          ),
          session.decisions.filter((d) => !d.closedAt).map((d) => decisionForms(d, session, participants, refresh)),
        ]
      : session.status === "CONVOKED" && h("p", { class: "ayuda" }, "La asistencia, las decisiones y los votos se registran cuando la sesión comienza."),
    form(
      "Agregar un compromiso",
      [field("Compromiso", h("textarea", { name: "description", rows: 2, required: true })), field("Responsable", select("responsible", organisations)), field("Vence", h("input", { name: "dueDate", type: "date", required: true }))],
      "Agregar el compromiso",
      async (values) => {
        const input = { sessionId: session.id, description: values.description.value.trim(), responsibleCode: values.responsible.value, dueDate: values.dueDate.value };
        await call("commission", "AddCommitment", { input });
        return "Compromiso agregado.";
      },
      refresh,
    ),
    underWay &&
      form(
        "Aprobar el acta",
        [field("Acta", h("textarea", { name: "minutes", rows: 5, required: true }), "Una vez aprobada, el registro de la sesión no cambia.")],
        "Aprobar el acta",
        async (values) => {
          await call("commission", "ApproveMinutes", { sessionId: session.id, minutes: values.minutes.value.trim() });
          return "Acta aprobada: la sesión queda cerrada.";
        },
        refresh,
      ),
  );
}
