// Sala de consulta: the signed-in user's threads with the other party (most recent activity
// first, with what is still unread), one thread with its messages and a reply form, reading
// marked when a thread is opened, and new messages arriving live (the consultationMessage
// subscription, the session's token in connection_init). Anyone sees how fast each national
// entity answers (pages/oferta-cobertura.js).

import { call } from "../api.js";
import { add, busy, errorMessage, field, formatDate, h, loading, pageTitle } from "../dom.js";
import { label, SIDE, SUBJECT_KIND } from "../labels.js";
import { subscribe } from "../live.js";
import * as session from "../session.js";
import { responseTimesPanel } from "./oferta-cobertura.js";

const THREADS = 50;
const MESSAGES = 100;

function subjectLink(thread) {
  const kind = label(SUBJECT_KIND, thread.subjectKind);
  if (thread.subjectKind === "OFFER") return [`${kind}: `, h("a", { href: `#/oferta/${encodeURIComponent(thread.subjectId)}` }, "ver la oferta")];
  if (thread.subjectKind === "COMMITMENT") return [`${kind}: `, h("a", { href: "#/comision" }, "ver los compromisos")];
  return `${kind}: ${thread.subjectId}`;
}

function parties(thread) {
  return [thread.entity?.name, thread.organisation?.name].filter(Boolean).join(" ↔ ");
}

function unreadBadge(count) {
  return count > 0 ? h("span", { class: "no-leidos" }, count === 1 ? "1 sin leer" : `${count} sin leer`) : null;
}

function threadItem(thread) {
  return h(
    "li",
    { class: `resultado hilo${thread.unreadCount > 0 ? " con-no-leidos" : ""}`, "data-id": thread.id },
    h("h3", {}, h("a", { href: `#/consultas/${encodeURIComponent(thread.id)}` }, thread.title), " ", unreadBadge(thread.unreadCount)),
    h("p", { class: "meta" }, `${parties(thread)} · último mensaje: ${formatDate(thread.lastMessageAt)}`),
    h("p", { class: "meta" }, subjectLink(thread), thread.firstAnswerAt ? ` · respondida el ${formatDate(thread.firstAnswerAt)}` : " · sin respuesta aún"),
  );
}

function messageItem(message) {
  return h(
    "li",
    { class: `mensaje lado-${message.side.toLowerCase()}`, "data-id": message.id },
    h("p", { class: "meta" }, h("strong", {}, message.author), ` — ${label(SIDE, message.side)}, ${formatDate(message.createdAt)}`),
    h("p", { class: "cuerpo" }, message.body),
    message.documents.length > 0 &&
      h("p", { class: "meta" }, "Documentos: ", message.documents.map((document, index) => [index ? ", " : "", h("a", { href: `#/conocimiento/${encodeURIComponent(document.id)}` }, document.title)])),
  );
}

async function renderList(container, isCurrent) {
  const list = h("ul", { class: "resultados", id: "lista-consultas" });
  const status = h("p", { role: "status", class: "ayuda" });
  add(container, 
    h("section", { "aria-labelledby": "titulo-consultas" }, h("h2", { id: "titulo-consultas" }, "Sus consultas"), status, list),
  );
  async function refresh() {
    try {
      const { consultationThreads: threads } = await call("consultation", "ConsultationThreads", { first: THREADS });
      if (!isCurrent()) return;
      list.replaceChildren(...threads.edges.map(({ node }) => threadItem(node)));
      const unread = threads.edges.reduce((sum, { node }) => sum + node.unreadCount, 0);
      status.textContent = threads.totalCount
        ? `${threads.totalCount} conversaciones, la de actividad más reciente primero${unread ? `; ${unread === 1 ? "1 mensaje" : `${unread} mensajes`} sin leer` : ""}.`
        : "";
      if (!threads.totalCount) {
        add(list, 
          h("li", {}, session.user()?.role === "TERRITORIAL" ? ["Todavía no tiene consultas. Abra una desde una oferta del ", h("a", { href: "#/oferta" }, "catálogo de ATT"), " con «Consultar a la entidad»."] : "Todavía no tiene consultas."),
        );
      }
    } catch (error) {
      if (isCurrent()) list.replaceChildren(h("li", {}, errorMessage(error, "No se pudieron cargar sus consultas")));
    }
  }
  loading(list, "Cargando sus consultas…");
  await refresh();
  return refresh;
}

