// The technical secretariat's general forms: convoke a session (and the internal rules'
// forms, passed in). What acts on one session sits inside it (comision-sesion.js). Each form
// shows the API's answer beside it.

import { call } from "../api.js";
import { busy, field, formatDate, h, select } from "../dom.js";
import { SESSION_KIND } from "../labels.js";

/** A titled form whose `action(values, element)` resolves to the message `done` shows. */
export function form(title, fields, submitLabel, action, done) {
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, submitLabel);
  const element = h("form", { class: "formulario", "aria-label": title }, h("h3", {}, title), fields, submit, problem);
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Guardando…", problem, async () => {
      done(await action(element.elements, element));
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
export function secretariatForms(refresh, notice, extraForms = []) {
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
      extraForms,
    ),
  );
}

/** «2026-03-10T09:00» typed in the form, as 09:00 in Colombia (UTC−5 all year, no daylight saving). */
function bogotaInstant(local) {
  return new Date(`${local}:00-05:00`).toISOString();
}
