// Adding a knowledge product: text or Markdown typed or read from a file, or a PDF sent in base64.

import { call } from "../api.js";
import { add, busy, field, h, select } from "../dom.js";
import { PRODUCT_TYPE } from "../labels.js";

function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

async function content(file, typed) {
  if (!file) return { format: "MARKDOWN", content: typed };
  if (/\.pdf$/i.test(file.name)) return { format: "PDF", content: base64(await file.arrayBuffer()) };
  return { format: /\.txt$/i.test(file.name) ? "TEXT" : "MARKDOWN", content: await file.text() };
}

export function uploadForm() {
  const form = h(
    "form",
    { class: "formulario", id: "carga-conocimiento" },
    field("Título", h("input", { name: "title", maxlength: 300 }), "Si lo deja vacío se toma del documento."),
    field("Tipo", select("type", Object.entries(PRODUCT_TYPE), "GUIDE")),
    field("Temas", h("input", { name: "topics" }), "Separados por comas, por ejemplo: catastro, finanzas públicas."),
    field("Resumen", h("textarea", { name: "summary", rows: 2 })),
    field("Archivo", h("input", { name: "file", type: "file", accept: ".pdf,.md,.txt,application/pdf,text/markdown,text/plain" }), "PDF, Markdown o texto. Si no adjunta archivo, escriba el texto abajo."),
    field("Texto (Markdown)", h("textarea", { name: "content", rows: 6 })),
  );
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, "Agregar a la base de conocimiento");
  add(form, submit, problem);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Enviando…", problem, async () => {
      const values = form.elements;
      const source = await content(values.file.files[0], values.content.value);
      const input = {
        ...source,
        title: values.title.value.trim() || null,
        type: values.type.value,
        summary: values.summary.value.trim() || null,
        topics: values.topics.value.split(",").map((topic) => topic.trim()).filter(Boolean),
      };
      const { addKnowledgeProduct } = await call("knowledge", "AddKnowledgeProduct", { input });
      const product = addKnowledgeProduct.product;
      form.reset();
      problem.replaceChildren(h("p", { class: "exito", role: "status" }, "Documento agregado: ", h("a", { href: `#/conocimiento/${encodeURIComponent(product.id)}` }, product.title), "."));
    });
  });
  return h("section", { class: "panel" }, h("h2", {}, "Agregar un documento"), form);
}
