// Conocimiento: full-text search with facets and highlighted snippets, the document
// view, and the upload form for signed-in users.

import { call } from "../api.js";
import { add, errorMessage, formatDate, h, highlighted, loading, pageTitle } from "../dom.js";
import { departmentNames, facetedSearch } from "../facets.js";
import { label, PRODUCT_TYPE, PRODUCT_TYPE_BY_FACET } from "../labels.js";
import * as session from "../session.js";
import { uploadForm } from "./conocimiento-carga.js";

const PAGE = 20;
/** Links from Inicio carry one facet value in the address. */
const FROM_ADDRESS = { tema: "TOPIC", tipo: "TYPE", anio: "YEAR" };

function filterFrom(selected) {
  const values = (field) => [...(selected[field] ?? [])];
  return {
    types: values("TYPE").map((value) => PRODUCT_TYPE_BY_FACET[value]).filter(Boolean),
    topics: values("TOPIC"),
    years: values("YEAR").map(Number),
    departmentCodes: values("DEPARTMENT"),
    organisationCodes: values("ORGANISATION"),
  };
}

function resultItem({ node }) {
  const product = node.object ?? {};
  const meta = [label(PRODUCT_TYPE, product.type), product.organisation?.name, product.territory?.name, product.publishedOn && formatDate(product.publishedOn)];
  return h(
    "li",
    { class: "resultado" },
    h("h3", {}, product.id ? h("a", { href: `#/conocimiento/${encodeURIComponent(product.id)}` }, node.title) : node.title),
    h("p", { class: "meta" }, meta.filter(Boolean).join(" · ")),
    h("p", { class: "fragmento" }, highlighted(node.snippet)),
  );
}

async function renderSearch(container, { query, isCurrent }) {
  const selected = {};
  for (const [key, field] of Object.entries(FROM_ADDRESS)) {
    if (query.get(key)) selected[field] = new Set([query.get(key)]);
  }
  const input = h("input", { id: "q-conocimiento", type: "search", maxlength: 512, value: query.get("q") ?? "", placeholder: "Por ejemplo: plan de desarrollo, catastro multipropósito" });
  const form = h("form", { role: "search", class: "buscador" }, h("label", { for: "q-conocimiento" }, "Buscar en la base de conocimiento"), h("div", { class: "fila" }, input, h("button", { type: "submit" }, "Buscar")));
  const names = await departmentNames(call);
  const search = facetedSearch({
    selected,
    isCurrent,
    fetchPage: async (chosen, after) => {
      const data = await call("knowledge", "SearchKnowledge", { query: input.value.trim() || null, filter: filterFrom(chosen), first: PAGE, after });
      return data.searchKnowledge;
    },
    item: resultItem,
    describe: (total) => (total === 0 ? "Ningún documento coincide. Quite filtros o pruebe otras palabras." : `${total} documentos.`),
    name: (field, value) => (field === "TYPE" ? value[0].toUpperCase() + value.slice(1) : field === "DEPARTMENT" ? names.get(value) ?? value : value),
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search.run(false);
  });
  add(container, 
    pageTitle("Base de conocimiento"),
    h("p", {}, "Guías, estudios, lecciones aprendidas, normas y actas sobre gestión territorial y asistencia técnica."),
    form,
    search.element,
  );
  if (session.user()) {
    const upload = uploadForm();
    const jump = h("button", { type: "button", class: "secundario" }, "Agregar un documento");
    // The form sits after the results: take keyboard and screen-reader users straight to it.
    jump.addEventListener("click", () => upload.querySelector("input")?.focus());
    form.after(h("p", {}, jump));
    add(container, upload);
  }
  else add(container, h("p", { class: "ayuda" }, h("a", { href: "#/ingresar?volver=%23%2Fconocimiento" }, "Ingrese"), " para agregar guías, estudios o actas de su entidad."));
  search.run(false);
}

async function renderDocument(container, id, isCurrent) {
  loading(container, "Cargando el documento…");
  try {
    const { knowledgeProduct: product } = await call("knowledge", "KnowledgeProduct", { id });
    if (!isCurrent()) return;
    if (!product) {
      container.replaceChildren(pageTitle("Documento no encontrado"), h("p", {}, h("a", { href: "#/conocimiento" }, "Volver a la búsqueda")));
      return;
    }
    const facts = [
      ["Tipo", label(PRODUCT_TYPE, product.type)],
      ["Publicado", formatDate(product.publishedOn)],
      ["Organización", product.organisation?.name],
      ["Territorio", product.territory?.name],
      ["Temas", product.topics.join(", ")],
    ].filter(([, value]) => value);
    container.replaceChildren(
      h("p", {}, h("a", { href: "#/conocimiento" }, "← Volver a la búsqueda")),
      h(
        "article",
        { class: "documento" },
        pageTitle(product.title),
        product.archivedAt && h("p", { class: "aviso" }, "Este documento está archivado: ya no aparece en la búsqueda."),
        h("dl", { class: "datos" }, facts.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
        product.summary && h("p", { class: "resumen" }, product.summary),
        // Only web addresses become links: a stored «javascript:» or «data:» address stays text.
        product.sourceUrl && h("p", {}, "Fuente: ", /^https?:\/\//i.test(product.sourceUrl) ? h("a", { href: product.sourceUrl, rel: "noopener noreferrer" }, product.sourceUrl) : product.sourceUrl),
        h("div", { class: "texto" }, product.text.split(/\n{2,}/).map((paragraph) => h("p", {}, paragraph))),
      ),
    );
  } catch (error) {
    if (isCurrent()) container.replaceChildren(errorMessage(error, "No se pudo abrir el documento"));
  }
}

export function render(container, context) {
  return context.params[0] ? renderDocument(container, context.params[0], context.isCurrent) : renderSearch(container, context);
}
