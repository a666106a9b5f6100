// The faceted search shared by the knowledge base and the offer catalogue: one group of
// checkboxes per dimension with the count each value would give, pages of results, and
// stale answers dropped when a newer search was sent.

import { add, errorMessage, fill, h, loading } from "./dom.js";
import { FACET, label } from "./labels.js";

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
        facet.values.slice(0, 12).map((entry) => {
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
 * A results list with facets and a "more" button. `fetchPage(selected, after)` resolves to a
 * search connection, `item(edge)` draws one result, `describe(total)` says how many were found,
 * `name(field, value)` names a facet value. Returns `run(append)`, the facet choices
 * (`selected`, changed in place) and the element to show.
 */
export function facetedSearch({ fetchPage, item, describe, name, selected = {}, isCurrent, listId }) {
  const facetsBox = h("div", {});
  const list = h("ul", { class: "resultados", id: listId });
  const status = h("p", { role: "status" });
  const more = h("button", { type: "button", hidden: true, class: "secundario" }, "Ver más resultados");
  let after = null;
  let latest = 0;

  async function run(append) {
    const request = ++latest;
    if (!append) {
      after = null;
      status.textContent = "";
      loading(list, "Buscando…");
    }
    more.disabled = true;
    try {
      const connection = await fetchPage(selected, append ? after : null);
      if (!isCurrent() || request !== latest) return; // a newer search replaced this one
      if (!append) list.replaceChildren();
      add(list, ...connection.edges.map(item));
      after = connection.pageInfo.endCursor;
      more.hidden = !connection.pageInfo.hasNextPage;
      status.textContent = describe(connection.totalCount);
      if (!append) fill(facetsBox, facetPanel(connection.facets, selected, name, () => run(false)));
    } catch (error) {
      if (isCurrent() && request === latest) list.replaceChildren(h("li", {}, errorMessage(error, "No se pudo buscar")));
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener("click", () => run(true));
  const element = h("div", { class: "con-facetas" }, h("div", {}, status, list, more), h("aside", { "aria-label": "Filtros de la búsqueda" }, facetsBox));
  return { run, selected, element };
}
