// Formación: the catalogue of training modules (public), one module with its lessons and the
// final assessment (a learner marks lessons done and answers), the learner's page (my modules,
// progress, certificates), the accompaniment programmes with their goals' progress, and the
// network of mentors (formacion-mentores.js).

import { call } from "../api.js";
import { add, busy, errorMessage, fill, formatDate, h, loading, pageTitle, percent } from "../dom.js";
import * as session from "../session.js";
import { mentorsPage } from "./formacion-mentores.js";

const number = new Intl.NumberFormat("es-CO", { maximumFractionDigits: 2 });
const STATE = { MET: "Cumplido", MISSED: "No alcanzado", PENDING: "Pendiente" };

function tabs(current) {
  const links = [
    ["", "Catálogo"],
    ["mis-modulos", "Mis módulos"],
    ["programas", "Programas de acompañamiento"],
    ["mentores", "Mentores"],
  ];
  return h(
    "p",
    { class: "pestanas" },
    links.map(([path, text]) => h("a", { href: `#/formacion${path ? `/${path}` : ""}`, "aria-current": current === path ? "page" : null }, text)),
  );
}

function bar(value, text) {
  const share = Math.max(0, Math.min(1, value ?? 0));
  const filled = h("div", { class: "barra-relleno" });
  // Through the CSSOM: the page's policy refuses inline style attributes.
  filled.style.width = `${Math.round(share * 100)}%`;
  return h("div", { class: "barra", role: "img", "aria-label": text }, filled, h("span", { class: "barra-texto" }, text));
}

async function catalogue(container) {
  add(container, pageTitle("Formación"), tabs(""), h("p", {}, "Módulos de formación en gestión pública territorial de la ESAP, Función Pública y el DNP. Cada módulo publicado es también una oferta de asistencia técnica de modalidad formación."));
  const list = h("div", { class: "resultados" });
  add(container, list);
  loading(list);
  const data = await call("formation", "TrainingModules", { first: 50 });
  const modules = data.trainingModules.edges.map((edge) => edge.node);
  if (modules.length === 0) return fill(list, h("p", {}, "Aún no hay módulos publicados."));
  fill(
    list,
    modules.map((module) =>
      h(
        "article",
        { class: "tarjeta modulo" },
        h("h2", {}, h("a", { href: `#/formacion/${module.id}` }, module.title)),
        h("p", { class: "ayuda" }, `${module.organisation?.name ?? module.organisation?.code ?? ""} · ${number.format(module.hours)} horas · ${module.lessonCount} lecciones · ${module.topic}`),
        h("p", {}, module.summary),
      ),
    ),
  );
}

async function enrolmentOf(moduleId) {
  if (!session.user()) return null;
  const data = await call("formation", "MyTrainingEnrolments", { first: 100 });
  return data.myTrainingEnrolments.edges.map((edge) => edge.node).find((node) => node.module?.id === moduleId) ?? null;
}

