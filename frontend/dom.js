// Small DOM helpers: elements built from data (text is never parsed as HTML),
// snippets whose only markup is <mark>, loading and error messages.

/** h("p", { class: "x", onclick: f }, "text", child…) */
export function h(tag, attributes = {}, ...children) {
  const element = tag.startsWith("svg:")
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "text") element.textContent = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Appends to `parent`, skipping empty children and flattening lists as `h` does: the DOM's
 * own `append` would print a missing optional part as «undefined» or «false».
 */
export function add(parent, ...children) {
  append(parent, children);
  return parent;
}

/** Replaces the children of `parent`, skipping empty ones and flattening lists, as `h` does. */
export function fill(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
  return parent;
}

/** A search snippet: the server escapes the text and marks the words found with <mark>; keep only those. */
export function highlighted(snippet) {
  const parsed = new DOMParser().parseFromString(`<body>${snippet ?? ""}`, "text/html");
  const fragment = document.createDocumentFragment();
  for (const node of parsed.body.childNodes) {
    fragment.append(node.nodeName === "MARK" ? h("mark", {}, node.textContent) : node.textContent);
  }
  return fragment;
}

/** Replaces the content of `container` by a polite loading message. */
export function loading(container, text = "Cargando…") {
  container.replaceChildren(h("p", { class: "cargando", role: "status" }, text));
}

/** An error shown where it happened, read out by screen readers. */
export function errorMessage(error, prefix) {
  const text = error?.message ?? String(error);
  return h("p", { class: "error", role: "alert" }, prefix ? `${prefix}: ${text}` : text);
}

/** Shows `text` as the error of a form field, beside it, announced and linked to the control. */
export function markField(control, text) {
  const message = errorMessage({ message: text });
  message.classList.add("error-campo");
  message.id = `${control.id}-error`;
  control.setAttribute("aria-invalid", "true");
  control.setAttribute("aria-errormessage", message.id);
  control.closest(".campo").append(message);
}

/**
 * Runs `work` with `button` disabled and a visible busy label. An error goes in `where`, or
 * beside the field it names (the API quotes input fields as «name») with that field focused.
 */
export async function busy(button, busyLabel, where, work) {
  const label = button.textContent;
  const form = button.form;
  button.disabled = true;
  button.textContent = busyLabel;
  where.replaceChildren();
  form?.querySelectorAll(".error-campo").forEach((old) => old.remove());
  form?.querySelectorAll("[aria-invalid]").forEach((control) => control.removeAttribute("aria-invalid"));
  try {
    return await work();
  } catch (error) {
    const name = /«(\w+)»/.exec(error?.message ?? "")?.[1];
    const control = name ? form?.elements.namedItem(name) : null;
    if (control instanceof HTMLElement && control.closest(".campo")) {
      markField(control, error?.message ?? String(error));
      control.focus();
    } else {
      where.replaceChildren(errorMessage(error));
    }
    return undefined;
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

/** A labelled form field; returns the wrapper, the control is reachable by its name. */
export function field(label, control, help) {
  const id = control.id || `campo-${control.getAttribute("name")}-${Math.random().toString(36).slice(2, 7)}`;
  control.id = id;
  const helpId = help ? `${id}-ayuda` : null;
  if (helpId) control.setAttribute("aria-describedby", helpId);
  return h("div", { class: "campo" }, h("label", { for: id }, label), control, help && h("p", { class: "ayuda", id: helpId }, help));
}

/** A select from [value, label] pairs. */
export function select(name, options, selected) {
  return h(
    "select",
    { name },
    options.map(([value, label]) => h("option", { value, selected: String(value) === String(selected ?? "") }, label)),
  );
}

const dateFormat = new Intl.DateTimeFormat("es-CO", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat("es-CO", { dateStyle: "long", timeStyle: "short", timeZone: "America/Bogota" });
const numberFormat = new Intl.NumberFormat("es-CO");

export function formatDate(value) {
  if (!value) return "—";
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? value : (value.length === 10 ? dateFormat : dateTimeFormat).format(date);
}

export function formatNumber(value) {
  return numberFormat.format(value);
}

export function percent(value) {
  return `${Math.round((value ?? 0) * 100)} %`;
}

/** A page title that takes the focus, so keyboard and screen-reader users land on the new page. */
export function pageTitle(text) {
  return h("h1", { tabindex: "-1", class: "titulo-pagina" }, text);
}
