// Importar un archivo heredado de ejecución presupuestal (#/gasto/importar): a territorial team
// chooses its file (as its spreadsheet or the FUT exports it), sees first how each row would be
// classified through the account mapping that Función Pública keeps — and which rows map to no
// unit, by line — and then imports it through the report-once path.

import { call } from "../api.js";
import { add, busy, errorMessage, field, fill, formatNumber, h, pageTitle, select } from "../dom.js";
import * as session from "../session.js";

const pesos = new Intl.NumberFormat("es-CO", { maximumFractionDigits: 0 });
const money = (value) => `$ ${pesos.format(value)}`;

/** Spreadsheets in Colombia often save CSV as Windows-1252: read UTF-8 when it is, else that. */
async function readText(file) {
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/** The same file imported twice is the same delivery: its key comes from its content (FNV-1a). */
function fingerprint(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${hash.toString(16)}-${text.length}`;
}

function count(n, one, many) {
  return `${pesos.format(n)} ${n === 1 ? one : many}`;
}

function summary(result) {
  const saved = result.dryRun
    ? "Revisión: no se guardó nada."
    : `Guardado por la ruta de «reportar una sola vez»: ${count(result.accepted, "valor aceptado", "valores aceptados")} (${count(result.corrections, "corrección", "correcciones")}, ${count(result.duplicates, "ya reportado", "ya reportados")}, ${count(result.conflicts, "en conflicto", "en conflicto")}).`;
  return h(
    "div",
    { class: result.dryRun ? "aviso" : "exito" },
    h("p", {}, `${count(result.rows, "fila leída", "filas leídas")}: ${count(result.classifiedRows, "clasificada", "clasificadas")} en ${count(result.units.length, "unidad programática", "unidades programáticas")}; ${count(result.totalLines.length, "fila de totales omitida", "filas de totales omitidas")} para no contar dos veces; ${count(result.unmapped.length, "sin correspondencia", "sin correspondencia")}.`),
    h("p", {}, saved),
    result.throughCrosswalk.length > 0 && h("p", { class: "ayuda" }, `Unidades retiradas, mostradas por el cruce: ${result.throughCrosswalk.join(", ")}.`),
  );
}

function unitsTable(units) {
  return h(
    "div",
    { class: "tabla-desplazable" },
    h(
      "table",
      { id: "tabla-importacion" },
      h("caption", {}, "Gasto por unidad programática según el archivo"),
      h("thead", {}, h("tr", {}, h("th", {}, "Unidad"), h("th", {}, "Líneas del archivo"), h("th", {}, "Apropiación"), h("th", {}, "Compromisos"), h("th", {}, "Pagos"))),
      h(
        "tbody",
        {},
        units.map((u) =>
          h("tr", {}, h("td", {}, u.unitCode), h("td", {}, u.lines.join(", ")), h("td", { class: "numero" }, money(u.amounts.appropriation)), h("td", { class: "numero" }, money(u.amounts.commitments)), h("td", { class: "numero" }, money(u.amounts.payments))),
        ),
      ),
    ),
  );
}

function unmappedTable(rows) {
  if (rows.length === 0) return h("p", {}, "Todas las filas de detalle tienen correspondencia con una unidad.");
  return h(
    "div",
    { class: "tabla-desplazable" },
    h(
      "table",
      { id: "tabla-sin-correspondencia" },
      h("caption", {}, "Filas sin correspondencia: quedan fuera del gasto clasificado (pida a Función Pública la correspondencia de su cuenta)"),
      h("thead", {}, h("tr", {}, h("th", {}, "Línea"), h("th", {}, "Cuenta"), h("th", {}, "Nombre"), h("th", {}, "Compromisos"))),
      h("tbody", {}, rows.map((r) => h("tr", {}, h("td", {}, String(r.line)), h("td", {}, r.accountCode), h("td", {}, r.name || "—"), h("td", { class: "numero" }, money(r.amounts.commitments))))),
    ),
  );
}

async function mappingList(box) {
  try {
    const found = (await call("classification", "AccountMapping", { first: 100 })).accountMapping;
    fill(
      box,
      h(
        "details",
        {},
        h("summary", {}, `Correspondencia de cuentas con unidades (${formatNumber(found.totalCount)} cuentas)`),
        h("p", { class: "ayuda" }, "Una subcuenta corresponde a la unidad de su cuenta más cercana que tenga correspondencia."),
        h("ul", {}, found.edges.map(({ node }) => h("li", {}, h("strong", {}, node.accountCode), ` → ${node.unitCode}`, node.note && h("span", { class: "ayuda" }, ` ${node.note}`)))),
        found.pageInfo.hasNextPage && h("p", { class: "ayuda" }, "Se muestran las primeras 100."),
      ),
    );
  } catch (error) {
    box.replaceChildren(errorMessage(error, "No se pudo cargar la correspondencia de cuentas"));
  }
}

export async function importPage(container) {
  add(
    container,
    pageTitle("Importar un archivo heredado de ejecución presupuestal"),
    h("p", { class: "resumen" }, "Suba el archivo de ejecución de su entidad (CSV con las columnas cuenta, apropiacion, compromisos, obligaciones y pagos, y opcionalmente nombre; separado por «;» o «,»). Primero revise cómo se clasifica cada fila; luego impórtelo."),
    h("p", {}, h("a", { href: "#/gasto" }, "Volver a la clasificación del gasto")),
  );
  const mappingBox = h("div", {});
  add(container, mappingBox);
  const user = session.user();
  if (user?.role !== "TERRITORIAL" || !user.entity) {
    add(container, h("p", { class: "aviso" }, "Para importar, ingrese como usuario de una entidad territorial."));
    await mappingList(mappingBox);
    return;
  }
  const thisYear = new Date().getFullYear();
  const years = Array.from({ length: 6 }, (_, i) => thisYear - i).map((y) => [y, String(y)]);
  const yearSelect = select("vigencia", years, thisYear - 1);
  const fileInput = h("input", { type: "file", name: "archivo", accept: ".csv,.txt,text/csv", required: true });
  const check = h("button", { type: "submit", value: "revisar" }, "Revisar el archivo");
  const save = h("button", { type: "submit", value: "importar", class: "boton-claro" }, "Importar");
  const message = h("div", { "aria-live": "polite" });
  const result = h("div", {});
  const form = h(
    "form",
    {
      class: "formulario",
      onsubmit: (event) => {
        event.preventDefault();
        const dryRun = event.submitter !== save;
        busy(dryRun ? check : save, dryRun ? "Revisando…" : "Importando…", message, async () => {
          const file = fileInput.files?.[0];
          if (!file) throw new Error("Elija el archivo de ejecución");
          const csv = await readText(file);
          const input = { entityCode: user.entity.code, vigencia: Number(yearSelect.value), idempotencyKey: `heredado-${user.entity.code}-${yearSelect.value}-${fingerprint(csv)}`, csv, dryRun };
          const imported = (await call("classification", "ImportLegacySpending", { input })).importLegacySpending;
          fill(
            result,
            summary(imported),
            imported.units.length > 0 && unitsTable(imported.units),
            h("h2", {}, "Filas sin correspondencia"),
            unmappedTable(imported.unmapped),
            !imported.dryRun && h("p", {}, h("a", { href: `#/gasto?entidad=${user.entity.code}&vigencia=${yearSelect.value}` }, "Ver el gasto clasificado de su entidad")),
          );
        });
      },
    },
    h("p", {}, `Entidad: ${user.entity.name} (${user.entity.code})`),
    field("Vigencia", yearSelect),
    field("Archivo de ejecución", fileInput, "Las filas de totales (una cuenta con subcuentas en el mismo archivo) se omiten para no contar dos veces."),
    h("div", { class: "fila" }, check, save),
    message,
  );
  add(container, form, result);
  await mappingList(mappingBox);
}
