// A knowledge product's Markdown as a page: headings, paragraphs, lists, tables, quotes and
// code, with bold, italics, inline code and web links. Built from DOM nodes, never parsed as
// HTML: whatever the text holds (<script>, onerror=…) shows as text and runs nothing.

import { h } from "./dom.js";

const INLINE = /(\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/;

/** Inline marks of one line of text, as nodes. */
export function inline(text) {
  return text.split(INLINE).filter(Boolean).map((part) => {
    if (/^(\*\*|__).+\1$/.test(part)) return h("strong", {}, inline(part.slice(2, -2)));
    if (/^`.+`$/.test(part)) return h("code", {}, part.slice(1, -1));
    if (/^[*_].+[*_]$/.test(part) && part[0] === part.at(-1)) return h("em", {}, inline(part.slice(1, -1)));
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
    if (link) {
      // Only web addresses become links: «javascript:» or «data:» stay text.
      return /^https?:\/\//i.test(link[2]) ? h("a", { href: link[2], rel: "noopener noreferrer" }, link[1]) : `${link[1]} (${link[2]})`;
    }
    return part;
  });
}

const cells = (line) => line.trim().replace(/^\||\|$/g, "").split("|").map((cell) => cell.trim());
const isRule = (line) => /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line);

/** The blocks of a Markdown text, as elements; a first heading that repeats `title` is left out. */
export function markdown(text, title = null) {
  const lines = String(text ?? "").replace(/\r\n?/g, "\n").split("\n");
  const blocks = [];
  let index = 0;
  const take = (test) => {
    const taken = [];
    while (index < lines.length && test(lines[index])) taken.push(lines[index++]);
    return taken;
  };
  while (index < lines.length) {
    const line = lines[index];
    if (!line.trim()) {
      index += 1;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      // The page's own title is the h1: a document's headings start one level below it.
      const level = Math.min(heading[1].length + 1, 6);
      blocks.push(h(`h${level}`, {}, inline(heading[2])));
      index += 1;
    } else if (/^```/.test(line)) {
      index += 1;
      const code = take((l) => !/^```/.test(l));
      index += 1;
      blocks.push(h("pre", {}, h("code", {}, code.join("\n"))));
    } else if (/^\s*[-*+]\s+/.test(line)) {
      const items = take((l) => /^\s*[-*+]\s+/.test(l));
      blocks.push(h("ul", {}, items.map((item) => h("li", {}, inline(item.replace(/^\s*[-*+]\s+/, ""))))));
    } else if (/^\s*\d+[.)]\s+/.test(line)) {
      const items = take((l) => /^\s*\d+[.)]\s+/.test(l));
      blocks.push(h("ol", {}, items.map((item) => h("li", {}, inline(item.replace(/^\s*\d+[.)]\s+/, ""))))));
    } else if (/^\s*>/.test(line)) {
      const quoted = take((l) => /^\s*>/.test(l)).map((l) => l.replace(/^\s*>\s?/, ""));
      blocks.push(h("blockquote", {}, h("p", {}, inline(quoted.join(" ")))));
    } else if (line.includes("|") && index + 1 < lines.length && isRule(lines[index + 1])) {
      const head = cells(line);
      index += 2;
      const rows = take((l) => l.includes("|") && l.trim() !== "").map(cells);
      blocks.push(
        h("div", { class: "tabla-desplazable" },
          h("table", {},
            h("thead", {}, h("tr", {}, head.map((cell) => h("th", { scope: "col" }, inline(cell))))),
            h("tbody", {}, rows.map((row) => h("tr", {}, head.map((_, column) => h("td", {}, inline(row[column] ?? "")))))))),
      );
    } else {
      const paragraph = take((l) => l.trim() !== "" && !/^(#{1,6}\s|```|\s*[-*+]\s+|\s*\d+[.)]\s+|\s*>)/.test(l));
      if (!paragraph.length) paragraph.push(lines[index++]);
      blocks.push(h("p", {}, inline(paragraph.join(" "))));
    }
  }
  const first = blocks[0];
  if (title && /^H\d$/.test(first?.tagName ?? "") && first.textContent.trim() === title.trim()) blocks.shift();
  return blocks;
}
