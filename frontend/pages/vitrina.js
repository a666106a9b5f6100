// Vitrina de las Regiones: the public board of vacancies of the territorial entities, with
// facets (department, level, competency). A person's pages (registration, consent, profile,
// matches, applications, their data) are in vitrina-persona.js; an entity's in vitrina-entidad.js.

import { call } from "../api.js";
import { add, errorMessage, formatDate, formatNumber, h, loading, pageTitle } from "../dom.js";
import { departmentNames, facetedSearch } from "../facets.js";
import { APPOINTMENT, LEVEL, VACANCY_STATUS, label } from "../labels.js";
import * as session from "../session.js";

const PERSON_PAGES = ["registro", "confirmar", "perfil", "coincidencias", "postulaciones", "datos"];

export async function render(container, route) {
  const [page] = route.params;
  if (PERSON_PAGES.includes(page)) return (await import("./vitrina-persona.js")).render(container, route);
  if (page === "entidad") return (await import("./vitrina-entidad.js")).render(container, route);
  if (page === "vacante") return renderVacancy(container, route);
  return renderBoard(container, route);
}

/** The links of the Vitrina for whoever is here. */
export function vitrinaMenu() {
  const user = session.user();
  const links = [["#/vitrina", "Vacantes"]];
  if (!user) links.push(["#/vitrina/registro", "Registrarme"]);
  if (user?.role === "PERSON") {
    links.push(["#/vitrina/perfil", "Mi perfil"], ["#/vitrina/coincidencias", "Coincidencias"], ["#/vitrina/postulaciones", "Mis postulaciones"], ["#/vitrina/datos", "Mis datos"]);
  }
  if (user?.role === "TERRITORIAL" || user?.role === "ADMIN") links.push(["#/vitrina/entidad", "Vacantes de mi entidad"]);
  return h("nav", { class: "submenu", "aria-label": "Vitrina de las Regiones" }, h("ul", {}, links.map(([href, text]) => h("li", {}, h("a", { href }, text)))));
}

export function vacancyItem(vacancy, extra) {
  return h(
    "li",
    { class: "resultado" },
    h("h3", {}, h("a", { href: `#/vitrina/vacante/${vacancy.id}` }, vacancy.post)),
    h(
      "p",
      { class: "meta" },
      `${vacancy.entity?.name ?? vacancy.place} · ${label(LEVEL, vacancy.level)} · ${label(APPOINTMENT, vacancy.appointment)} · $${formatNumber(vacancy.salaryAmount)} mensuales`,
    ),
    h("p", {}, `Competencias: ${vacancy.competencies.join(", ")} · Cierra el ${formatDate(vacancy.closingOn)} · ${label(VACANCY_STATUS, vacancy.status)}`),
    extra,
  );
}

async function renderBoard(container, { isCurrent }) {
  const departments = await departmentNames(call);
  const name = (field, value) =>
    field === "DEPARTMENT" ? departments.get(value) ?? value : field === "LEVEL" ? label(LEVEL, value) : value;
  const first = (set) => (set && set.size ? [...set][set.size - 1] : null);
  const search = facetedSearch({
    listId: "vacantes",
    name,
    isCurrent,
    describe: (total) => (total === 1 ? "1 vacante abierta" : `${formatNumber(total)} vacantes abiertas`),
    item: ({ node }) => vacancyItem(node),
    fetchPage: async (selected, after) => {
      const filter = {
        departmentCode: first(selected.DEPARTMENT),
        level: first(selected.LEVEL),
        competency: first(selected.COMPETENCY),
      };
      const data = await call("talent", "Vacancies", { filter, first: 20, after });
      return {
        ...data.vacancies,
        facets: data.vacancyFacets.map((facet) => ({ field: facet.field.toUpperCase(), values: facet.values })),
      };
    },
  });
  add(
    container,
    pageTitle("Vitrina de las Regiones"),
    vitrinaMenu(),
    h(
      "p",
      {},
      "Empleos públicos de alcaldías y gobernaciones. Cualquiera puede consultarlos; para recibir propuestas y postularse, cree su perfil de talento: nunca es público y usted decide qué ve cada entidad.",
    ),
    search.element,
  );
  search.run(false);
}

async function renderVacancy(container, { params }) {
  const id = params[1];
  loading(container);
  try {
    const { vacancy } = await call("talent", "Vacancy", { id });
    if (!vacancy) {
      container.replaceChildren(pageTitle("Vacante no encontrada"), h("p", {}, h("a", { href: "#/vitrina" }, "Volver a las vacantes")));
      return;
    }
    const problem = h("div", { class: "mensajes", role: "status" });
    const user = session.user();
    let action = null;
    if (vacancy.status === "OPEN" && user?.role === "PERSON") {
      const button = h("button", { type: "button" }, "Postularme con mi perfil");
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          await call("talent", "ApplyToVacancy", { vacancyId: vacancy.id });
          problem.replaceChildren(h("p", { class: "exito" }, "Postulación enviada. Siga su estado en «Mis postulaciones»."));
        } catch (error) {
          problem.replaceChildren(errorMessage(error));
          button.disabled = false;
        }
      });
      action = button;
    } else if (vacancy.status === "OPEN" && !user) {
      action = h("p", {}, h("a", { href: "#/vitrina/registro" }, "Regístrese"), " o ", h("a", { href: `#/ingresar?volver=${encodeURIComponent(location.hash)}` }, "ingrese"), " para postularse.");
    }
    container.replaceChildren();
    add(
      container,
      pageTitle(vacancy.post),
      vitrinaMenu(),
      h(
        "dl",
        { class: "ficha" },
        [
          ["Entidad", vacancy.entity?.name ?? vacancy.place],
          ["Nivel", label(LEVEL, vacancy.level)],
          ["Vinculación", label(APPOINTMENT, vacancy.appointment)],
          ["Grado", vacancy.salaryGrade],
          ["Asignación mensual", `$${formatNumber(vacancy.salaryAmount)}`],
          ["Lugar", vacancy.place],
          ["Competencias", vacancy.competencies.join(", ")],
          ["Estudios", vacancy.education],
          ["Experiencia", `${vacancy.experienceMonths} meses`],
          ["Cierre", formatDate(vacancy.closingOn)],
          ["Estado", label(VACANCY_STATUS, vacancy.status)],
          ["Cómo postularse", vacancy.howToApply],
        ].map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
      ),
      action,
      problem,
    );
  } catch (error) {
    container.replaceChildren(errorMessage(error, "No se pudo abrir la vacante"));
  }
}
