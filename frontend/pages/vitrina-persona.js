// The Vitrina for a person: self-registration and its confirmation, the profile with the
// explicit consent (Ley 1581 de 2012), the vacancies that match, the applications and their
// stages, and «Mis datos»: export everything (JSON) or delete it for good, each in two clicks.

import { call } from "../api.js";
import { add, busy, errorMessage, field, formatDate, h, loading, pageTitle } from "../dom.js";
import { LEVEL, STAGE, label } from "../labels.js";
import * as session from "../session.js";
import { vacancyItem, vitrinaMenu } from "./vitrina.js";

const PAGES = { registro: register, confirmar: confirm, perfil: profile, coincidencias: matches, postulaciones: applications, datos: myData };

export function render(container, route) {
  const page = route.params[0];
  if (page !== "registro" && page !== "confirmar" && session.user()?.role !== "PERSON") {
    add(
      container,
      pageTitle("Vitrina de las Regiones"),
      vitrinaMenu(),
      h("p", {}, "Esta página es de las personas registradas en la Vitrina. ", h("a", { href: "#/vitrina/registro" }, "Regístrese"), " o ", h("a", { href: `#/ingresar?volver=${encodeURIComponent(location.hash)}` }, "ingrese"), "."),
    );
    return;
  }
  return PAGES[page](container, route);
}

function register(container) {
  const problem = h("div", { class: "mensajes" });
  const email = h("input", { name: "email", type: "email", autocomplete: "email", required: true, maxlength: 254 });
  const name = h("input", { name: "name", autocomplete: "name", required: true, maxlength: 200 });
  const password = h("input", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 12 });
  const submit = h("button", { type: "submit" }, "Registrarme");
  const form = h("form", { class: "formulario estrecho" }, field("Correo electrónico", email), field("Nombre completo", name), field("Contraseña", password, "Al menos 12 caracteres."), submit, problem);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Enviando…", problem, async () => {
      const data = await call("talent", "RegisterPerson", { input: { email: email.value.trim(), name: name.value.trim(), password: password.value } });
      form.replaceChildren(h("p", { class: "exito", role: "status" }, data.registerPerson.message));
    });
  });
  add(
    container,
    pageTitle("Registrarme en la Vitrina"),
    vitrinaMenu(),
    h("p", {}, "Cree su cuenta para ofrecer su talento a las entidades territoriales. Le enviaremos un enlace para confirmar su correo; su perfil nunca es público."),
    form,
  );
}

async function confirm(container, { params }) {
  add(container, pageTitle("Confirmar el registro"));
  const status = h("div", { role: "status" }, h("p", {}, "Confirmando…"));
  add(container, status);
  try {
    const data = await call("talent", "ConfirmRegistration", { token: params[1] ?? "" });
    history.replaceState(null, "", "#/vitrina/perfil");
    session.start(data.confirmRegistration.token, data.confirmRegistration.user);
  } catch (error) {
    status.replaceChildren(errorMessage(error), h("p", {}, h("a", { href: "#/vitrina/registro" }, "Registrarme de nuevo")));
  }
}

/** The catalogue's competencies as [code, name]; none before the catalogue has a version. */
async function catalogueCompetencies() {
  try {
    return (await call("talent", "TalentCompetencies")).catalogue.competencies.map(({ code, name }) => [code, name]);
  } catch {
    return [];
  }
}

function checkboxes(name, options, chosen) {
  return h(
    "fieldset",
    { class: "opciones" },
    h("legend", {}, name.legend),
    options.map(([value, text]) => h("label", { class: "opcion" }, h("input", { type: "checkbox", name: name.field, value, checked: chosen.includes(value) }), ` ${text}`)),
  );
}

function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
}

