// Login: the token goes to sessionStorage, then back to the page the user came for.

import { call } from "../api.js";
import { add, busy, field, h, pageTitle } from "../dom.js";
import * as session from "../session.js";

const HOME_BY_ROLE = { TERRITORIAL: "#/territorio", NATIONAL: "#/oferta", SECRETARIAT: "#/comision" };

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
  add(container, 
    pageTitle("Ingresar"),
    h("p", {}, "Los equipos territoriales, las entidades nacionales y la secretaría técnica ingresan con su correo institucional. Para consultar no hace falta ingresar."),
    form,
  );
}
