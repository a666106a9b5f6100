// Mi territorio, conflicts: the same datum reported with different values by two reporters
// (the municipality and its department, say). The entity's own value is served meanwhile; its
// team, or its department's, picks the value that stands, and the other stays in the history.

import { call } from "../api.js";
import { busy, errorMessage, fill, h, loading } from "../dom.js";

/** Who reported a value, as the entity's team would say it. */
function reporter(code, subject) {
  if (code === subject.code) return `${subject.name} (la propia entidad)`;
  return code.length === 2 ? `la gobernación (${code})` : `la entidad ${code}`;
}

async function allConflicts(subject) {
  const conflicts = [];
  let after = null;
  do {
    const { dataConflicts: page } = await call("reporting", "DataConflicts", { subjectCode: subject.code, first: 50, after });
    conflicts.push(...page.edges.map(({ node }) => node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return conflicts;
}

function conflictItem(conflict, subject, onChosen) {
  const problem = h("div", { class: "mensajes" });
  const choice = (value) => {
    const keep = h("button", { type: "button", class: "secundario" }, "Dejar este valor");
    keep.setAttribute("aria-label", `Dejar ${value.value}, de ${reporter(value.reporterCode, subject)}, para ${conflict.dataElementCode} ${conflict.period}`);
    keep.addEventListener("click", () =>
      busy(keep, "Guardando…", problem, async () => {
        const { resolveConflict: result } = await call("reporting", "ResolveConflict", { observationId: conflict.observationId, valueId: value.id });
        onChosen(`Queda vigente ${result.value} para ${conflict.dataElementCode} (${conflict.period}); el otro valor queda en el historial como rechazado.`);
      }),
    );
    const served = value.value === conflict.currentValue ? h("span", { class: "meta" }, " — el que se usa mientras tanto") : null;
    const unit = conflict.dataElement?.unit ? ` ${conflict.dataElement.unit}` : "";
    return h("li", {}, h("strong", {}, value.value), unit, ` reportado por ${reporter(value.reporterCode, subject)}`, served, " ", keep);
  };
  return h(
    "article",
    { class: "conflicto" },
    h("h4", {}, conflict.dataElement?.name ?? conflict.dataElementCode, h("span", { class: "codigo" }, ` ${conflict.dataElementCode}`), `, periodo ${conflict.period}`),
    h("ul", {}, conflict.values.map(choice)),
    problem,
  );
}

async function load(list, subject, onResolved, notice) {
  loading(list, "Buscando datos en conflicto…");
  try {
    const conflicts = await allConflicts(subject);
    const chosen = (message) => {
      load(list, subject, onResolved, message);
      onResolved();
    };
    fill(
      list,
      notice && h("p", { class: "exito", role: "status" }, notice),
      conflicts.length === 0
        ? h("p", {}, "No hay datos en conflicto para esta entidad.")
        : [
            h("p", {}, `${conflicts.length} ${conflicts.length === 1 ? "dato tiene" : "datos tienen"} valores distintos de reportantes distintos. Elija el valor correcto de cada uno.`),
            conflicts.map((conflict) => conflictItem(conflict, subject, chosen)),
          ],
    );
  } catch (error) {
    list.replaceChildren(errorMessage(error, "No se pudieron consultar los datos en conflicto"));
  }
}

/** The entity's conflicts in every period; `onResolved` runs after each choice. */
export function conflictsPanel(subject, onResolved) {
  const list = h("div", { id: "lista-conflictos" });
  load(list, subject, onResolved);
  return h("section", { class: "conflictos", "aria-labelledby": "titulo-conflictos" }, h("h3", { id: "titulo-conflictos" }, "Datos en conflicto"), list);
}
