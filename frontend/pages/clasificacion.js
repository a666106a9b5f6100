// Clasificación del gasto: the catalogue of competencies → programmatic units → services as a
// tree, version by version, and what changed between two versions; the proposals of national
// entities and Función Pública's approval; and a territory's spending by competency beside its
// peers. The catalogue and the spending are public; proposing and deciding need a session.
// Importing a legacy execution file is its own page (clasificacion-importar.js).

import { call } from "../api.js";
import { barChart } from "../chart.js";
import { add, busy, errorMessage, field, fill, formatDate, h, loading, pageTitle, percent, select } from "../dom.js";
import { label, PEER_KIND } from "../labels.js";
import * as session from "../session.js";
import { importPage } from "./clasificacion-importar.js";

const SYNTHETIC = "datos sintéticos de demostración";
const pesos = new Intl.NumberFormat("es-CO", { maximumFractionDigits: 0 });
const DIFFERENCE = { ADDED: "Nuevo", RETIRED: "Retirado", RENAMED: "Cambió de nombre", CHANGED: "Cambió su descripción o base legal" };
const CHANGE = { ADD: "Nuevo elemento", RENAME: "Cambio de nombre", SPLIT: "División", MERGE: "Fusión", RETIRE: "Retiro" };
const STATUS = { PENDING: "En revisión", APPROVED: "Aprobada", REJECTED: "Rechazada" };
const LEVEL = { COMPETENCY: "Competencia", UNIT: "Unidad programática", SERVICE: "Servicio" };

function money(value) {
  return value === null || value === undefined ? "—" : `$ ${pesos.format(value)}`;
}

function versionOptions(versions) {
  return versions.map((v) => [v.number, `Versión ${v.number} — rige desde ${formatDate(v.effectiveOn)}`]);
}

/** The tree: one disclosure per competency, its units and their services. */
function tree(catalogue) {
  return h(
    "div",
    { class: "arbol-catalogo" },
    catalogue.competencies.map((competency) =>
      h(
        "details",
        { class: "competencia" },
        h("summary", {}, h("strong", {}, competency.code), ` ${competency.name} `, h("span", { class: "ayuda" }, `(${competency.children.length} unidades)`)),
        h("p", { class: "ayuda" }, competency.legalBasis),
        h(
          "ul",
          {},
          competency.children.map((unit) =>
            h(
              "li",
              { class: "unidad" },
              h("strong", {}, unit.code),
              ` ${unit.name}`,
              unit.children.length > 0 &&
                h("ul", {}, unit.children.map((service) => h("li", { class: "servicio" }, `${service.code} ${service.name}`))),
            ),
          ),
        ),
      ),
    ),
  );
}

/** What each service delivered cost, where an indicator counts it, beside the department's median. */
function serviceCosts(competencies) {
  const rows = competencies.flatMap((c) => c.units.flatMap((unit) => unit.services.map((service) => ({ unit, service }))));
  if (rows.length === 0) return null;
  return h(
    "div",
    { class: "tabla-desplazable" },
    h(
      "table",
      { id: "tabla-costo-servicio" },
      h("caption", {}, "Costo por servicio entregado (compromisos de la unidad sobre lo que cuenta su indicador)"),
      h("thead", {}, h("tr", {}, h("th", {}, "Unidad"), h("th", {}, "Servicio"), h("th", {}, "Entregados"), h("th", {}, "Costo por servicio"), h("th", {}, "Mediana del departamento"))),
      h(
        "tbody",
        {},
        rows.map(({ unit, service }) =>
          h(
            "tr",
            {},
            h("td", {}, h("strong", {}, unit.code), ` ${unit.name}`),
            h("td", {}, service.serviceName, h("div", { class: "ayuda" }, `Indicador: ${service.indicatorName}`)),
            h("td", { class: "numero" }, service.delivered === null ? "—" : `${pesos.format(service.delivered)} ${service.measure}`),
            h("td", { class: "numero" }, money(service.costPerService)),
            h("td", { class: "numero" }, money(peerMedian(service.peers, "DEPARTMENT"))),
          ),
        ),
      ),
    ),
  );
}

