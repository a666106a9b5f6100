// La red de mentores: who accompanies territorial teams (public, without contacts); a
// territorial team asks for mentoring, sees the recommended mentors with the reasons of their
// score, takes one and rates each session; the mentor's organisation logs the sessions held.
// The contact of a mentor reaches only the matched entity (the API decides).

import { call } from "../api.js";
import { add, busy, errorMessage, field, fill, formatDate, h, loading } from "../dom.js";
import { FACTOR, label } from "../labels.js";
import * as session from "../session.js";

export const MENTOR_KIND = {
  NATIONAL_EXPERT: "Experto nacional",
  POSTGRADUATE_VOLUNTEER: "Voluntario de posgrado",
  ACADEMIA: "Academia",
  PRIVATE_SECTOR: "Sector privado",
};
const hours = new Intl.NumberFormat("es-CO", { maximumFractionDigits: 1 });
// Today in Colombia (the server refuses a session dated in its future), as AAAA-MM-DD.
const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "America/Bogota" }).format(new Date());

function mentorCard(mentor) {
  const where = mentor.departmentCodes.length ? `departamentos ${mentor.departmentCodes.join(", ")}` : "todo el país";
  return h(
    "article",
    { class: "tarjeta mentor" },
    h("h3", {}, mentor.name),
    h("p", { class: "ayuda" }, `${label(MENTOR_KIND, mentor.kind)} · ${mentor.organisation?.name ?? mentor.organisation?.code ?? ""} · ${mentor.hoursPerMonth} horas al mes · ${where}`),
    h("p", {}, `Competencias: ${mentor.competencies.join(", ")}`),
    h("p", {}, mentor.profile),
  );
}

/** The form a territorial team uses to ask for mentoring on a topic. */
function requestForm(entity, reload) {
  const problem = h("div", { class: "mensajes", role: "status" });
  const topic = h("input", { name: "topic", required: true, maxlength: 200 });
  const need = h("textarea", { name: "need", required: true, maxlength: 4000, rows: 3 });
  const submit = h("button", { type: "submit" }, "Pedir mentoría");
  const form = h(
    "form",
    { class: "formulario" },
    field("Tema", topic, "Por ejemplo: regalías, MIPG, gestión del riesgo."),
    field("Qué necesita", need),
    submit,
    problem,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Enviando…", problem, async () => {
      await call("formation", "RequestMentoring", { entityCode: entity.code, topic: topic.value, need: need.value });
      await reload(h("p", { class: "exito", role: "status" }, "Solicitud registrada: elija un mentor entre los recomendados."));
    });
  });
  return h("section", { "aria-labelledby": "titulo-pedir" }, h("h2", { id: "titulo-pedir" }, `Pedir mentoría para ${entity.name ?? entity.code}`), form);
}

/** The recommended mentors of a request, each with its reasons and a button to take it. */
async function recommendations(request, reload) {
  const box = h("div", { class: "recomendados" });
  loading(box, "Buscando mentores…");
  const data = await call("formation", "RecommendedMentors", { requestId: request.id });
  const matches = data.recommendedMentors;
  if (matches.length === 0) return fill(box, h("p", {}, "Ningún mentor de la red cubre este tema o departamento por ahora."));
  const problem = h("div", { class: "mensajes", role: "status" });
  fill(
    box,
    h(
      "ol",
      { class: "coincidencias" },
      matches.map((match) => {
        const take = h("button", { type: "button" }, `Elegir a ${match.mentor.name}`);
        take.addEventListener("click", () =>
          busy(take, "Asignando…", problem, async () => {
            await call("formation", "AssignMentor", { requestId: request.id, mentorId: match.mentor.id });
            await reload(h("p", { class: "exito", role: "status" }, `Mentor asignado: ${match.mentor.name}.`));
          }),
        );
        return h(
          "li",
          {},
          h("strong", {}, match.mentor.name),
          ` — ${match.mentor.organisation?.name ?? ""} · puntaje ${hours.format(match.score * 100)} de 100`,
          h("ul", { class: "razones" }, match.reasons.map((reason) => h("li", {}, `${label(FACTOR, reason.factor)}: ${reason.explanation}`))),
          take,
        );
      }),
    ),
    problem,
  );
  return box;
}

function sessionRow(request, item, mayRate, reload) {
  const text = `${formatDate(item.heldOn)} · ${hours.format(item.hours)} horas · ${item.notes}`;
  if (item.rating !== null) return h("li", {}, text, h("span", { class: "calificacion" }, ` — calificada ${item.rating} de 5`));
  if (!mayRate) return h("li", {}, text, " — sin calificar");
  const problem = h("span", { class: "mensajes", role: "status" });
  const rating = h("select", { name: "rating", "aria-label": `Calificación de la sesión del ${formatDate(item.heldOn)}` }, [5, 4, 3, 2, 1].map((n) => h("option", { value: n }, `${n} de 5`)));
  const rate = h("button", { type: "button" }, "Calificar");
  rate.addEventListener("click", () =>
    busy(rate, "Guardando…", problem, async () => {
      await call("formation", "RateMentoringSession", { sessionId: item.id, rating: Number(rating.value) });
      await reload(h("p", { class: "exito", role: "status" }, "Sesión calificada."));
    }),
  );
  return h("li", {}, text, " ", rating, " ", rate, problem);
}