async function profile(container) {
  loading(container);
  let data;
  let competencies;
  try {
    [data, competencies] = await Promise.all([call("talent", "MyTalentProfile"), catalogueCompetencies()]);
  } catch (error) {
    container.replaceChildren(errorMessage(error, "No se pudo abrir su perfil"));
    return;
  }
  const current = data.myTalentProfile ?? {};
  const problem = h("div", { class: "mensajes", role: "status" });
  const education = h("textarea", { name: "education", required: true, maxlength: 2000, rows: 2 }, current.education ?? "");
  const months = h("input", { name: "experienceMonths", type: "number", min: 0, max: 720, required: true, value: current.experienceMonths ?? 0 });
  const summary = h("textarea", { name: "experienceSummary", maxlength: 4000, rows: 3 }, current.experienceSummary ?? "");
  // A code saved before (a programmatic unit, say) stays offered, so saving keeps it.
  const chosen = current.competencies ?? [];
  const options = [...competencies, ...chosen.filter((code) => !competencies.some(([known]) => known === code)).map((code) => [code, code])];
  const typed = h("input", { name: "competencyCodes", value: chosen.join(", ") });
  const departments = h("input", { name: "departments", value: (current.departments ?? []).join(", "), inputmode: "numeric" });
  const home = h("input", { name: "homeDepartment", value: current.homeDepartment ?? "", maxlength: 2, inputmode: "numeric" });
  const flag = (name, text, value) => h("label", { class: "opcion" }, h("input", { type: "checkbox", name, checked: Boolean(value) }), ` ${text}`);
  const consent = h("input", { type: "checkbox", name: "consent", required: true });
  const submit = h("button", { type: "submit" }, current.consentAt ? "Guardar cambios" : "Guardar mi perfil");
  const form = h(
    "form",
    { class: "formulario" },
    field("Estudios", education),
    field("Meses de experiencia", months),
    field("Resumen de su experiencia", summary),
    options.length
      ? checkboxes({ legend: "Competencias", field: "competencies" }, options, chosen)
      : field("Competencias", typed, "Códigos separados por comas."),
    checkboxes({ legend: "Niveles que busca", field: "levels" }, Object.entries(LEVEL), current.levels ?? []),
    field("Departamentos de interés", departments, "Códigos DIVIPOLA separados por comas, p. ej. 05, 19, 52."),
    field("Departamento de origen", home, "Código DIVIPOLA de dos dígitos (opcional)."),
    flag("willingToRelocate", "Estoy dispuesta o dispuesto a trasladarme", current.willingToRelocate),
    flag("livesAbroad", "Vivo en el exterior y quisiera volver", current.livesAbroad),
    h(
      "fieldset",
      { class: "opciones" },
      h("legend", {}, "Qué ve una entidad cuando su perfil coincide con una vacante suya"),
      flag("showName", "Mi nombre", current.showName),
      flag("showContact", "Mi correo", current.showContact),
      flag("showEducation", "Mis estudios", current.showEducation ?? true),
      flag("showExperience", "El resumen de mi experiencia", current.showExperience ?? true),
    ),
    h("div", { class: "autorizacion" }, h("p", {}, data.talentConsentText), h("label", { class: "opcion" }, consent, " Acepto esta autorización de tratamiento de datos")),
    submit,
    problem,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const bool = (name) => form.elements.namedItem(name).checked;
    busy(submit, "Guardando…", problem, async () => {
      const saved = await call("talent", "SaveTalentProfile", {
        input: {
          education: education.value,
          experienceMonths: Number(months.value || 0),
          experienceSummary: summary.value,
          competencies: options.length ? checked(form, "competencies") : typed.value.split(",").map((code) => code.trim()).filter(Boolean),
          levels: checked(form, "levels"),
          departments: departments.value.split(",").map((code) => code.trim()).filter(Boolean),
          homeDepartment: home.value.trim() || null,
          willingToRelocate: bool("willingToRelocate"),
          livesAbroad: bool("livesAbroad"),
          showName: bool("showName"),
          showContact: bool("showContact"),
          showEducation: bool("showEducation"),
          showExperience: bool("showExperience"),
          consent: consent.checked,
        },
      });
      problem.replaceChildren(h("p", { class: "exito" }, `Perfil guardado. Autorización registrada el ${formatDate(saved.saveTalentProfile.profile.consentAt)}.`), h("p", {}, h("a", { href: "#/vitrina/coincidencias" }, "Ver las vacantes que coinciden")));
    });
  });
  container.replaceChildren();
  add(
    container,
    pageTitle("Mi perfil de talento"),
    vitrinaMenu(),
    current.consentAt ? h("p", {}, `Autorización dada el ${formatDate(current.consentAt)}.`) : h("p", {}, "Su perfil no es público: una entidad lo ve solo si coincide con una vacante abierta suya, y solo lo que usted marque."),
    form,
  );
}

