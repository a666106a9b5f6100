// Inicio: one box over offers, knowledge, requirements, vacancies and the programmatic units of
// the spending catalogue, the results grouped by kind.

import { call } from "../api.js";
import { add, errorMessage, formatDate, formatNumber, h, highlighted, loading, pageTitle } from "../dom.js";
import { FACET, KIND_PLURAL, label, PRODUCT_TYPE } from "../labels.js";
import * as session from "../session.js";

/** Where each kind of user starts their work. */
const SHORTCUTS = {
  TERRITORIAL: ["#/territorio", "Vea lo que su entidad debe reportar y lo que ya está cubierto"],
  NATIONAL: ["#/mi-entidad", "Sus ofertas, las demandas que deberían atender y quién reporta sus requerimientos"],
  SECRETARIAT: ["#/comision", "Convoque sesiones y haga seguimiento a los compromisos"],
};

const KINDS = ["KNOWLEDGE", "OFFER", "REQUIREMENT", "VACANCY", "UNIT"];
const PAGE = 30;
const LINKED_FACETS = { TOPIC: "tema", TYPE: "tipo", YEAR: "anio" };

function link(hit) {
  const object = hit.object;
  if (!object) return null;
  if (object.__typename === "KnowledgeProduct") return `#/conocimiento/${encodeURIComponent(object.id)}`;
  if (object.__typename === "Offer") return `#/oferta/${encodeURIComponent(object.id)}`;
  if (object.__typename === "Vacancy") return `#/vitrina/vacante/${encodeURIComponent(object.id)}`;
  if (object.__typename === "CatalogueItem") return `#/gasto?buscar=${encodeURIComponent(object.code)}`;
  return null;
}

function detail(object) {
  if (!object) return "";
  if (object.__typename === "KnowledgeProduct") {
    return [label(PRODUCT_TYPE, object.type), object.organisation?.name, object.publishedOn?.slice(0, 4)].filter(Boolean).join(" · ");
  }
  if (object.__typename === "Offer") return [object.organisation?.name, object.topic].filter(Boolean).join(" · ");
  if (object.__typename === "Vacancy") return [object.entity?.name, `cierra el ${formatDate(object.closingOn)}`].filter(Boolean).join(" · ");
  if (object.__typename === "CatalogueItem") return `Unidad programática ${object.code} · ${object.legalBasis}`;
  return [object.issuer?.name, object.code].filter(Boolean).join(" · ");
}

function hitItem(hit, position) {
  const href = link(hit);
  const title = href ? h("a", { href }, hit.title) : hit.title;
  return h(
    "li",
    { class: "resultado", "data-posicion": position },
    h("h3", {}, title),
    h("p", { class: "meta" }, detail(hit.object)),
    h("p", { class: "fragmento" }, highlighted(hit.snippet)),
  );
}

function grouped(edges) {
  return KINDS.map((kind) => {
    const hits = edges.map((edge, position) => [edge.node, position]).filter(([node]) => node.kind === kind);
    if (!hits.length) return null;
    return h("section", { class: "grupo", "aria-label": KIND_PLURAL[kind] }, h("h2", {}, `${KIND_PLURAL[kind]} (${hits.length})`), h("ul", { class: "resultados" }, hits.map(([node, position]) => hitItem(node, position))));
  });
}

function facetLinks(facets) {
  const useful = facets.filter((facet) => LINKED_FACETS[facet.field] && facet.values.length);
  if (!useful.length) return null;
  return h(
    "aside",
    { class: "facetas-inicio", "aria-label": "Refinar en la base de conocimiento" },
    h("h2", {}, "Refinar"),
    useful.map((facet) =>
      h(
        "div",
        {},
        h("h3", {}, label(FACET, facet.field)),
        h(
          "ul",
          {},
          facet.values.slice(0, 8).map((entry) =>
            h("li", {}, h("a", { href: `#/conocimiento?${LINKED_FACETS[facet.field]}=${encodeURIComponent(entry.value)}` }, entry.value), ` (${formatNumber(entry.count)})`),
          ),
        ),
      ),
    ),
  );
}

export function render(container, { query, isCurrent }) {
  const input = h("input", { id: "q-inicio", name: "q", type: "search", maxlength: 512, value: query.get("q") ?? "", placeholder: "Por ejemplo: regalías, catastro, agua potable" });
  const kindBoxes = KINDS.map((kind) => h("label", { class: "opcion" }, h("input", { type: "checkbox", name: "tipo", value: kind, checked: true }), ` ${KIND_PLURAL[kind]}`));
  const results = h("div", { class: "resultados-inicio" });
  const form = h(
    "form",
    { role: "search", class: "buscador" },
    h("label", { for: "q-inicio" }, "¿Qué busca?"),
    h("div", { class: "fila" }, input, h("button", { type: "submit" }, "Buscar")),
    h("fieldset", { class: "tipos" }, h("legend", {}, "Buscar en"), kindBoxes),
    h("p", { class: "ayuda" }, "Sin importar tildes, plurales ni un error de tecleo; una frase exacta va entre comillas."),
  );

  let latest = 0;
  // Pages already shown: «Ver más resultados» adds the next 30 and regroups them by kind.
  let edges = [];
  let after = null;
  async function run(append = false) {
    const request = ++latest;
    const kinds = kindBoxes.map((box) => box.querySelector("input")).filter((box) => box.checked).map((box) => box.value);
    if (!append) loading(results, "Buscando…");
    try {
      const data = await call("search", "Search", { query: input.value.trim(), kinds: kinds.length ? kinds : null, first: PAGE, after: append ? after : null });
      // A newer search (or another page) replaced this one: its answer is stale.
      if (!isCurrent() || request !== latest) return;
      const connection = data.search;
      const shown = append ? edges.length : 0;
      edges = append ? [...edges, ...connection.edges] : connection.edges;
      after = connection.pageInfo.endCursor;
      const words = input.value.trim();
      const summary = h(
        "p",
        { role: "status" },
        connection.totalCount === 0
          ? `No hay resultados${words ? ` para «${words}»` : ""}. Pruebe con menos palabras, sin comillas o con un sinónimo, y revise los tipos marcados en «Buscar en».`
          : `${formatNumber(connection.totalCount)} resultados${words ? "" : " (lo más reciente)"}; se muestran ${formatNumber(edges.length)}.`,
      );
      const more = connection.pageInfo.hasNextPage && h("button", { type: "button", class: "secundario", id: "mas-resultados", onclick: () => run(true) }, "Ver más resultados");
      results.replaceChildren(summary, h("div", { class: "con-facetas" }, h("div", {}, grouped(edges), more), facetLinks(connection.facets)));
      // The keyboard goes on from the first result added, wherever its kind placed it.
      if (append) results.querySelector(`[data-posicion="${shown}"] a`)?.focus();
    } catch (error) {
      if (isCurrent() && request === latest) results.replaceChildren(errorMessage(error, "No se pudo buscar"));
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    history.replaceState(null, "", `#/?q=${encodeURIComponent(input.value.trim())}`);
    run();
  });
  form.addEventListener("change", (event) => event.target.name === "tipo" && run());
  const shortcut = SHORTCUTS[session.user()?.role];
  add(container, 
    pageTitle("Información territorial en un solo lugar"),
    shortcut && h("p", { class: "atajo" }, h("a", { href: shortcut[0], class: "boton" }, shortcut[1])),
    h("p", { class: "lema" }, "Busque guías, estudios y normas, la oferta de asistencia técnica territorial (ATT) y los requerimientos de información de las entidades nacionales."),
    form,
    results,
  );
  run();
}
