// Mi entidad: a national entity's own space, where it lands after signing in: its offers
// with the demands they should reach and their deliveries (pages/oferta-propias.js), and its
// information requirements with who has reported each (pages/requerimientos-propios.js).

import { call } from "../api.js";
import { add, h, pageTitle } from "../dom.js";
import { departmentNames } from "../facets.js";
import * as session from "../session.js";
import { ownOffers } from "./oferta-propias.js";
import { ownRequirements } from "./requerimientos-propios.js";

export async function render(container, { isCurrent }) {
  const user = session.user();
  if (!user || !["NATIONAL", "ADMIN"].includes(user.role)) {
    add(container, pageTitle("Mi entidad"), h("p", {}, "Este espacio es de las entidades nacionales y de cooperación. ", h("a", { href: "#/ingresar?volver=%23%2Fmi-entidad" }, "Ingrese"), " con el usuario de su entidad."));
    return;
  }
  const names = await departmentNames(call);
  if (!isCurrent()) return;
  add(
    container,
    pageTitle(`Mi entidad: ${user.organisation?.name ?? user.name}`),
    h("p", { class: "indice" }, "En esta página: ", h("a", { href: "#mis-ofertas", onclick: jump("mis-ofertas") }, "Ofertas de asistencia técnica"), " · ", h("a", { href: "#mis-requerimientos", onclick: jump("mis-requerimientos") }, "Requerimientos de información"), " · ", h("a", { href: "#/consultas" }, "Sala de consulta")),
    ownOffers(user, names),
    ownRequirements(user),
  );
}

/** In-page links: the hash is the router's, so scroll instead of navigating. */
function jump(id) {
  return (event) => {
    event.preventDefault();
    document.getElementById(id)?.scrollIntoView({ behavior: "smooth", block: "start" });
  };
}