async function renderThread(container, id, isCurrent) {
  const box = h("div", {});
  add(container, h("p", {}, h("a", { href: "#/consultas" }, "← Todas sus consultas")), box);
  loading(box, "Cargando la conversación…");
  let thread;
  try {
    ({ consultationThread: thread } = await call("consultation", "ConsultationThread", { id, first: MESSAGES }));
  } catch (error) {
    if (isCurrent()) box.replaceChildren(errorMessage(error, "No se pudo abrir la conversación"));
    return null;
  }
  if (!isCurrent()) return null;
  const shown = new Set();
  const messages = h("ol", { class: "mensajes-hilo", id: "mensajes", "aria-live": "polite" });
  const show = (message) => {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    add(messages, messageItem(message));
  };
  thread.messages.edges.forEach(({ node }) => show(node));

  const form = h(
    "form",
    { class: "formulario", id: "formulario-respuesta" },
    field("Su respuesta", h("textarea", { name: "body", required: true, rows: 4 })),
  );
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, "Responder");
  add(form, submit, problem);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Enviando…", problem, async () => {
      const { postConsultationMessage } = await call("consultation", "PostConsultationMessage", { threadId: thread.id, body: form.elements.body.value.trim() });
      show(postConsultationMessage.message);
      form.reset();
    });
  });

  box.replaceChildren(
    h(
      "article",
      { class: "documento hilo-abierto", "data-id": thread.id },
      pageTitle(thread.title),
      h("p", { class: "meta" }, parties(thread)),
      h("p", { class: "meta" }, subjectLink(thread), ` · abierta el ${formatDate(thread.createdAt)} por la ${label(SIDE, thread.openedBy).toLowerCase()}`),
      thread.messages.totalCount > thread.messages.edges.length && h("p", { class: "ayuda" }, `Se muestran los ${thread.messages.edges.length} primeros de ${thread.messages.totalCount} mensajes.`),
      messages,
      form,
    ),
  );
  markRead(thread.id);
  return { id: thread.id, add: show };
}

/** The menu's unread badge counts again (app.js listens). */
function recount() {
  window.dispatchEvent(new Event("sugit:consultas"));
}

/** Opening a thread reads it: the other party's messages stop counting as unread. */
function markRead(id) {
  call("consultation", "MarkConsultationRead", { threadId: id }).then(recount, () => {
    // Only the unread count depends on it; the next visit marks it again.
  });
}

export async function render(container, { params, isCurrent }) {
  const user = session.user();
  const id = params[0];
  if (!id) {
    add(container, 
      pageTitle("Sala de consulta"),
      h("p", { class: "lema" }, "El canal entre los territorios y las entidades nacionales: preguntas sobre una oferta de asistencia técnica, un requerimiento de información o un compromiso de la Comisión, con la respuesta de quien corresponde."),
    );
  }
  if (!user) {
    add(container, 
      h("p", {}, "Las conversaciones son solo de sus dos partes. ", h("a", { href: "#/ingresar?volver=%23%2Fconsultas", class: "boton" }, "Ingresar")),
      responseTimesPanel(),
    );
    return undefined;
  }
  const liveState = h("p", { class: "ayuda", id: "estado-consultas" });
  let refreshList = null;
  let open = null;
  if (id) {
    open = await renderThread(container, id, isCurrent);
  } else {
    refreshList = await renderList(container, isCurrent);
  }
  if (!isCurrent()) return undefined;
  add(container, liveState);
  if (!id) add(container, responseTimesPanel());
  return subscribe("consultation", "ConsultationMessage", {}, ({ consultationMessage: message }) => {
    if (open && message.threadId === open.id) {
      open.add(message);
      markRead(open.id);
    } else {
      recount();
    }
    refreshList?.();
  }, (state) => {
    liveState.textContent = state === "open" ? "Los mensajes nuevos aparecen aquí en cuanto llegan." : state === "error" ? "No se pudo recibir mensajes en vivo; recargue la página." : "Sin conexión en vivo; reintentando…";
  }, { signedIn: true });
}
