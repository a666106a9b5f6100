// The Vitrina for a territorial entity's team: its vacancies (publish, close), and for each
// the applicants with the stage of each application and the candidates who match it, shown
// only with what each person agreed to show.

import { call } from "../api.js";
import { add, busy, errorMessage, field, formatDate, h, loading, pageTitle, select } from "../dom.js";
import { APPOINTMENT, LEVEL, STAGE, label } from "../labels.js";
import * as session from "../session.js";
import { vacancyItem, vitrinaMenu } from "./vitrina.js";

export async function render(container, { params }) {
  const user = session.user();
  if (user?.role !== "TERRITORIAL" && user?.role !== "ADMIN") {
    add(container, pageTitle("Vacantes de mi entidad"), vitrinaMenu(), h("p", {}, "Esta página es de los equipos de las alcaldías y gobernaciones. ", h("a", { href: `#/ingresar?volver=${encodeURIComponent(location.hash)}` }, "Ingresar"), "."));
    return;
  }
  if (params[1]) return applicants(container, params[1]);
  return vacancies(container, user);
}

async function vacancies(container, user) {
  const entityCode = user.entity?.code ?? "";
  loading(container);
  let list = [];
  try {
    if (entityCode) list = (await call("talent", "EntityVacancies", { entityCode })).vacancies.edges.map(({ node }) => node);
  } catch (error) {
    container.replaceChildren(errorMessage(error, "No se pudieron consultar sus vacantes"));
    return;
  }
  container.replaceChildren();
  add(
    container,
    pageTitle(`Vacantes de ${user.entity?.name ?? "mi entidad"}`),
    vitrinaMenu(),
    list.length
      ? h("ul", { class: "resultados", id: "vacantes-propias" }, list.map((vacancy) => vacancyItem(vacancy, h("p", {}, h("a", { href: `#/vitrina/entidad/${vacancy.id}` }, "Postulantes y candidatos")))))
      : h("p", {}, "Su entidad aún no ha publicado vacantes."),
    h("h2", {}, "Publicar una vacante"),
    publishForm(entityCode),
  );
}

function publishForm(entityCode) {
  const problem = h("div", { class: "mensajes", role: "status" });
  const input = (name, attributes = {}) => h("input", { name, required: true, ...attributes });
  const closing = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
  const controls = {
    entityCode: input("entityCode", { value: entityCode, maxlength: 5 }),
    post: input("post", { maxlength: 200 }),
    level: select("level", Object.entries(LEVEL), "PROFESSIONAL"),
    competencies: input("competencies", { value: "DIN" }),
    education: input("education", { maxlength: 2000 }),
    experienceMonths: input("experienceMonths", { type: "number", min: 0, max: 600, value: 12 }),
    salaryGrade: input("salaryGrade", { maxlength: 16, value: "219-01" }),
    salaryAmount: input("salaryAmount", { type: "number", min: 0, step: 1 }),
    place: input("place", { maxlength: 200 }),
    appointment: select("appointment", Object.entries(APPOINTMENT), "PROVISIONAL"),
    closingOn: input("closingOn", { type: "date", value: closing }),
    howToApply: input("howToApply", { maxlength: 2000, value: "Postúlese en SUGIT, Vitrina de las Regiones" }),
  };
  const submit = h("button", { type: "submit" }, "Publicar");
  const form = h(
    "form",
    { class: "formulario" },
    field("Entidad (código DIVIPOLA)", controls.entityCode),
    field("Empleo", controls.post),
    field("Nivel", controls.level),
    field("Competencias", controls.competencies, "Códigos del catálogo de clasificación vigente, separados por comas: una competencia (DIN, EDU, SAL, APSB…) o una unidad programática (DIN-02…). Véalos en «Gasto»."),
    field("Estudios exigidos", controls.education),
    field("Meses de experiencia", controls.experienceMonths),
    field("Código y grado", controls.salaryGrade),
    field("Asignación mensual (pesos)", controls.salaryAmount, "No menos del salario mínimo legal de 2026."),
    field("Lugar", controls.place),
    field("Vinculación", controls.appointment),
    field("Fecha de cierre", controls.closingOn),
    field("Cómo postularse", controls.howToApply),
    submit,
    problem,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Publicando…", problem, async () => {
      const value = (name) => controls[name].value;
      const data = await call("talent", "PublishVacancy", {
        input: {
          entityCode: value("entityCode").trim(),
          post: value("post"),
          level: value("level"),
          competencies: value("competencies").split(",").map((code) => code.trim()).filter(Boolean),
          education: value("education"),
          experienceMonths: Number(value("experienceMonths") || 0),
          salaryGrade: value("salaryGrade"),
          salaryAmount: Number(value("salaryAmount") || 0),
          place: value("place"),
          appointment: value("appointment"),
          closingOn: value("closingOn"),
          howToApply: value("howToApply"),
        },
      });
      location.hash = `#/vitrina/entidad/${data.publishVacancy.vacancy.id}`;
    });
  });
  return form;
}