function proposalRow(proposal, decide) {
  const parts = proposal.parts.map((p) => `${p.code}${p.name ? ` (${p.name})` : ""}: ${p.sharePercent} %`).join("; ");
  return h(
    "tr",
    { "data-id": proposal.id },
    h("td", {}, decide?.checkbox(proposal)),
    h("td", {}, label(CHANGE, proposal.kind)),
    h("td", {}, proposal.codes.join(", "), proposal.name && h("br"), proposal.name, parts && h("br"), parts && h("span", { class: "ayuda" }, parts)),
    h("td", {}, proposal.reason),
    h("td", {}, proposal.proposerCode),
    h(
      "td",
      {},
      h("strong", {}, label(STATUS, proposal.status)),
      proposal.version && ` (versión ${proposal.version})`,
      proposal.decisionNote && h("br"),
      proposal.decisionNote && h("span", { class: "ayuda" }, proposal.decisionNote),
    ),
    h("td", {}, decide?.reject(proposal)),
  );
}

function peerMedian(peers, kind) {
  return peers.find((peer) => peer.kind === kind)?.spread?.median ?? null;
}

export async function render(container, { params, query, isCurrent }) {
  if (params[0] === "importar") return importPage(container);
  const user = session.user();
  const state = {
    version: query.get("version") ? Number(query.get("version")) : null,
    entity: query.get("entidad") ?? user?.entity?.code ?? "05001",
    vigencia: Number(query.get("vigencia") ?? "2025"),
  };
  add(
    container,
    pageTitle("Clasificación del gasto"),
    h(
      "p",
      { class: "resumen" },
      "El catálogo de competencias, unidades programáticas y servicios que administra Función Pública, sus versiones y el gasto que cada territorio reporta una sola vez contra él.",
    ),
  );
  const status = h("div", { role: "status", "aria-live": "polite" });
  add(container, status);
  loading(status);
  let versions;
  try {
    versions = (await call("classification", "CatalogueVersions")).catalogueVersions;
  } catch (error) {
    status.replaceChildren(errorMessage(error, "No se pudo cargar el catálogo"));
    return;
  }
  if (!isCurrent()) return;
  status.replaceChildren();
  if (versions.length === 0) {
    add(container, h("p", {}, "El catálogo aún no tiene versiones aprobadas."));
  }
  if (versions.some((v) => v.note.includes(SYNTHETIC))) {
    add(container, h("p", { class: "sintetico" }, `Atención: la estructura sigue la Ley 715 de 2001 y la Ley 1551 de 2012, pero los códigos, las versiones y los montos son ${SYNTHETIC}.`));
  }

  // The catalogue: a version, its tree, a search and the exports.
  const catalogueSection = h("section", { "aria-labelledby": "titulo-catalogo" });
  const versionSelect = select("version", versionOptions(versions), state.version ?? versions.at(-1)?.number ?? "");
  versionSelect.id = "cat-version";
  const searchInput = h("input", { id: "cat-buscar", name: "buscar", type: "search", maxlength: 100, placeholder: "p. ej. acueducto", value: query.get("buscar") ?? "" });
  const treeBox = h("div", { id: "arbol" });
  const searchBox = h("div", { id: "resultados-catalogo", "aria-live": "polite" });
  const exports = h("p", {});
  add(
    catalogueSection,
    h("h2", { id: "titulo-catalogo" }, "Catálogo"),
    h(
      "form",
      { class: "buscador", autocomplete: "off", onsubmit: (event) => { event.preventDefault(); showCatalogue(); } },
      h("div", { class: "fila" }, field("Versión", versionSelect), field("Buscar en el catálogo", searchInput), h("button", { type: "submit" }, "Ver")),
    ),
    exports,
    searchBox,
    treeBox,
  );

  async function showCatalogue() {
    const version = Number(versionSelect.value) || null;
    fill(
      exports,
      h("a", { class: "boton-claro", href: `/clasificacion/catalogo.csv${version ? `?version=${version}` : ""}`, download: true }, "Descargar CSV"),
      " ",
      h("a", { class: "boton-claro", href: `/clasificacion/catalogo.json${version ? `?version=${version}` : ""}` }, "Descargar JSON"),
    );
    loading(treeBox);
    searchBox.replaceChildren();
    try {
      const catalogue = (await call("classification", "CatalogueTree", { version })).catalogue;
      fill(
        treeBox,
        h("p", {}, `Versión ${catalogue.version.number}, rige desde ${formatDate(catalogue.version.effectiveOn)}: ${catalogue.version.note}`),
        tree(catalogue),
      );
      const text = searchInput.value.trim();
      if (text) {
        const found = (await call("classification", "CatalogueSearch", { version, query: text })).catalogue.items;
        fill(
          searchBox,
          h("h3", {}, `${found.length} resultado${found.length === 1 ? "" : "s"} para «${text}»`),
          h("ul", {}, found.map((item) => h("li", { class: "resultado" }, h("strong", {}, item.code), ` ${item.name} `, h("span", { class: "ayuda" }, label(LEVEL, item.level))))),
        );
      }
    } catch (error) {
      treeBox.replaceChildren(errorMessage(error, "No se pudo cargar el catálogo"));
    }
  }

  // What changed between two versions.
  const diffSection = h("section", { "aria-labelledby": "titulo-cambios" });
  const fromSelect = select("desde", versionOptions(versions), versions.at(-2)?.number ?? versions[0]?.number ?? "");
  const toSelect = select("hasta", versionOptions(versions), versions.at(-1)?.number ?? "");
  const diffBox = h("div", { class: "tabla-desplazable" });
  add(
    diffSection,
    h("h2", { id: "titulo-cambios" }, "Qué cambió entre dos versiones"),
    h(
      "form",
      { class: "buscador", onsubmit: (event) => { event.preventDefault(); showDiff(); } },
      h("div", { class: "fila" }, field("Desde", fromSelect), field("Hasta", toSelect), h("button", { type: "submit" }, "Comparar")),
    ),
    diffBox,
  );

  async function showDiff() {
    if (!fromSelect.value || !toSelect.value) return;
    loading(diffBox);
    try {
      const rows = (await call("classification", "CatalogueDiff", { from: Number(fromSelect.value), to: Number(toSelect.value) })).catalogueDiff;
      fill(
        diffBox,
        rows.length === 0
          ? h("p", {}, "Las dos versiones son iguales.")
          : h(
              "table",
              { id: "tabla-cambios" },
              h("caption", {}, `Cambios de la versión ${fromSelect.value} a la ${toSelect.value}`),
              h("thead", {}, h("tr", {}, h("th", {}, "Código"), h("th", {}, "Nivel"), h("th", {}, "Cambio"), h("th", {}, "Antes"), h("th", {}, "Después"))),
              h(
                "tbody",
                {},
                rows.map((row) =>
                  h("tr", { class: `cambio-${row.kind.toLowerCase()}` }, h("td", {}, row.code), h("td", {}, label(LEVEL, row.level)), h("td", {}, label(DIFFERENCE, row.kind)), h("td", {}, row.nameBefore ?? "—"), h("td", {}, row.nameAfter ?? "—")),
                ),
              ),
            ),
      );
    } catch (error) {
      diffBox.replaceChildren(errorMessage(error, "No se pudo comparar"));
    }
  }

  // The protocol: proposals, and Función Pública's decisions.
  const protocolSection = h("section", { "aria-labelledby": "titulo-propuestas" });
  const proposalsBox = h("div", { class: "tabla-desplazable" });
  const protocolMessage = h("div", { "aria-live": "polite" });
  add(protocolSection, h("h2", { id: "titulo-propuestas" }, "Propuestas de cambio"), protocolMessage, proposalsBox);
  const administers = user && ["NATIONAL", "SECRETARIAT"].includes(user.role) && user.organisation?.code === "DAFP";
  const proposes = user && ["NATIONAL", "SECRETARIAT"].includes(user.role);

  async function showProposals() {
    loading(proposalsBox);
    try {
      const pending = (await call("classification", "CatalogueProposals", { status: "PENDING", first: 50 })).catalogueProposals;
      const decided = (await call("classification", "CatalogueProposals", { first: 10 })).catalogueProposals.edges
        .map((edge) => edge.node)
        .filter((proposal) => proposal.status !== "PENDING");
      const chosen = new Set();
      const decide = administers
        ? {
            checkbox: (proposal) =>
              h("input", { type: "checkbox", "aria-label": `Seleccionar ${proposal.codes.join(", ")}`, onchange: (event) => (event.target.checked ? chosen.add(proposal.id) : chosen.delete(proposal.id)) }),
            reject: (proposal) => {
              const note = h("input", { name: "nota-rechazo", "aria-label": `Motivo del rechazo de ${proposal.codes.join(", ")}`, maxlength: 2000, placeholder: "Motivo" });
              const button = h("button", { type: "button", class: "boton-claro" }, "Rechazar");
              button.addEventListener("click", () =>
                busy(button, "Rechazando…", protocolMessage, async () => {
                  await call("classification", "RejectCatalogueChange", { id: proposal.id, note: note.value });
                  await showProposals();
                  protocolMessage.replaceChildren(h("p", { class: "exito" }, "Propuesta rechazada."));
                }),
              );
              return h("div", {}, note, button);
            },
          }
        : null;
      const parts = [
        h(
          "table",
          { id: "tabla-propuestas" },
          h("caption", {}, `${pending.totalCount} propuesta${pending.totalCount === 1 ? "" : "s"} en revisión`),
          h("thead", {}, h("tr", {}, h("th", {}, administers ? "Aprobar" : ""), h("th", {}, "Cambio"), h("th", {}, "Códigos"), h("th", {}, "Justificación"), h("th", {}, "Propone"), h("th", {}, "Estado"), h("th", {}, administers ? "Rechazar" : ""))),
          h("tbody", {}, pending.edges.map((edge) => proposalRow(edge.node, decide))),
        ),
      ];
      if (administers && pending.totalCount > 0) {
        const date = h("input", { name: "effectiveOn", type: "date", value: new Date().toISOString().slice(0, 10) });
        const note = h("input", { name: "note", maxlength: 2000, value: "" });
        const button = h("button", { type: "submit" }, "Aprobar como nueva versión");
        parts.push(
          h(
            "form",
            {
              "aria-label": "Aprobar propuestas",
              class: "buscador",
              onsubmit: (event) => {
                event.preventDefault();
                busy(button, "Aprobando…", protocolMessage, async () => {
                  const result = await call("classification", "ApproveCatalogueChanges", { input: { proposalIds: [...chosen], effectiveOn: date.value, note: note.value } });
                  await showProposals();
                  protocolMessage.replaceChildren(h("p", { class: "exito" }, `Versión ${result.approveCatalogueChanges.version.number} aprobada.`));
                });
              },
            },
            h("div", { class: "fila" }, field("Rige desde", date), field("Nota de aprobación", note), button),
          ),
        );
      }
      if (decided.length > 0) {
        parts.push(
          h(
            "table",
            { id: "tabla-decididas" },
            h("caption", {}, "Decisiones recientes"),
            h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, "Cambio"), h("th", {}, "Códigos"), h("th", {}, "Justificación"), h("th", {}, "Propone"), h("th", {}, "Estado"), h("th", {}, ""))),
            h("tbody", {}, decided.map((proposal) => proposalRow(proposal, null))),
          ),
        );
      }
      fill(proposalsBox, parts);
    } catch (error) {
      proposalsBox.replaceChildren(errorMessage(error, "No se pudieron cargar las propuestas"));
    }
  }

  if (proposes) {
    const kind = select("kind", Object.entries(CHANGE), "ADD");
    const level = select("level", Object.entries(LEVEL), "UNIT");
    const inputs = {
      code: h("input", { name: "code", maxlength: 32, required: true }),
      parentCode: h("input", { name: "parentCode", maxlength: 32 }),
      name: h("input", { name: "name", maxlength: 200 }),
      parts: h("textarea", { name: "parts", rows: 3, placeholder: "CÓDIGO;porcentaje;nombre si es nueva" }),
      reason: h("textarea", { name: "reason", rows: 2, required: true, maxlength: 2000 }),
    };
    const button = h("button", { type: "submit" }, "Proponer");
    const message = h("div", { "aria-live": "polite" });
    const form = h(
      "form",
      {
        "aria-label": "Proponer un cambio",
        id: "formulario-propuesta",
        onsubmit: (event) => {
          event.preventDefault();
          busy(button, "Enviando…", message, async () => {
            const parts = inputs.parts.value
              .split("\n")
              .map((line) => line.split(";").map((part) => part.trim()))
              .filter((fields) => fields[0])
              .map(([code, share, name]) => ({ code, sharePercent: Number(share), name: name || null }));
            const code = inputs.code.value.trim();
            const input = { kind: kind.value, reason: inputs.reason.value };
            if (kind.value === "ADD") {
              input.item = {
                code, level: level.value, parentCode: inputs.parentCode.value.trim() || null, name: inputs.name.value,
                description: inputs.name.value, entityKinds: ["MUNICIPALITY", "DISTRICT"], legalBasis: "Ley 715 de 2001; Ley 1551 de 2012",
              };
            } else if (kind.value === "MERGE") {
              input.codes = code.split(",").map((c) => c.trim());
              input.into = parts[0] ?? { code: "", sharePercent: 100 };
            } else {
              input.code = code;
              if (kind.value === "RENAME") input.name = inputs.name.value;
              else input.parts = parts;
            }
            await call("classification", "ProposeCatalogueChange", { input });
            message.replaceChildren(h("p", { class: "exito" }, "Propuesta enviada a Función Pública."));
            await showProposals();
          });
        },
      },
      h("h3", {}, "Proponer un cambio"),
      field("Tipo de cambio", kind),
      field("Nivel (si es nuevo)", level),
      field("Código (varios separados por coma para fusionar)", inputs.code),
      field("Código del padre (si es nuevo)", inputs.parentCode),
      field("Nombre", inputs.name),
      field("Partes, destino o sucesores", inputs.parts, "Una por línea: CÓDIGO;porcentaje;nombre. Los porcentajes de un código suman 100."),
      field("Justificación", inputs.reason),
      button,
      message,
    );
    add(protocolSection, form);
  }

  // A territory's spending by competency, beside its peers.
  const spendingSection = h("section", { "aria-labelledby": "titulo-gasto" });
  const entityInput = h("input", { name: "entidad", value: state.entity, maxlength: 5, inputmode: "numeric", size: 6 });
  const yearInput = h("input", { name: "vigencia", value: String(state.vigencia), maxlength: 4, inputmode: "numeric", size: 5 });
  const spendingBox = h("div", {});
  add(
    spendingSection,
    h("h2", { id: "titulo-gasto" }, "Gasto de un territorio por competencia"),
    user?.role === "TERRITORIAL" && h("p", {}, h("a", { href: "#/gasto/importar" }, "Importar un archivo heredado de ejecución presupuestal")),
    h(
      "form",
      { class: "buscador", onsubmit: (event) => { event.preventDefault(); showSpending(); } },
      h("div", { class: "fila" }, field("Entidad (código DIVIPOLA)", entityInput), field("Vigencia", yearInput), h("button", { type: "submit" }, "Consultar gasto")),
    ),
    spendingBox,
  );

  async function showSpending() {
    loading(spendingBox);
    try {
      const view = (await call("classification", "ClassifiedSpending", { entityCode: entityInput.value.trim(), vigencia: Number(yearInput.value) })).classifiedSpending;
      const rows = view.competencies.map((c) =>
        h(
          "tr",
          {},
          h("td", {}, h("strong", {}, c.code), ` ${c.name}`),
          h("td", { class: "numero" }, money(c.execution.appropriation)),
          h("td", { class: "numero" }, money(c.execution.commitments)),
          h("td", { class: "numero" }, money(c.execution.payments)),
          h("td", { class: "numero" }, money(c.perInhabitant)),
          h("td", {}, c.peers.map((peer) => h("div", {}, `${label(PEER_KIND, peer.kind)}: `, peer.spread ? `mediana ${money(peer.spread.median)} (${peer.spread.count})` : "sin datos"))),
        ),
      );
      const chartRows = view.competencies
        .filter((c) => c.perInhabitant !== null)
        .flatMap((c) => [
          { label: `${c.name}`, value: c.perInhabitant, tone: "tono-reutilizado" },
          { label: `${c.name} — mediana del departamento`, value: peerMedian(c.peers, "DEPARTMENT") ?? 0, tone: "tono-cumplido" },
        ]);
      fill(
        spendingBox,
        h("h3", {}, `${view.entity.name} (${view.entity.code}) en ${view.vigencia}, en códigos de la versión ${view.catalogueVersion}`),
        h(
          "p",
          {},
          `Clasificado: ${money(view.classified.commitments)} comprometidos`,
          view.classifiedShare !== null ? ` — ${percent(view.classifiedShare)} del gasto total reportado (${money(view.totalSpending)}).` : ". Sin gasto total reportado para calcular la parte clasificada.",
          view.population !== null ? ` Población: ${pesos.format(view.population)} habitantes.` : "",
        ),
        view.translatedCodes.length > 0 && h("p", { class: "ayuda" }, `Reportado con códigos anteriores, mostrados por el cruce: ${view.translatedCodes.join(", ")}.`),
        view.unclassified.length > 0 && h("p", { class: "ayuda" }, `Sin clasificar (códigos retirados sin sucesor): ${view.unclassified.map((u) => `${u.code} ${money(u.execution.commitments)}`).join("; ")}.`),
        view.competencies.length === 0
          ? h("p", {}, "Esta entidad no ha reportado gasto clasificado en esta vigencia.")
          : [
              h(
                "div",
                { class: "tabla-desplazable" },
                h(
                  "table",
                  { id: "tabla-gasto" },
                  h("caption", {}, "Ejecución por competencia (compromisos por habitante frente a sus pares)"),
                  h("thead", {}, h("tr", {}, h("th", {}, "Competencia"), h("th", {}, "Apropiación"), h("th", {}, "Compromisos"), h("th", {}, "Pagos"), h("th", {}, "Por habitante"), h("th", {}, "Pares"))),
                  h("tbody", {}, rows),
                ),
              ),
              serviceCosts(view.competencies),
              chartRows.length > 0 && barChart({ title: "Compromisos por habitante: la entidad y la mediana de su departamento", rows: chartRows, format: (value) => money(value), valueWidth: 110 }),
            ],
      );
    } catch (error) {
      spendingBox.replaceChildren(errorMessage(error, "No se pudo consultar el gasto"));
    }
  }

  add(container, catalogueSection, diffSection, protocolSection, spendingSection);
  if (versions.length > 0) await Promise.all([showCatalogue(), showDiff(), showProposals(), showSpending()]);
  else await showProposals();
}
