// The faceted search shared by the knowledge base and the offer catalogue: one group of
// checkboxes per dimension with the count each value would give, pages of results, and
// stale answers dropped when a newer search was sent.

import { add, errorMessage, fill, h, loading } from "./dom.js";
import { FACET, label } from "./labels.js";

/** Years read newest first; other facets keep the API's order (most frequent first). */
function ordered(facet) {
  return facet.field === "YEAR" ? [...facet.values].sort((a, b) => b.value.localeCompare(a.value)) : facet.values;
}

/** The address's words for each facet: `#/conocimiento?q=agua&tema=catastro&anio=2024&anio=2025`. */
export const FACET_KEYS = { TOPIC: "tema", TYPE: "tipo", YEAR: "anio", DEPARTMENT: "departamento", ORGANISATION: "organizacion", MODALITY: "modalidad" };

/** The facet choices an address carries (several values of a facet combine). */
export function selectedFromQuery(query) {
  const selected = {};
  for (const [field, key] of Object.entries(FACET_KEYS)) {
    const values = query.getAll(key).filter(Boolean);
    if (values.length) selected[field] = new Set(values);
  }
  return selected;
}

/**
 * Writes the search into the address without a new history entry or a new render: a reload,
 * a shared link, the back button and «Volver» all come back to the same results.
 */
export function keepInAddress(section, words, selected, pages) {
  const params = new URLSearchParams();
  if (words) params.set("q", words);
  for (const [field, values] of Object.entries(selected)) {
    for (const value of values) params.append(FACET_KEYS[field] ?? field.toLowerCase(), value);
  }
  if (pages > 1) params.set("paginas", String(pages));
  const search = params.toString();
  history.replaceState(history.state, "", `#/${section}${search ? `?${search}` : ""}`);
  sessionStorage.setItem(`sugit:busqueda:${section}`, location.hash);
}

/** The last search of `section` in this tab, for a «Volver a la búsqueda» link. */
export function lastSearch(section) {
  return sessionStorage.getItem(`sugit:busqueda:${section}`) ?? `#/${section}`;
}

/** The active filters as removable chips, and «Limpiar» to remove them all. */
function chips(selected, name, onChange) {
  const active = Object.entries(selected).flatMap(([field, values]) => [...values].map((value) => [field, value]));
  if (!active.length) return null;
  return h(
    "div",
    { class: "filtros-activos" },
    h("span", { class: "solo-lectores" }, "Filtros activos:"),
    h(
      "ul",
      { class: "fichas" },
      active.map(([field, value]) =>
        h(
          "li",
          { class: "ficha" },
          `${label(FACET, field)}: ${name(field, value)}`,
          h("button", { type: "button", "aria-label": `Quitar el filtro ${label(FACET, field)}: ${name(field, value)}`, onclick: () => { selected[field].delete(value); onChange(); } }, "×"),
        ),
      ),
    ),
    h("button", { type: "button", class: "boton-claro", onclick: () => { for (const field of Object.keys(selected)) delete selected[field]; onChange(); } }, "Limpiar"),
  );
}

/**
 * `facets`: the API's [{ field, values: [{ value, count }] }];
 * `selected`: { FIELD: Set(values) } changed in place; `name(field, value)` says a value in Spanish.
 */
function facetPanel(facets, selected, name, onChange) {
  const groups = facets
    .filter((facet) => facet.values.length > 0)
    .map((facet) =>
      h(
        "fieldset",
        { class: "faceta" },
        h("legend", {}, label(FACET, facet.field)),
        ordered(facet).slice(0, 12).map((entry) => {
          const chosen = selected[facet.field] ?? new Set();
          const box = h("input", {
            type: "checkbox",
            value: entry.value,
            checked: chosen.has(entry.value),
            onchange: (event) => {
              const set = (selected[facet.field] ??= new Set());
              if (event.target.checked) set.add(entry.value);
              else set.delete(entry.value);
              onChange();
            },
          });
          return h("label", { class: "opcion" }, box, ` ${name(facet.field, entry.value)} `, h("span", { class: "cuenta" }, `(${entry.count})`));
        }),
      ),
    );
  if (!groups.length) return null;
  // Open beside the results on a wide screen; folded above them on a phone, out of the way.
  const narrow = window.matchMedia("(max-width: 720px)").matches;
  return h("details", { class: "facetas", open: !narrow }, h("summary", {}, "Filtrar"), groups);
}

/** The department names by DIVIPOLA code, loaded once for facet labels and selects. */
let departments;
export function departmentNames(call) {
  departments ??= call("territory", "Departments")
    .then((data) => new Map(data.territorialEntities.edges.map(({ node }) => [node.code, node.name])))
    .catch(() => {
      departments = undefined;
      return new Map();
    });
  return departments;
}

/**
 * A results list with facets, the active filters as chips and a "more" button.
 * `fetchPage(selected, after, pages)` resolves to a search connection (`pages` pages' worth),
 * `item(edge)` draws one result, `describe(total, filtered)` says how many were found,
 * `name(field, value)` names a facet value, `onSearched(pages)` follows each answer (to keep
 * the address), `pages` restores that many pages. Returns `run(append)`, the facet choices
 * (`selected`, changed in place) and the element to show.
 */
export function facetedSearch({ fetchPage, item, describe, name, selected = {}, isCurrent, listId, onSearched, pages: restored = 1 }) {
  const facetsBox = h("div", {});
  const activeBox = h("div", {});
  const list = h("ul", { class: "resultados", id: listId });
  const status = h("p", { role: "status" });
  const more = h("button", { type: "button", hidden: true, class: "secundario" }, "Ver más resultados");
  let after = null;
  let latest = 0;
  let pages = 0;
  // A restored address asks for its pages at once (as many as one request may bring).
  let firstPages = Math.max(1, Math.min(Number(restored) || 1, 5));

  async function run(append) {
    const request = ++latest;
    if (!append) {
      after = null;
      status.textContent = "";
      loading(list, "Buscando…");
    }
    more.disabled = true;
    try {
      const connection = await fetchPage(selected, append ? after : null, firstPages);
      if (!isCurrent() || request !== latest) return; // a newer search replaced this one
      pages = append ? pages + 1 : firstPages;
      firstPages = 1;
      if (!append) list.replaceChildren();
      add(list, ...connection.edges.map(item));
      after = connection.pageInfo.endCursor;
      more.hidden = !connection.pageInfo.hasNextPage;
      status.textContent = describe(connection.totalCount, Object.values(selected).some((values) => values.size > 0));
      if (!append) {
        fill(facetsBox, facetPanel(connection.facets, selected, name, () => run(false)));
        fill(activeBox, chips(selected, name, () => run(false)));
      }
      onSearched?.(pages);
    } catch (error) {
      if (isCurrent() && request === latest) list.replaceChildren(h("li", {}, errorMessage(error, "No se pudo buscar")));
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener("click", () => run(true));
  const element = h("div", { class: "con-facetas" }, h("div", {}, activeBox, status, list, more), h("aside", { "aria-label": "Filtros de la búsqueda" }, facetsBox));
  return { run, selected, element };
}
