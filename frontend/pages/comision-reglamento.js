// Who sits in the Commission and under which rules: the members with vote, the special invitees
// by kind (decree art. 2.2.11.4.3, parágrafos 1 y 2), the internal rules in force with the RAP
// whose delegate holds the seat; and, for the technical secretariat, seating an invitee and
// recording a version of the rules the Commission adopted by decision.

import { call } from "../api.js";
import { busy, field, formatDate, h, select } from "../dom.js";
import { INVITEE_KIND, label } from "../labels.js";

const name = (p) => p.organisation?.name ?? p.organisationCode;

/** The members, the invitees by kind and the rules in force. */
export function participantsPanel(participants, rules, raps) {
  const rapName = (code) => raps.find((r) => r.code === code)?.name ?? code;
  const members = participants.filter((p) => p.role === "MEMBER");
  const invitees = participants.filter((p) => p.role === "INVITEE");
  return h(
    "section",
    { class: "panel", "aria-labelledby": "titulo-participantes" },
    h("h2", { id: "titulo-participantes" }, "Miembros, invitados especiales y reglamento interno"),
    h("p", {}, `Miembros con voz y voto (${members.length}): `, members.map((p) => `${name(p)}${p.presides ? " (preside)" : ""}${p.secretariat ? " (secretaría técnica)" : ""}`).join("; "), "."),
    h(
      "ul",
      { id: "invitados-especiales" },
      invitees.map((p) =>
        h("li", {}, h("strong", {}, name(p)), ` — ${label(INVITEE_KIND, p.inviteeKind)}`, p.rapRegionCode ? ` (${rapName(p.rapRegionCode)})` : "", p.joinedAt ? `, desde el ${formatDate(p.joinedAt)}` : ""),
      ),
    ),
    rules
      ? h(
          "div",
          { id: "reglamento-vigente" },
          h("p", {}, `Reglamento interno vigente: versión ${rules.version}, rige desde el ${formatDate(rules.effectiveFrom)}.`),
          h("p", {}, rules.rapInTurn ? `Turno del delegado de las RAP: ${rapName(rules.rapInTurn.rapRegionCode)} hasta el ${formatDate(rules.rapInTurn.until)} (alternancia cada ${rules.rotationMonths} meses).` : "El reglamento no fija hoy un turno de las RAP."),
          h("p", {}, rules.admittedInviteeKinds.length ? `Además de los invitados del decreto, admite: ${rules.admittedInviteeKinds.map((k) => label(INVITEE_KIND, k).toLowerCase()).join(", ")}.` : "Solo admite los invitados que nombra el decreto."),
          h("details", {}, h("summary", {}, "Texto del reglamento"), h("div", { class: "texto-largo" }, rules.text)),
        )
      : h("p", { id: "reglamento-vigente" }, "La Comisión aún no ha adoptado su reglamento interno: sin él no se sientan el delegado de las RAP ni el representante de los esquemas asociativos (decreto, art. 2.2.11.4.3, parágrafo 2)."),
  );
}

function form(title, fields, submitLabel, action, done) {
  const problem = h("div", { class: "mensajes" });
  const submit = h("button", { type: "submit" }, submitLabel);
  const element = h("form", { class: "formulario", "aria-label": title }, h("h3", {}, title), fields, submit, problem);
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Guardando…", problem, async () => done(await action(element.elements)));
  });
  return element;
}

/** The secretariat's forms: seat an invitee; record a version of the rules. */
export function rulesForms(sessions, raps, refresh) {
  const adopted = sessions
    .filter((s) => !s.workingGroupId)
    .flatMap((s) => s.decisions.filter((d) => d.closedAt && d.outcome === "ADOPTED").map((d) => [d.id, `${d.title} (${formatDate(s.date)})`]));
  const rapOptions = [["", "— (solo para un delegado de las RAP)"], ...raps.map((r) => [r.code, r.name])];
  const kinds = Object.entries(INVITEE_KIND);
  return [
    form(
      "Sentar a un invitado especial",
      [
        field("Código de la organización", h("input", { name: "organisationCode", required: true, maxlength: 32 }), "La organización debe estar registrada."),
        field("Tipo de invitado", select("kind", kinds)),
        field("RAP que representa", select("rapRegionCode", rapOptions)),
      ],
      "Sentar",
      async (values) => {
        const input = { organisationCode: values.organisationCode.value.trim(), kind: values.kind.value, rapRegionCode: values.rapRegionCode.value || null };
        const { addParticipant } = await call("commission", "AddParticipant", { input });
        return `${addParticipant.organisationCode} participa como ${label(INVITEE_KIND, addParticipant.inviteeKind).toLowerCase()}.`;
      },
      refresh,
    ),
    adopted.length
      ? form(
          "Registrar el reglamento interno adoptado",
          [
            field("Decisión que lo adoptó", select("decisionId", adopted), "Una decisión de la Comisión con la votación cerrada y aprobada."),
            field("Texto", h("textarea", { name: "text", rows: 5, required: true })),
            h("fieldset", {}, h("legend", {}, "Otros invitados que admite"), kinds.slice(3).map(([value, text]) => h("label", { class: "opcion" }, h("input", { type: "checkbox", name: "admitted", value }), ` ${text}`))),
            field("Alternancia de las RAP", h("input", { name: "rapRotation", required: true, placeholder: "RAP_PACIFICO, RAP_CARIBE, RAP_CENTRAL" }), "Códigos en el orden de sus turnos, separados por coma."),
            field("Meses por turno", h("input", { name: "rotationMonths", type: "number", min: 1, max: 60, value: 12, required: true })),
          ],
          "Registrar la versión",
          async (values) => {
            const admitted = [...values].filter((e) => e.name === "admitted" && e.checked).map((e) => e.value);
            const input = {
              decisionId: values.decisionId.value,
              text: values.text.value,
              admittedInviteeKinds: admitted,
              rapRotation: values.rapRotation.value.split(",").map((c) => c.trim()).filter(Boolean),
              rotationMonths: Number(values.rotationMonths.value),
            };
            const { adoptInternalRules } = await call("commission", "AdoptInternalRules", { input });
            return `Reglamento interno, versión ${adoptInternalRules.version}: rige desde el ${formatDate(adoptInternalRules.effectiveFrom)}.`;
          },
          refresh,
        )
      : null,
  ];
}