/** The form the mentor's organisation uses to log a session held. */
function logForm(request, reload) {
  const problem = h("div", { class: "mensajes", role: "status" });
  const heldOn = h("input", { name: "heldOn", type: "date", required: true, value: today() });
  const spent = h("input", { name: "hours", type: "number", min: 0.5, max: 40, step: 0.5, required: true, value: 2 });
  const notes = h("textarea", { name: "notes", required: true, maxlength: 4000, rows: 2 });
  const submit = h("button", { type: "submit" }, "Registrar la sesión");
  const form = h("form", { class: "formulario" }, field("Fecha", heldOn), field("Horas", spent), field("Qué se hizo", notes), submit, problem);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Registrando…", problem, async () => {
      await call("formation", "LogMentoringSession", { requestId: request.id, heldOn: heldOn.value, hours: Number(spent.value), notes: notes.value });
      await reload(h("p", { class: "exito", role: "status" }, "Sesión registrada: la entidad ya puede calificarla."));
    });
  });
  return h("details", { class: "registrar-sesion" }, h("summary", {}, "Registrar una sesión realizada"), form);
}

function requestCard(request, user, reload) {
  const own = user.role === "TERRITORIAL";
  const ofMentor = request.mentor && user.organisation?.code === request.mentor.organisation?.code;
  const card = h(
    "article",
    { class: "tarjeta solicitud-mentoria" },
    h("h3", {}, `${request.topic} — ${request.entity?.name ?? request.entity?.code ?? ""}`),
    h("p", {}, request.need),
  );
  if (request.mentor) {
    add(card, h("p", {}, h("strong", {}, "Mentor: "), `${request.mentor.name} (${request.mentor.organisation?.name ?? ""})`, request.mentorContact ? ` · contacto: ${request.mentorContact}` : ""));
    add(card, request.sessions.length ? h("ul", { class: "sesiones" }, request.sessions.map((item) => sessionRow(request, item, own, reload))) : h("p", {}, "Aún no hay sesiones registradas."));
    if (ofMentor || user.role === "ADMIN") add(card, logForm(request, reload));
  } else if (own) {
    const show = h("button", { type: "button" }, "Ver mentores recomendados");
    show.addEventListener("click", async () => {
      show.disabled = true;
      try {
        show.replaceWith(await recommendations(request, reload));
      } catch (error) {
        show.replaceWith(errorMessage(error));
      }
    });
    add(card, show);
  } else {
    add(card, h("p", {}, "Sin mentor asignado todavía."));
  }
  return card;
}

/** The page: the network, then (signed in) the requests the user may see. */
export async function mentorsPage(container, tabs) {
  const user = session.user();
  const notice = h("div", { role: "status" });
  const requests = h("section", { "aria-labelledby": "titulo-solicitudes" });
  const network = h("section", { "aria-labelledby": "titulo-red" }, h("h2", { id: "titulo-red" }, "Mentores de la red"));
  add(
    container,
    h("h1", { tabindex: "-1", class: "titulo-pagina" }, "Red de mentores"),
    tabs,
    h("p", {}, "Expertos nacionales, academia, voluntarios de posgrado y sector privado que acompañan a los equipos territoriales. El contacto de un mentor lo ve solo la entidad que lo eligió."),
    notice,
  );
  const reload = async (message) => {
    const data = await call("formation", "MentoringRequests");
    fill(
      requests,
      h("h2", { id: "titulo-solicitudes" }, "Solicitudes de mentoría"),
      data.mentoringRequests.length ? data.mentoringRequests.map((request) => requestCard(request, user, reload)) : h("p", {}, "No hay solicitudes de mentoría visibles para su usuario."),
    );
    if (message) notice.replaceChildren(message);
  };
  if (user?.role === "TERRITORIAL" && user.entity) add(container, requestForm(user.entity, reload));
  if (user) {
    add(container, requests);
    loading(requests);
    await reload();
  } else {
    add(container, h("p", {}, h("a", { href: "#/ingresar" }, "Ingrese"), " para pedir mentoría o seguir sus sesiones."));
  }
  add(container, network);
  const data = await call("formation", "Mentors");
  add(network, data.mentors.length ? h("div", { class: "resultados" }, data.mentors.map(mentorCard)) : h("p", {}, "Aún no hay mentores registrados."));
}
