// SUGIT's web interface: a router over the hash (#/conocimiento, #/oferta/ID…),
// one module per page under pages/, and the session shown in the banner.
// Plain ES modules served by the binary: no build step, no dependency.

import { call } from "./api.js";
import { add, errorMessage, h } from "./dom.js";
import { label, ROLE } from "./labels.js";
import * as session from "./session.js";

const PAGES = {
  "": "inicio",
  conocimiento: "conocimiento",
  oferta: "oferta",
  territorio: "territorio",
  "mi-entidad": "mi-entidad",
  consultas: "consulta",
  comision: "comision",
  monitoreo: "monitoreo",
  vitrina: "vitrina",
  formacion: "formacion",
  gasto: "clasificacion",
  entidades: "entidades",
  ingresar: "ingresar",
};

const main = document.querySelector("#contenido");
let cleanup = null;
let visit = 0;

function parseHash() {
  const [path, search] = location.hash.replace(/^#\/?/, "").split("?");
  const [section = "", ...params] = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { section, params, query: new URLSearchParams(search ?? "") };
}

async function show() {
  const current = ++visit;
  cleanup?.();
  cleanup = null;
  const route = parseHash();
  const page = PAGES[route.section];
  markMenu(route.section);
  if (!page) {
    main.replaceChildren(h("h1", {}, "Página no encontrada"), h("p", {}, h("a", { href: "#/" }, "Volver al inicio")));
    return;
  }
  try {
    const module = await import(`./pages/${page}.js`);
    if (current !== visit) return;
    const container = h("div", { class: "pagina" });
    main.replaceChildren(container);
    const result = await module.render(container, { ...route, isCurrent: () => current === visit });
    if (current === visit && typeof result === "function") cleanup = result;
    else if (typeof result === "function") result();
    if (current === visit && document.activeElement?.closest?.(".pagina") == null) {
      container.querySelector(".titulo-pagina")?.focus({ preventScroll: false });
    }
  } catch (error) {
    if (current === visit) main.replaceChildren(errorMessage(error, "No se pudo abrir la página"));
  }
}

function markMenu(section) {
  for (const link of document.querySelectorAll("#menu a")) {
    const target = link.getAttribute("href").replace(/^#\/?/, "");
    if (target === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

/** Shows the menu entries of the user's role: «Mi territorio» to a territorial team, and so on. */
function renderMenu(user) {
  for (const item of document.querySelectorAll("#menu li[data-roles]")) {
    item.hidden = !user || !item.dataset.roles.split(" ").includes(user.role);
  }
}

function renderSession(user) {
  renderMenu(user);
  const box = document.querySelector("#sesion");
  if (!user) {
    box.replaceChildren(h("a", { href: "#/ingresar", class: "boton-claro" }, "Ingresar"));
    return;
  }
  const who = user.entity?.name ?? user.organisation?.name ?? "";
  box.replaceChildren(
    h("span", { class: "usuario" }, `${user.name} — ${label(ROLE, user.role)}${who ? ` (${who})` : ""}`),
    h("button", { type: "button", class: "boton-claro", onclick: logout }, "Salir"),
  );
}

// The menu says how many consultation messages wait unread; the Sala page asks to recount
// (event "sugit:consultas") when it marks a thread read or a message arrives.
const consultations = document.querySelector('#menu a[href="#/consultas"]');
let counting = 0;

async function countUnread() {
  const current = ++counting;
  let unread = 0;
  if (session.user()) {
    try {
      const { consultationThreads } = await call("consultation", "ConsultationThreads", { first: 100 });
      unread = consultationThreads.edges.reduce((sum, { node }) => sum + node.unreadCount, 0);
    } catch {
      // Only the badge depends on it: the Sala page shows the same figures and any error.
    }
  }
  if (current !== counting) return;
  consultations.querySelector(".no-leidos")?.remove();
  if (unread > 0) add(consultations, " ", h("span", { class: "no-leidos" }, String(unread), h("span", { class: "solo-lectores" }, " sin leer")));
}

async function logout() {
  try {
    await call("access", "Logout");
  } catch {
    // The session ends here either way: a token the server no longer knows is useless.
  }
  session.end();
}

// The banner's search box leads to Inicio with the words typed (a plain GET form without JavaScript).
document.querySelector("#buscar-todo").addEventListener("submit", (event) => {
  event.preventDefault();
  const words = event.target.elements.q.value.trim();
  event.target.reset();
  const target = `#/?q=${encodeURIComponent(words)}`;
  if (location.hash === target) show();
  else location.hash = target;
});

// Arriving from that form sent without JavaScript (/?q=…): the same search, in the page.
const sent = new URLSearchParams(location.search).get("q");
if (sent !== null && !location.hash) history.replaceState(null, "", `/#/?q=${encodeURIComponent(sent)}`);

// On a phone a table turns into one card per row (style.css), each cell naming its column:
// the status column stays in view instead of off to the right. Rows added later get it too.
let labelling = 0;
function labelTableCells() {
  labelling = 0;
  for (const cell of main.querySelectorAll("tbody td:not([data-columna]), tbody th:not([data-columna])")) {
    const header = cell.closest("table")?.tHead?.rows[0]?.cells[cell.cellIndex];
    cell.setAttribute("data-columna", header?.textContent.trim() ?? "");
  }
}
new MutationObserver(() => {
  labelling ||= requestAnimationFrame(labelTableCells);
}).observe(main, { childList: true, subtree: true });

session.onChange((user) => {
  renderSession(user);
  countUnread();
  show();
});
window.addEventListener("sugit:consultas", countUnread);
renderSession(session.user());
countUnread();
window.addEventListener("hashchange", show);
show();
