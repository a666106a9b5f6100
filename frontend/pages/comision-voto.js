// A member's own vote: the users of an entity that sits in the Commission with vote cast its
// vote on the open decisions of the Commission's sessions under way (the secretariat may also
// record it for them). The outcome stays provisional until the secretariat closes the vote.

import { call } from "../api.js";
import { busy, field, formatDate, h, select } from "../dom.js";
import { label, OUTCOME, VOTE } from "../labels.js";

function voteForm(decision, session, code, refresh) {
  const problem = h("div", { class: "mensajes" });
  const choice = select("vote", Object.entries(VOTE));
  const submit = h("button", { type: "submit" }, "Votar");
  const form = h(
    "form",
    { class: "formulario", "aria-label": `Votar: ${decision.title}` },
    h("h3", {}, decision.title),
    h("p", { class: "meta" }, `Sesión del ${formatDate(session.date)} · resultado provisional: ${label(OUTCOME, decision.outcome).toLowerCase()} (${decision.votesFor} a favor, ${decision.votesAgainst} en contra, ${decision.abstentions} abstenciones)`),
    field("Voto", choice),
    submit,
    problem,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, "Votando…", problem, async () => {
      await call("commission", "RecordVote", { decisionId: decision.id, organisationCode: code, vote: choice.value });
      refresh(`Voto registrado: ${label(VOTE, choice.value).toLowerCase()} en «${decision.title}».`);
    });
  });
  return form;
}

/** The signed-in user's entity, if it is a member with vote: its open votes. */
export function memberVotePanel(user, participants, sessions, refresh, notice) {
  const code = user?.organisation?.code;
  const member = participants.find((p) => p.role === "MEMBER" && p.organisationCode === code);
  if (!member) return null;
  const open = sessions
    .filter((s) => s.status === "HELD" && !s.workingGroupId)
    .flatMap((s) => s.decisions.filter((d) => !d.closedAt).map((d) => [d, s]));
  return h(
    "section",
    { class: "panel", "aria-labelledby": "titulo-voto" },
    h("h2", { id: "titulo-voto" }, `Votaciones abiertas: voto de ${member.organisation?.name ?? code}`),
    notice && h("p", { class: "exito", role: "status" }, notice),
    open.length === 0
      ? h("p", {}, "No hay votaciones abiertas en las sesiones en curso.")
      : h("div", { class: "rejilla" }, open.map(([decision, session]) => voteForm(decision, session, code, refresh))),
  );
}
