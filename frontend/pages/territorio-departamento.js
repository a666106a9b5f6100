// For a department's team: the burden saved by reuse in each of its municipalities, on demand.
// The API answers one entity at a time, so the page asks a few at once and draws as they come.

import { call } from "../api.js";
import { barChart } from "../chart.js";
import { errorMessage, fill, h, percent } from "../dom.js";

const AT_ONCE = 4;

export function departmentPanel(municipalities, period) {
  const result = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", class: "secundario" }, "Comparar la carga ahorrada de sus municipios");
  button.addEventListener("click", async () => {
    button.disabled = true;
    const codes = municipalities();
    const found = [];
    let done = 0;
    const progress = h("p", { class: "cargando", role: "status" });
    fill(result, progress);
    try {
      const queue = [...codes];
      const worker = async () => {
        while (queue.length) {
          const code = queue.shift();
          const { reportingBurden: burden } = await call("reporting", "BurdenSummary", { entityCode: code, period: period() });
          if (burden.reported + burden.reused > 0) found.push(burden);
          done += 1;
          progress.textContent = `Consultando ${done} de ${codes.length} municipios…`;
        }
      };
      await Promise.all(Array.from({ length: AT_ONCE }, worker));
      found.sort((a, b) => b.burdenSaved - a.burdenSaved);
      fill(
        result,
        found.length
          ? barChart({
              title: `Carga ahorrada por reutilización en ${period()}, municipios con reportes (${found.length} de ${codes.length})`,
              rows: found.map((burden) => ({ label: burden.entity.name, value: burden.burdenSaved, tone: "tono-reutilizado" })),
              format: percent,
              max: 1,
            })
          : h("p", {}, `Ningún municipio ha reportado para ${period()}.`),
      );
    } catch (error) {
      fill(result, errorMessage(error, "No se pudo comparar a los municipios"));
    } finally {
      button.disabled = false;
    }
  });
  return h("section", { class: "panel", "aria-labelledby": "titulo-municipios" }, h("h2", { id: "titulo-municipios" }, "Sus municipios"), button, result);
}
