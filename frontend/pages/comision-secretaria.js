// The technical secretariat's forms: convoke a session, record attendance, put a decision
// to the vote, record votes, close a vote, add a commitment. Each shows the API's answer beside it.

import { call } from "../api.js";
import { busy, field, formatDate, h, select } from "../dom.js";
import { label, OUTCOME, SESSION_KIND, VOTE } from "../labels.js";

function form(title, fields, submitLabel, action, done) {
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, submitLabel);
  const element = h("form", { class: "formulario", "aria-label": title }, h("h3", {}, title), fields, submit, problem);
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Guardando…", problem, async () => {
      done(await action(element.elements));
    });
  });
  return element;
}

/** "Title — presenter" per line; a missing presenter is the secretariat. */
function agenda(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [title, presenter] = line.split(/\s+[—-]\s+/);
      return { title: title.trim(), presenter: (presenter ?? "Secretaría técnica").trim() };
    });
}

/** `refresh(message)` reloads the year and shows `message` here as `notice`. */
export function secretariatForms(sessions, participants, refresh, notice, extraForms = []) {
  const option = (s) => [s.id, `${formatDate(s.date)} (${label(SESSION_KIND, s.kind).toLowerCase()})`];
  const sessionOptions = sessions.map(option);
  // Attendance and decisions go to sessions under way: started (HELD) and without approved minutes.
  const openSessions = sessions.filter((s) => s.status === "HELD").map(option);
  const organisationOptions = participants.map((p) => [p.organisationCode, p.organisation?.name ?? p.organisationCode]);
  const members = participants.filter((p) => p.role === "MEMBER").map((p) => [p.organisationCode, p.organisation?.name ?? p.organisationCode]);
  // A vote stays open until the secretariat closes it; its outcome is provisional until then.
  const decisions = sessions
    .filter((s) => s.status === "HELD")
    .flatMap((s) => s.decisions.filter((d) => !d.closedAt).map((d) => [d.id, `${d.title} (${formatDate(s.date)})`]));

  return h(
    "section",
    { class: "panel", "aria-labelledby": "titulo-secretaria" },
    h("h2", { id: "titulo-secretaria" }, "Secretaría técnica"),
    notice && h("p", { class: "exito", role: "status" }, notice),
    h(
      "div",
      { class: "rejilla" },
      form(
        "Convocar una sesión",
        [
          field("Clase", select("kind", Object.entries(SESSION_KIND))),
          field("Fecha y hora (hora de Colombia)", h("input", { name: "date", type: "datetime-local", required: true }), "Se toma como hora de Colombia, sea cual sea la zona horaria de este equipo."),
          field("Lugar", h("input", { name: "place", required: true })),
          field("Orden del día", h("textarea", { name: "agenda", rows: 4, required: true }), "Un punto por línea: «Tema — quién lo presenta»."),
        ],
        "Convocar",
        async (values) => {
          const input = { kind: values.kind.value, date: bogotaInstant(values.date.value), place: values.place.value.trim(), agenda: agenda(values.agenda.value) };
          const { convokeSession } = await call("commission", "ConvokeSession", { input });
          return `Sesión convocada: ${formatDate(convokeSession.session.date)}`;
        },
        refresh,
      ),
      form(
        "Registrar asistencia",
        [field("Sesión", select("session", openSessions)), field("Entidad", select("organisation", organisationOptions))],
        "Registrar",
        async (values) => {
          const { recordAttendance } = await call("commission", "RecordAttendance", { sessionId: values.session.value, organisationCode: values.organisation.value });
          const q = recordAttendance.session.quorum;
          return `Asistencia registrada: ${q.present} de ${q.required} para el quórum${q.met ? " (verificado)" : ""}.`;
        },
        refresh,
      ),
      form(
        "Someter una decisión",
        [field("Sesión", select("session", openSessions)), field("Decisión", h("input", { name: "title", required: true })), field("Descripción", h("textarea", { name: "description", rows: 2 }))],
        "Someter",
        async (values) => {
          await call("commission", "RecordDecision", { sessionId: values.session.value, title: values.title.value.trim(), description: values.description.value.trim() });
          return "Decisión sometida a votación.";
        },
        refresh,
      ),
      decisions.length
        ? form(
            "Registrar un voto",
            [field("Decisión", select("decision", decisions)), field("Miembro", select("organisation", members)), field("Voto", select("vote", Object.entries(VOTE)))],
            "Registrar voto",
            async (values) => {
              const { recordVote } = await call("commission", "RecordVote", { decisionId: values.decision.value, organisationCode: values.organisation.value, vote: values.vote.value });
              const d = recordVote.decision;
              return `Voto registrado: ${d.votesFor} a favor, ${d.votesAgainst} en contra, ${d.abstentions} abstenciones.`;
            },
            refresh,
          )
        : null,
      decisions.length
        ? form(
            "Cerrar una votación",
            [field("Decisión", select("decision", decisions), "El resultado se fija con los miembros presentes al cerrar.")],
            "Cerrar la votación",
            async (values) => {
              const { closeVote } = await call("commission", "CloseVote", { decisionId: values.decision.value });
              const d = closeVote.decision;
              return `Votación cerrada: ${label(OUTCOME, d.outcome).toLowerCase()} con ${d.votesFor} de ${d.presentAtClose} miembros presentes.`;
            },
            refresh,
          )
        : null,
      sessions.some((s) => s.status === "HELD")
        ? form(
            "Aprobar el acta",
            [field("Sesión realizada", select("session", sessions.filter((s) => s.status === "HELD").map(option))), field("Acta", h("textarea", { name: "minutes", rows: 5, required: true }), "Una vez aprobada, el registro de la sesión no cambia.")],
            "Aprobar el acta",
            async (values) => {
              await call("commission", "ApproveMinutes", { sessionId: values.session.value, minutes: values.minutes.value.trim() });
              return "Acta aprobada: la sesión queda cerrada.";
            },
            refresh,
          )
        : null,
      form(
        "Agregar un compromiso",
        [field("Sesión", select("session", sessionOptions)), field("Compromiso", h("textarea", { name: "description", rows: 2, required: true })), field("Responsable", select("responsible", organisationOptions)), field("Vence", h("input", { name: "dueDate", type: "date", required: true }))],
        "Agregar",
        async (values) => {
          const input = { sessionId: values.session.value, description: values.description.value.trim(), responsibleCode: values.responsible.value, dueDate: values.dueDate.value };
          await call("commission", "AddCommitment", { input });
          return "Compromiso agregado.";
        },
        refresh,
      ),
      extraForms,
    ),
  );
}

/** «2026-03-10T09:00» typed in the form, as 09:00 in Colombia (UTC−5 all year, no daylight saving). */
function bogotaInstant(local) {
  return new Date(`${local}:00-05:00`).toISOString();
}
