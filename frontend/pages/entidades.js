// Entidades: the DIVIPOLA register of departments, districts, municipalities and
// non-municipalised areas, searched by name.

import { call } from "../api.js";
import { add, errorMessage, formatNumber, h, pageTitle, select } from "../dom.js";
import { CATEGORY, label, TERRITORIAL_KIND } from "../labels.js";

const PAGE = 25;

export function render(container, { isCurrent }) {
  const name = h("input", { id: "nombre", name: "nombre", type: "search", maxlength: 100, placeholder: "Por ejemplo: Bogotá, Mitú, Nariño" });
  const kind = select("tipo", [["", "Todos los tipos"], ...Object.entries(TERRITORIAL_KIND)]);
  kind.setAttribute("aria-label", "Tipo de entidad");
  const status = h("p", { id: "estado", role: "status", "aria-live": "polite" });
  const rows = h("tbody", {});
  const table = h("table", { id: "resultados", hidden: true }, h("thead", {}, h("tr", {}, ["Código DIVIPOLA", "Nombre", "Tipo", "Categoría", "Departamento"].map((t) => h("th", { scope: "col" }, t)))), rows);
  const more = h("button", { id: "mas", type: "button", hidden: true, class: "secundario" }, "Ver más resultados");
  const form = h(
    "form",
    { id: "busqueda", role: "search", autocomplete: "off", class: "buscador" },
    h("label", { for: "nombre" }, "Nombre del municipio, distrito o departamento"),
    h("div", { class: "fila" }, name, kind, h("button", { type: "submit" }, "Buscar")),
    h("p", { class: "ayuda" }, "No importa si escribe con o sin tildes ni mayúsculas."),
  );
  let current = { filter: {}, after: null, shown: 0, request: 0 };

  async function search(append) {
    const request = ++current.request;
    status.textContent = "Buscando…";
    more.disabled = true;
    try {
      const data = await call("territory", "TerritorialEntities", { filter: current.filter, first: PAGE, after: current.after });
      if (request !== current.request || !isCurrent()) return; // a newer search replaced this one
      const connection = data.territorialEntities;
      if (!append) rows.replaceChildren();
      for (const { node } of connection.edges) {
        add(rows, h("tr", {}, h("td", {}, node.code), h("td", {}, node.name), h("td", {}, label(TERRITORIAL_KIND, node.kind)), h("td", {}, node.category ? label(CATEGORY, node.category) : "—"), h("td", {}, node.department?.name ?? "—")));
      }
      current.shown = (append ? current.shown : 0) + connection.edges.length;
      current.after = connection.pageInfo.endCursor;
      table.hidden = connection.totalCount === 0;
      more.hidden = !connection.pageInfo.hasNextPage;
      status.textContent = connection.totalCount === 0 ? "No se encontraron entidades con ese nombre." : `Mostrando ${formatNumber(current.shown)} de ${formatNumber(connection.totalCount)} entidades.`;
    } catch (error) {
      if (request === current.request) status.replaceChildren(errorMessage(error, "No se pudo completar la búsqueda"));
    } finally {
      more.disabled = false;
    }
  }

  function newSearch() {
    const filter = {};
    if (name.value.trim()) filter.nameContains = name.value.trim();
    if (kind.value) filter.kind = kind.value;
    current = { ...current, filter, after: null, shown: 0 };
    search(false);
  }

  let debounce;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(debounce);
    newSearch();
  });
  // Wait for a pause in typing: one request per word, not per key, on a slow connection.
  name.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(newSearch, 350);
  });
  kind.addEventListener("change", newSearch);
  more.addEventListener("click", () => search(true));
  add(container, pageTitle("Entidades territoriales (DIVIPOLA)"), form, status, h("div", { class: "tabla-desplazable" }, table), more);
}