async function moduleView(container, id) {
  loading(container);
  const [data, enrolment] = await Promise.all([call("formation", "TrainingModule", { id }), enrolmentOf(id)]);
  const module = data.trainingModule;
  if (!module) return fill(container, pageTitle("Módulo no encontrado"), h("p", {}, h("a", { href: "#/formacion" }, "Volver al catálogo")));
  fill(
    container,
    pageTitle(module.title),
    tabs(null),
    h("p", { class: "ayuda" }, `${module.organisation?.name ?? ""} · ${number.format(module.hours)} horas · aprueba con ${module.passMark} % · ${module.maxAttempts} intentos`),
    h("p", {}, module.summary),
    h("h2", {}, "Objetivos"),
    h("p", {}, module.objectives),
  );
  const status = h("div", { class: "mensajes", "aria-live": "polite" });
  const user = session.user();
  if (!enrolment) {
    if (user?.role === "TERRITORIAL" && module.status === "PUBLISHED") {
      const button = h("button", { type: "button", id: "inscribirme" }, "Inscribirme");
      button.addEventListener("click", () =>
        busy(button, "Inscribiendo…", status, async () => {
          await call("formation", "EnrolInTrainingModule", { moduleId: id });
          await moduleView(container, id);
        }),
      );
      add(container, h("div", { class: "acciones" }, button), status);
    } else if (!user) {
      add(container, h("p", {}, h("a", { href: "#/ingresar" }, "Ingrese"), " con su usuario de la entidad para inscribirse."));
    }
  }
  const done = new Set(enrolment?.completedLessons ?? []);
  add(container, h("h2", {}, "Lecciones"), enrolment && bar(enrolment.lessonsDone / module.lessons.length, `${enrolment.lessonsDone} de ${module.lessons.length} lecciones`));
  const lessons = h("ol", { class: "lecciones" });
  for (const lesson of module.lessons) {
    const item = h(
      "li",
      { class: "leccion" },
      h("h3", {}, lesson.title, done.has(lesson.position) ? h("span", { class: "estado luz-GREEN" }, " Terminada") : null),
      lesson.body ? h("div", { class: "texto-leccion" }, lesson.body.split(/\n+/).map((line) => h("p", {}, line.replace(/^#+\s*/, "")))) : null,
      lesson.knowledgeProduct ? h("p", {}, "Lectura: ", h("a", { href: `#/conocimiento/${lesson.knowledgeProduct.id}` }, lesson.knowledgeProduct.title)) : null,
    );
    if (enrolment && !done.has(lesson.position)) {
      const button = h("button", { type: "button", class: "secundario", "data-leccion": lesson.position }, "Marcar como terminada");
      const problem = h("div", { class: "mensajes" });
      button.addEventListener("click", () =>
        busy(button, "Guardando…", problem, async () => {
          await call("formation", "CompleteLesson", { moduleId: id, lesson: lesson.position });
          await moduleView(container, id);
        }),
      );
      add(item, button, problem);
    }
    add(lessons, item);
  }
  add(container, lessons);
  if (enrolment) add(container, assessment(module, enrolment, () => moduleView(container, id)));
}

function assessment(module, enrolment, reload) {
  const box = h("section", { class: "evaluacion" }, h("h2", {}, "Evaluación final"));
  if (enrolment.passed) {
    return add(box, h("p", {}, "Aprobó este módulo. ", h("a", { href: enrolment.certificate?.verificationPath ?? "#/formacion/mis-modulos" }, `Ver certificado ${enrolment.certificate?.code ?? ""}`)));
  }
  if (enrolment.lessonsDone < module.lessons.length) return add(box, h("p", {}, "Termine todas las lecciones para presentar la evaluación."));
  const left = module.maxAttempts - enrolment.attempts;
  if (left <= 0) return add(box, h("p", {}, "Agotó los intentos de esta evaluación."));
  const form = h("form", { class: "formulario", id: "evaluacion" });
  for (const question of module.questions) {
    add(
      form,
      h(
        "fieldset",
        { class: "casillas" },
        h("legend", {}, `${question.position}. ${question.prompt}`),
        question.options.map((option, index) => h("label", { class: "opcion" }, h("input", { type: "radio", name: `p${question.position}`, value: index, required: true }), ` ${option}`)),
      ),
    );
  }
  const result = h("div", { class: "mensajes", "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, `Enviar respuestas (${left} ${left === 1 ? "intento" : "intentos"})`);
  add(form, h("div", { class: "acciones" }, submit), result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Calificando…", result, async () => {
      const answers = module.questions.map((question) => Number(form.elements[`p${question.position}`].value));
      const data = await call("formation", "SubmitAssessment", { moduleId: module.id, answers });
      const outcome = data.submitAssessment;
      if (outcome.passed) return reload();
      fill(result, h("p", { class: "error", role: "alert" }, `Obtuvo ${outcome.score} % (${outcome.correctAnswers} de ${outcome.totalQuestions}); necesita ${module.passMark} %. Le quedan ${outcome.attemptsLeft} intentos.`));
    });
  });
  return add(box, form);
}

async function myModules(container) {
  add(container, pageTitle("Mis módulos"), tabs("mis-modulos"));
  if (!session.user()) return add(container, h("p", {}, h("a", { href: "#/ingresar" }, "Ingrese"), " para ver sus módulos, su avance y sus certificados."));
  const list = h("div", { class: "resultados" });
  add(container, list);
  loading(list);
  const data = await call("formation", "MyTrainingEnrolments", { first: 100 });
  const enrolments = data.myTrainingEnrolments.edges.map((edge) => edge.node);
  if (enrolments.length === 0) return fill(list, h("p", {}, "Aún no está inscrito en ningún módulo. ", h("a", { href: "#/formacion" }, "Vea el catálogo.")));
  fill(
    list,
    enrolments.map((enrolment) =>
      h(
        "article",
        { class: "tarjeta inscripcion" },
        h("h2", {}, h("a", { href: `#/formacion/${enrolment.module.id}` }, enrolment.module.title)),
        bar(enrolment.lessonsDone / Math.max(1, enrolment.module.lessonCount), `${enrolment.lessonsDone} de ${enrolment.module.lessonCount} lecciones`),
        h("p", {}, enrolment.passed ? "Aprobado" : `Intentos de la evaluación: ${enrolment.attempts} de ${enrolment.module.maxAttempts}`, enrolment.bestScore !== null ? ` · mejor resultado ${enrolment.bestScore} %` : ""),
        enrolment.certificate ? h("p", {}, h("a", { href: enrolment.certificate.verificationPath, class: "boton-claro" }, `Certificado ${enrolment.certificate.code}`), ` emitido el ${formatDate(enrolment.certificate.issuedOn)}`) : null,
      ),
    ),
  );
}

/** A goal's reported series as a small line chart with its target, described in words. */
function goalChart(goal) {
  const points = [{ period: goal.baselinePeriod, value: goal.baselineValue }, ...goal.series.filter((point) => point.period !== goal.baselinePeriod)];
  const description = points.map((point) => `${point.period}: ${number.format(point.value)}`).join("; ") + `; meta ${goal.targetPeriod}: ${number.format(goal.targetValue)}`;
  const values = [...points.map((point) => point.value), goal.targetValue];
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const y = (value) => (high === low ? 20 : 36 - ((value - low) / (high - low)) * 32);
  const x = (index) => (points.length < 2 ? 0 : (index * 80) / (points.length - 1));
  const line = points.map((point, index) => `${x(index).toFixed(1)},${y(point.value).toFixed(1)}`).join(" ");
  return h(
    "svg:svg",
    { viewBox: "-2 0 104 40", class: "grafica-meta", role: "img", "aria-label": `Avance: ${description}` },
    h("svg:title", {}, description),
    h("svg:line", { x1: 0, x2: 100, y1: y(goal.targetValue).toFixed(1), y2: y(goal.targetValue).toFixed(1), class: "linea-meta" }),
    h("svg:polyline", { points: line }),
    h("svg:circle", { cx: 100, cy: y(goal.targetValue).toFixed(1), r: 2 }),
  );
}

async function programmes(container) {
  add(container, pageTitle("Programas de acompañamiento"), tabs("programas"));
  if (!session.user()) return add(container, h("p", {}, h("a", { href: "#/ingresar" }, "Ingrese"), " para ver los programas de acompañamiento."));
  const list = h("div", { class: "resultados" });
  add(container, list);
  loading(list);
  const data = await call("formation", "AccompanimentProgrammes", { first: 100 });
  const all = data.accompanimentProgrammes.edges.map((edge) => edge.node);
  if (all.length === 0) return fill(list, h("p", {}, "No hay programas de acompañamiento visibles para su usuario."));
  const table = h(
    "table",
    { class: "tabla" },
    h("caption", {}, "Avance de cada programa: el promedio del avance de sus metas, calculado de lo que la entidad reporta."),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Entidad"), h("th", { scope: "col" }, "Programa"), h("th", { scope: "col" }, "Metas"), h("th", { scope: "col" }, "Avance"))),
    h("tbody", {}, all.map((programme) => h("tr", {}, h("td", {}, programme.entity?.name ?? programme.entity?.code ?? ""), h("td", {}, h("a", { href: `#programa-${programme.id}` }, programme.title)), h("td", {}, String(programme.goals.length)), h("td", {}, programme.progress === null ? "Sin metas" : percent(programme.progress))))),
  );
  fill(
    list,
    h("div", { class: "tabla-desplazable" }, table),
    all.map((programme) =>
      h(
        "article",
        { class: "tarjeta programa", id: `programa-${programme.id}` },
        h("h2", {}, programme.title),
        h("p", {}, programme.objectives),
        h("ul", {}, programme.parties.map((party) => h("li", {}, h("strong", {}, party.code), `: ${party.responsibility}`))),
        programme.goals.map((goal) =>
          h(
            "section",
            { class: "meta" },
            h("h3", {}, goal.description),
            h("p", { class: "ayuda" }, `${goal.indicatorCode ? `Indicador ${goal.indicatorCode}` : goal.dataElementCode}: línea base ${number.format(goal.baselineValue)} (${goal.baselinePeriod}), meta ${number.format(goal.targetValue)} (${goal.targetPeriod}), último reporte ${goal.currentValue === null ? "—" : `${number.format(goal.currentValue)} (${goal.currentPeriod})`}${goal.inConflict ? " — en conflicto" : ""}`),
            bar(goal.progress, `Avance ${percent(goal.progress)}`),
            goalChart(goal),
            goal.milestones.length ? h("ul", { class: "hitos" }, goal.milestones.map((m) => h("li", {}, `Hito ${m.period}: ${number.format(m.value)} — ${STATE[m.state] ?? m.state}`))) : null,
          ),
        ),
      ),
    ),
  );
}

export async function render(container, { params }) {
  try {
    const [first] = params;
    if (first === "mis-modulos") return await myModules(container);
    if (first === "programas") return await programmes(container);
    if (first === "mentores") return await mentorsPage(container, tabs("mentores"));
    if (first) return await moduleView(container, first);
    return await catalogue(container);
  } catch (error) {
    add(container, errorMessage(error, "No se pudo cargar la formación"));
  }
}
