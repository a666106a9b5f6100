// SUGIT: búsqueda de entidades territoriales sobre la API GraphQL.
// Sin dependencias ni paso de compilación: un módulo que el servidor entrega tal cual.

const QUERY = `query Buscar($filter: TerritorialEntityFilter, $first: Int, $after: String) {
  territorialEntities(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { node { code name kind department { name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const KIND_LABELS = {
  DEPARTMENT: "Departamento",
  DISTRICT: "Distrito",
  MUNICIPALITY: "Municipio",
  NON_MUNICIPALIZED_AREA: "Área no municipalizada",
};

const PAGE_SIZE = 25;
const form = document.querySelector("#busqueda");
const nameInput = document.querySelector("#nombre");
const kindSelect = document.querySelector("#tipo");
const status = document.querySelector("#estado");
const table = document.querySelector("#resultados");
const rows = table.querySelector("tbody");
const moreButton = document.querySelector("#mas");

let current = { filter: {}, after: null, shown: 0, request: 0 };

export async function graphql(query, variables) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors && body.errors.length) {
    throw new Error(body.errors.map((error) => error.message).join("; "));
  }
  return body.data;
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function render(edges, append) {
  if (!append) rows.replaceChildren();
  for (const { node } of edges) {
    const tr = document.createElement("tr");
    tr.append(
      cell(node.code),
      cell(node.name),
      cell(KIND_LABELS[node.kind] ?? node.kind),
      cell(node.department ? node.department.name : "—"),
    );
    rows.append(tr);
  }
}

async function search(append) {
  const request = ++current.request;
  status.textContent = "Buscando…";
  moreButton.disabled = true;
  try {
    const data = await graphql(QUERY, { filter: current.filter, first: PAGE_SIZE, after: current.after });
    if (request !== current.request) return; // a newer search replaced this one
    const connection = data.territorialEntities;
    render(connection.edges, append);
    current.shown = (append ? current.shown : 0) + connection.edges.length;
    current.after = connection.pageInfo.endCursor;
    table.hidden = connection.totalCount === 0;
    moreButton.hidden = !connection.pageInfo.hasNextPage;
    status.textContent = connection.totalCount === 0
      ? "No se encontraron entidades con ese nombre."
      : `Mostrando ${current.shown} de ${connection.totalCount} entidades.`;
  } catch (error) {
    if (request !== current.request) return;
    status.textContent = `No se pudo completar la búsqueda: ${error.message}`;
  } finally {
    moreButton.disabled = false;
  }
}

function newSearch() {
  const filter = {};
  const name = nameInput.value.trim();
  if (name) filter.nameContains = name;
  if (kindSelect.value) filter.kind = kindSelect.value;
  current = { ...current, filter, after: null, shown: 0 };
  search(false);
}

let debounce;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(debounce);
  newSearch();
});
// Wait for a pause in typing: one request per word, not per key, on a slow connection.
nameInput.addEventListener("input", () => {
  clearTimeout(debounce);
  debounce = setTimeout(newSearch, 350);
});
kindSelect.addEventListener("change", newSearch);
moreButton.addEventListener("click", () => search(true));