function candidateCard(candidate) {
  return [
    h("h3", {}, candidate.name ?? "Persona (no mostró su nombre)"),
    h("p", { class: "meta" }, `Coincidencia: ${Math.round(candidate.score * 100)} % · ${candidate.experienceMonths} meses de experiencia${candidate.livesAbroad ? " · vive en el exterior" : ""}`),
    candidate.email ? h("p", {}, `Correo: ${candidate.email}`) : null,
    candidate.education ? h("p", {}, `Estudios: ${candidate.education}`) : null,
    candidate.experienceSummary ? h("p", {}, candidate.experienceSummary) : null,
    h("ul", { class: "razones" }, candidate.reasons.map((reason) => h("li", {}, reason))),
  ];
}

async function applicants(container, vacancyId) {
  loading(container);
  let vacancy;
  let applications;
  let candidates = [];
  try {
    vacancy = (await call("talent", "Vacancy", { id: vacancyId })).vacancy;
    applications = (await call("talent", "VacancyApplicants", { vacancyId })).vacancyApplications;
    if (vacancy?.status === "OPEN") candidates = (await call("talent", "VacancyCandidates", { vacancyId })).vacancyCandidates;
  } catch (error) {
    container.replaceChildren(errorMessage(error, "No se pudo abrir la vacante"));
    return;
  }
  const close = vacancy.status === "OPEN" ? h("button", { type: "button", class: "secundario" }, "Cerrar la vacante") : null;
  const closeStatus = h("div", { role: "status" });
  close?.addEventListener("click", () =>
    busy(close, "Cerrando…", closeStatus, async () => {
      await call("talent", "CloseVacancy", { id: vacancyId });
      applicants(container, vacancyId);
    }),
  );
  const stages = ["REVIEW", "INTERVIEW", "SELECTED", "HIRED", "REJECTED"].map((stage) => [stage, label(STAGE, stage)]);
  const items = applications.map(({ application, candidate }) => {
    const problem = h("div", { role: "status" });
    const ended = ["HIRED", "REJECTED", "WITHDRAWN"].includes(application.stage);
    const chooser = select("stage", [[application.stage, label(STAGE, application.stage)], ...stages.filter(([stage]) => stage !== application.stage)], application.stage);
    const move = h("button", { type: "button" }, "Cambiar etapa");
    move.addEventListener("click", () =>
      busy(move, "Guardando…", problem, async () => {
        await call("talent", "SetApplicationStage", { id: application.id, stage: chooser.value });
        applicants(container, vacancyId);
      }),
    );
    return h(
      "li",
      { class: "resultado" },
      candidateCard(candidate),
      h("p", { class: "etapa" }, h("strong", {}, `Etapa: ${label(STAGE, application.stage)}`), ` · postulación del ${formatDate(application.appliedAt)}`),
      ended ? null : h("p", {}, h("label", {}, "Nueva etapa ", chooser), " ", move),
      problem,
    );
  });
  container.replaceChildren();
  add(
    container,
    pageTitle(vacancy.post),
    vitrinaMenu(),
    h("p", {}, h("a", { href: "#/vitrina/entidad" }, "← Vacantes de mi entidad")),
    h("ul", { class: "resultados" }, vacancyItem(vacancy)),
    close,
    closeStatus,
    h("h2", {}, `Postulantes (${applications.length})`),
    items.length ? h("ul", { class: "resultados", id: "postulantes" }, items) : h("p", {}, "Aún nadie se ha postulado."),
    vacancy.status === "OPEN" ? h("h2", {}, `Candidatos que coinciden (${candidates.length})`) : null,
    vacancy.status === "OPEN"
      ? candidates.length
        ? h("ul", { class: "resultados", id: "candidatos" }, candidates.map((candidate) => h("li", { class: "resultado" }, candidateCard(candidate))))
        : h("p", {}, "Ninguna persona registrada coincide todavía con esta vacante.")
      : null,
  );
}
