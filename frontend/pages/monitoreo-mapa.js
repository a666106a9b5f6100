// The country as a tile-grid cartogram: one square per department (33, Bogotá included) placed
// roughly where it lies, coloured by the traffic light of its municipalities' median. Drawn here
// as SVG: no third-party map file. Each tile names its department for screen readers and on hover.

import { h } from "../dom.js";
import { label, TRAFFIC_LIGHT } from "../labels.js";

/** Department code → [column, row] on a 7 × 8 grid, north at the top. */
const TILES = {
  88: [0, 0], 44: [5, 0],
  "08": [3, 1], 47: [4, 1], 20: [5, 1],
  23: [2, 2], 70: [3, 2], 13: [4, 2], 54: [5, 2],
  27: [1, 3], "05": [2, 3], 68: [4, 3], 81: [5, 3],
  66: [1, 4], 17: [2, 4], 25: [3, 4], 15: [4, 4], 85: [5, 4], 99: [6, 4],
  76: [1, 5], 63: [2, 5], 73: [3, 5], 11: [4, 5], 50: [5, 5], 94: [6, 5],
  19: [1, 6], 41: [2, 6], 18: [3, 6], 95: [4, 6], 97: [5, 6],
  52: [1, 7], 86: [2, 7], 91: [4, 7],
};
const SIZE = 56;
const GAP = 4;

function svg(tag, attributes, ...children) {
  return h(`svg:${tag}`, attributes, ...children);
}

/**
 * `departments`: [{ code, name, light (GREEN|YELLOW|RED|null), text }], `onPick(code)` when a tile
 * is chosen (click or Enter).
 */
export function tileMap({ title, departments, onPick }) {
  const tiles = departments
    .filter((department) => TILES[department.code])
    .map((department) => {
      const [column, row] = TILES[department.code];
      const [x, y] = [column * (SIZE + GAP), row * (SIZE + GAP)];
      const name = `${department.name}: ${department.text}`;
      const pick = () => onPick?.(department.code);
      return svg(
        "g",
        { tabindex: 0, role: "button", "aria-label": name, class: "tesela", onclick: pick, onkeydown: (event) => event.key === "Enter" && pick() },
        svg("title", {}, name),
        svg("rect", { x, y, width: SIZE, height: SIZE, rx: 6, class: `luz-${department.light ?? "NINGUNA"}` }),
        svg("text", { x: x + SIZE / 2, y: y + SIZE / 2 + 4, "text-anchor": "middle" }, department.code),
      );
    });
  const width = 7 * (SIZE + GAP);
  const height = 8 * (SIZE + GAP);
  const legend = h(
    "p",
    { class: "ayuda" },
    ["GREEN", "YELLOW", "RED"].map((light) => [h("span", { class: `estado luz-${light}` }, label(TRAFFIC_LIGHT, light)), " "]),
    h("span", { class: "estado luz-NINGUNA" }, "Sin datos"),
    " — color de la mediana de sus municipios; el número es el código DIVIPOLA del departamento.",
  );
  return h(
    "figure",
    { class: "figura" },
    h("figcaption", {}, title),
    svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "mapa-teselas", role: "group", "aria-label": title }, tiles),
    legend,
  );
}
