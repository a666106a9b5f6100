// Conocimiento: full-text search with facets and highlighted snippets (kept in the address),
// the document rendered from its Markdown with its citation and download, and the upload
// form for signed-in users.

import { call } from "../api.js";
import { add, errorMessage, formatDate, formatNumber, h, highlighted, loading, pageTitle } from "../dom.js";
import { departmentNames, facetedSearch, keepInAddress, lastSearch, selectedFromQuery } from "../facets.js";
import { markdown } from "../markdown.js";
import { label, PRODUCT_TYPE, PRODUCT_TYPE_BY_FACET } from "../labels.js";
import * as session from "../session.js";
import { uploadForm } from "./conocimiento-carga.js";

const PAGE = 20;

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

/** What to do when nothing matches, in one sentence. */
function emptyState(words, filtered) {
  const what = words ? `«${words}»` : "la búsqueda";
  return filtered
    ? `Ningún documento coincide con ${what} y los filtros elegidos. Quite un filtro (o use «Limpiar») para ver más.`
    : `Ningún documento coincide con ${what}. Pruebe con menos palabras o con un sinónimo; también puede buscar en todo SUGIT desde Inicio.`;
}

async function renderSearch(container, { query, isCurrent }) {
  // The address holds the words, the filters and the pages: links from Inicio, a reload and «Volver» restore them.
  const selected = selectedFromQuery(query);
  const input = h("input", { id: "q-conocimiento", type: "search", maxlength: 512, value: query.get("q") ?? "", placeholder: "Por ejemplo: plan de desarrollo, catastro multipropósito" });
  const form = h("form", { role: "search", class: "buscador" }, h("label", { for: "q-conocimiento" }, "Buscar en la base de conocimiento"), h("div", { class: "fila" }, input, h("button", { type: "submit" }, "Buscar")));
  const names = await departmentNames(call);
  const search = facetedSearch({
    selected,
    isCurrent,
    pages: query.get("paginas"),
    fetchPage: async (chosen, after, pages) => {
      const data = await call("knowledge", "SearchKnowledge", { query: input.value.trim() || null, filter: filterFrom(chosen), first: PAGE * pages, after });
      return data.searchKnowledge;
    },
    onSearched: (pages) => keepInAddress("conocimiento", input.value.trim(), selected, pages),
    item: resultItem,
    describe: (total, filtered) => (total === 0 ? emptyState(input.value.trim(), filtered) : `${formatNumber(total)} documentos.`),
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
      h("p", {}, h("a", { href: lastSearch("conocimiento") }, "← Volver a la búsqueda")),
      h(
        "article",
        { class: "documento" },
        pageTitle(product.title),
        product.archivedAt && h("p", { class: "aviso" }, "Este documento está archivado: ya no aparece en la búsqueda."),
        h("dl", { class: "datos" }, facts.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
        product.summary && h("p", { class: "resumen" }, product.summary),
        // Only web addresses become links: a stored «javascript:» or «data:» address stays text.
        product.sourceUrl && h("p", {}, "Fuente: ", /^https?:\/\//i.test(product.sourceUrl) ? h("a", { href: product.sourceUrl, rel: "noopener noreferrer" }, product.sourceUrl) : product.sourceUrl),
        // Sent as Markdown: its headings, lists and tables; text or PDF: its paragraphs.
        h("div", { class: "texto" }, product.markdown ? markdown(product.markdown, product.title) : product.text.split(/\n{2,}/).map((paragraph) => h("p", {}, paragraph))),
        citation(product),
      ),
    );
  } catch (error) {
    if (isCurrent()) container.replaceChildren(errorMessage(error, "No se pudo abrir el documento"));
  }
}

/** How to cite the document, with a button to copy it, and its text to download. */
function citation(product) {
  const year = product.publishedOn?.slice(0, 4) ?? "s. f.";
  const author = product.organisation?.name ?? product.territory?.name ?? "SUGIT";
  const address = `${location.origin}/#/conocimiento/${encodeURIComponent(product.id)}`;
  const text = `${author} (${year}). ${product.title}. SUGIT, base de conocimiento. ${address}`;
  const copied = h("span", { role: "status", class: "ayuda" });
  const copy = h("button", { type: "button", class: "boton-claro" }, "Copiar la cita");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      copied.textContent = " Cita copiada.";
    } catch {
      copied.textContent = " Seleccione la cita y cópiela con Ctrl+C.";
    }
  });
  const markdownFile = Boolean(product.markdown);
  const file = new Blob([product.markdown ?? product.text], { type: markdownFile ? "text/markdown;charset=utf-8" : "text/plain;charset=utf-8" });
  const name = `${product.title.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^\w]+/g, "-").replace(/^-|-$/g, "").toLowerCase() || "documento"}.${markdownFile ? "md" : "txt"}`;
  return h(
    "section",
    { class: "cita", "aria-labelledby": "titulo-cita" },
    h("h2", { id: "titulo-cita" }, "Cómo citarlo"),
    h("p", { class: "texto-cita" }, text),
    h("p", {}, copy, copied),
    h("p", {},
      h("a", { href: URL.createObjectURL(file), download: name, class: "boton-claro" }, markdownFile ? "Descargar el original (Markdown)" : "Descargar el texto extraído"),
      product.sourceUrl && /^https?:\/\//i.test(product.sourceUrl) && [" ", h("a", { href: product.sourceUrl, rel: "noopener noreferrer" }, product.format === "PDF" ? "Ver el PDF original en su fuente" : "Ver en su fuente")]),
  );
}

export function render(container, context) {
  return context.params[0] ? renderDocument(container, context.params[0], context.isCurrent) : renderSearch(container, context);
}
