// Charts drawn here as inline SVG: readable without any library, scaled by the browser,
// described in text for screen readers.

import { h } from "./dom.js";

const WIDTH = 640;
const ROW = 30;
const LABEL = 210;
/** Characters of a label line that fit left of the bars: a label takes two lines, then is cut (whole on hover). */
const LABEL_CHARS = 26;

/** A label in at most two lines of whole words, the second cut with «…» if it must be. */
function labelLines(label) {
  if (label.length <= LABEL_CHARS) return [label];
  const words = label.split(" ");
  let first = "";
  while (words.length && `${first} ${words[0]}`.trim().length <= LABEL_CHARS) first = `${first} ${words.shift()}`.trim();
  if (!first) first = words.shift().slice(0, LABEL_CHARS);
  const rest = words.join(" ");
  return [first, rest.length > LABEL_CHARS ? `${rest.slice(0, LABEL_CHARS - 1)}…` : rest].filter(Boolean);
}

function svg(tag, attributes, ...children) {
  return h(`svg:${tag}`, attributes, ...children);
}

/**
 * Horizontal bars: rows of { label, value, tone } (tone: a CSS class for the colour).
 * `format(value, row)` writes each value beside its bar, in `valueWidth` units of the 640 wide drawing.
 */
export function barChart({ title, rows, format = String, max, valueWidth = 70 }) {
  // On a phone the labels go above their bars, across the whole width, and are never clipped.
  if (window.matchMedia("(max-width: 480px)").matches) return stackedLabels({ title, rows, format, max, valueWidth });
  const top = Math.max(max ?? 0, ...rows.map((row) => row.value), 1);
  const twoLines = rows.some((row) => labelLines(row.label).length > 1);
  const step = twoLines ? ROW + 12 : ROW;
  const height = rows.length * step + 10;
  const room = WIDTH - LABEL - valueWidth;
  const description = rows.map((row) => `${row.label}: ${format(row.value, row)}`).join("; ");
  const chart = svg(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": `${title}. ${description}`, class: "grafica" },
    rows.map((row, index) => {
      const y = index * step + 5 + (step - ROW) / 2;
      const width = Math.max(row.value > 0 ? 2 : 0, (row.value / top) * room);
      const lines = labelLines(row.label);
      const firstLine = lines.length > 1 ? y + 11 : y + 18;
      return svg(
        "g",
        {},
        svg("title", {}, `${row.label}: ${format(row.value, row)}`),
        svg(
          "text",
          { x: LABEL - 8, y: firstLine, "text-anchor": "end", class: "grafica-etiqueta" },
          lines.map((line, number) => svg("tspan", { x: LABEL - 8, dy: number ? 15 : 0 }, line)),
        ),
        svg("rect", { x: LABEL, y: y + 3, width: width.toFixed(1), height: ROW - 10, rx: 3, class: `barra ${row.tone ?? ""}` }),
        svg("text", { x: LABEL + width + 6, y: y + 18, class: "grafica-valor" }, format(row.value, row)),
      );
    }),
  );
  return h("figure", { class: "figura" }, h("figcaption", {}, title), chart);
}

/** Characters of a label over its bar on a phone (the drawing's type is larger there). */
const NARROW_LABEL_CHARS = 52;

/** The phone's bar chart: each label on its own line, its bar below it from the left edge. */
function stackedLabels({ title, rows, format, max, valueWidth }) {
  const top = Math.max(max ?? 0, ...rows.map((row) => row.value), 1);
  const step = ROW + 24;
  const height = rows.length * step + 8;
  const room = WIDTH - valueWidth - 8;
  const description = rows.map((row) => `${row.label}: ${format(row.value, row)}`).join("; ");
  const short = (label) => (label.length > NARROW_LABEL_CHARS ? `${label.slice(0, NARROW_LABEL_CHARS - 1)}…` : label);
  return h(
    "figure",
    { class: "figura" },
    h("figcaption", {}, title),
    svg(
      "svg",
      { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": `${title}. ${description}`, class: "grafica" },
      rows.map((row, index) => {
        const y = index * step + 4;
        const width = Math.max(row.value > 0 ? 2 : 0, (row.value / top) * room);
        return svg(
          "g",
          {},
          svg("title", {}, `${row.label}: ${format(row.value, row)}`),
          svg("text", { x: 0, y: y + 18, class: "grafica-etiqueta" }, short(row.label)),
          svg("rect", { x: 0, y: y + 26, width: width.toFixed(1), height: ROW - 12, rx: 3, class: `barra ${row.tone ?? ""}` }),
          svg("text", { x: width + 6, y: y + 41, class: "grafica-valor" }, format(row.value, row)),
        );
      }),
    ),
  );
}

/** One bar split in parts ({ label, value, tone }), with a legend: e.g. how a burden is covered. */
export function stackedBar({ title, parts, format = String }) {
  const total = parts.reduce((sum, part) => sum + part.value, 0) || 1;
  let x = 0;
  const description = parts.map((part) => `${part.label}: ${format(part.value)}`).join("; ");
  const chart = svg(
    "svg",
    { viewBox: `0 0 ${WIDTH} 40`, role: "img", "aria-label": `${title}. ${description}`, class: "grafica" },
    parts.map((part) => {
      const width = (part.value / total) * WIDTH;
      const rect = svg("rect", { x: x.toFixed(1), y: 4, width: width.toFixed(1), height: 32, class: `barra ${part.tone ?? ""}` });
      x += width;
      return rect;
    }),
  );
  const legend = h(
    "ul",
    { class: "leyenda" },
    parts.map((part) => h("li", {}, h("span", { class: `muestra ${part.tone ?? ""}`, "aria-hidden": "true" }), `${part.label}: ${format(part.value)}`)),
  );
  return h("figure", { class: "figura" }, h("figcaption", {}, title), chart, legend);
}
