// Login: the token goes to sessionStorage, then back to the page the user came for.

import { call } from "../api.js";
import { add, busy, field, h, pageTitle } from "../dom.js";
import { label, ROLE } from "../labels.js";
import * as session from "../session.js";

/** On a demo instance, the demo users by role, each filling the form with one click. */
async function demoUsers(box, email, password) {
  let access = null;
  try {
    access = (await call("access", "DemoAccess")).demoAccess;
  } catch {
    return;
  }
  if (!access) return;
  add(
    box,
    h("h2", {}, "Usuarios de demostración"),
    h("p", { class: "sintetico" }, `Esta instancia muestra datos sintéticos de demostración. Todos los usuarios de demostración usan la contraseña «${access.password}».`),
    h(
      "div",
      { id: "usuarios-demostracion" },
      // One group per role, the territorial teams open: a visitor picks a role, then a user.
      [...new Set(access.users.map((user) => user.role))].map((role) => {
        const users = access.users.filter((user) => user.role === role);
        return h(
          "details",
          { open: role === "TERRITORIAL" },
          h("summary", {}, `${label(ROLE, role)} (${users.length})`),
          h(
            "ul",
            {},
            users.map((user) =>
              h(
                "li",
                {},
                h("button", { type: "button", class: "boton-claro", onclick: () => { email.value = user.email; password.value = access.password; email.focus(); } }, user.email),
                user.entity?.name || user.organisation?.name ? ` — ${user.entity?.name ?? user.organisation?.name}` : "",
              ),
            ),
          ),
        );
      }),
    ),
  );
}

// Each role lands on its own page.
const HOME_BY_ROLE = { TERRITORIAL: "#/territorio", NATIONAL: "#/mi-entidad", ADMIN: "#/mi-entidad", SECRETARIAT: "#/comision", PERSON: "#/vitrina" };

export function render(container, { query }) {
  const current = session.user();
  if (current) {
    add(container, pageTitle("Ingresar"), h("p", {}, `Ya ingresó como ${current.name} (${current.email}). Para cambiar de usuario, use «Salir» arriba.`));
    return;
  }
  const problem = h("div", { class: "mensajes" });
  const email = h("input", { name: "email", type: "email", autocomplete: "username", required: true, maxlength: 200 });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit" }, "Ingresar");
  const form = h(
    "form",
    { class: "formulario estrecho" },
    field("Correo electrónico", email),
    field("Contraseña", password),
    submit,
    problem,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Ingresando…", problem, async () => {
      const data = await call("access", "Login", { email: email.value.trim(), password: password.value });
      const back = query.get("volver");
      const destination = back?.startsWith("#/") ? back : HOME_BY_ROLE[data.login.user.role] ?? "#/";
      // Navigate first: starting the session re-renders the page the user lands on.
      history.replaceState(null, "", destination);
      session.start(data.login.token, data.login.user);
    });
  });
  const demo = h("section", { "aria-live": "polite" });
  add(container,
    pageTitle("Ingresar"),
    h("p", {}, "Los equipos territoriales, las entidades nacionales y la secretaría técnica ingresan con su correo institucional. Para consultar no hace falta ingresar."),
    form,
    h(
      "details",
      { class: "ayuda-ingreso" },
      h("summary", {}, "¿Olvidó su contraseña?"),
      h("p", {}, "Pida al administrador de SUGIT de su entidad, o a la mesa de ayuda, que la restablezca. Recibirá una contraseña temporal por un canal de confianza; sus sesiones abiertas se cierran en ese momento. Nadie de SUGIT le pedirá su contraseña por correo."),
    ),
    h(
      "p",
      { class: "ayuda", id: "aviso-datos" },
      "Tratamiento de datos personales: SUGIT usa su correo y su nombre para identificarlo y registrar lo que hace en la plataforma, con las finalidades de la Ley 1581 de 2012 y el Decreto 1377 de 2013. Puede conocer, actualizar, rectificar y pedir la supresión de sus datos ante la entidad que le creó el usuario.",
    ),
    demo,
  );
  demoUsers(demo, email, password);
}