async function matches(container) {
  loading(container);
  try {
    const { myVacancyMatches } = await call("talent", "MyVacancyMatches");
    container.replaceChildren();
    add(
      container,
      pageTitle("Vacantes que coinciden con mi perfil"),
      vitrinaMenu(),
      myVacancyMatches.length === 0
        ? h("p", {}, "Aún no hay coincidencias: ", h("a", { href: "#/vitrina/perfil" }, "complete su perfil"), ".")
        : h(
            "ul",
            { class: "resultados", id: "coincidencias" },
            myVacancyMatches.map((match) =>
              vacancyItem(match.vacancy, [
                h("p", {}, h("strong", {}, `Coincidencia: ${Math.round(match.score * 100)} %`)),
                h("ul", { class: "razones" }, match.reasons.map((reason) => h("li", {}, reason))),
              ]),
            ),
          ),
    );
  } catch (error) {
    container.replaceChildren(errorMessage(error, "No se pudieron calcular las coincidencias"));
  }
}

async function applications(container) {
  loading(container);
  try {
    const { myApplications } = await call("talent", "MyApplications");
    container.replaceChildren();
    const items = myApplications.map((application) => {
      const problem = h("div", { role: "status" });
      const withdraw =
        ["HIRED", "REJECTED", "WITHDRAWN"].includes(application.stage)
          ? null
          : h("button", { type: "button", class: "secundario" }, "Retirar postulación");
      withdraw?.addEventListener("click", () =>
        busy(withdraw, "Retirando…", problem, async () => {
          await call("talent", "WithdrawApplication", { id: application.id });
          applications(container);
        }),
      );
      return vacancyItem(application.vacancy, [
        h("p", { class: "etapa" }, h("strong", {}, `Etapa: ${label(STAGE, application.stage)}`), ` · actualizada el ${formatDate(application.updatedAt)}`),
        withdraw,
        problem,
      ]);
    });
    add(
      container,
      pageTitle("Mis postulaciones"),
      vitrinaMenu(),
      items.length ? h("ul", { class: "resultados", id: "postulaciones" }, items) : h("p", {}, "Aún no se ha postulado a ninguna vacante."),
    );
  } catch (error) {
    container.replaceChildren(errorMessage(error, "No se pudieron consultar sus postulaciones"));
  }
}

function myData(container) {
  const status = h("div", { class: "mensajes", role: "status" });
  const exportButton = h("button", { type: "button" }, "Descargar mis datos (JSON)");
  exportButton.addEventListener("click", () =>
    busy(exportButton, "Preparando…", status, async () => {
      const { exportMyData } = await call("talent", "ExportMyData");
      const blob = new Blob([JSON.stringify(exportMyData, null, 2)], { type: "application/json" });
      const link = h("a", { href: URL.createObjectURL(blob), download: "mis-datos-sugit.json", id: "descarga" }, "mis-datos-sugit.json");
      status.replaceChildren(h("p", { class: "exito" }, "Listo: ", link));
      link.click();
    }),
  );
  const deleteButton = h("button", { type: "button", class: "peligro" }, "Eliminar todos mis datos");
  const confirmBox = h("div", { hidden: true, class: "confirmar" });
  const sure = h("button", { type: "button", class: "peligro" }, "Sí, eliminar para siempre");
  const cancel = h("button", { type: "button", class: "secundario" }, "Cancelar");
  add(confirmBox, h("p", {}, "Se borran su cuenta, su perfil y sus postulaciones, sin vuelta atrás. Queda solo constancia de que se hizo."), sure, " ", cancel);
  deleteButton.addEventListener("click", () => {
    confirmBox.hidden = false;
    sure.focus();
  });
  cancel.addEventListener("click", () => {
    confirmBox.hidden = true;
  });
  sure.addEventListener("click", () =>
    busy(sure, "Eliminando…", status, async () => {
      await call("talent", "DeleteMyData");
      history.replaceState(null, "", "#/vitrina");
      session.end();
    }),
  );
  add(
    container,
    pageTitle("Mis datos"),
    vitrinaMenu(),
    h("p", {}, "Conozca todo lo que guardamos de usted o elimínelo (Ley 1581 de 2012)."),
    h("p", {}, exportButton),
    h("p", {}, deleteButton),
    confirmBox,
    status,
  );
}
