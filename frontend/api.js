// The one door to the API: the named operations of schema/operations (served at
// /operaciones/), the session token, and errors as Spanish sentences with their code.

import * as session from "./session.js";

const documents = new Map();

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** The text of one module's operations (fetched once, then reused). */
export function operations(module) {
  if (!documents.has(module)) {
    const loading = fetch(`/operaciones/${module}.graphql`).then((response) => {
      if (!response.ok) throw new ApiError("No se pudo cargar la definición de las consultas.", "INTERNAL");
      return response.text();
    });
    loading.catch(() => documents.delete(module));
    documents.set(module, loading);
  }
  return documents.get(module);
}

function sentence(message) {
  const text = String(message ?? "").trim();
  return text ? text[0].toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".") : "";
}

const FALLBACK = {
  UNAUTHENTICATED: "Su sesión terminó o no es válida. Ingrese de nuevo.",
  FORBIDDEN: "Su usuario no tiene permiso para esta acción.",
  RATE_LIMITED: "Demasiadas solicitudes seguidas. Espere un minuto e intente de nuevo.",
  INTERNAL: "El servidor tuvo un problema. Intente de nuevo en unos minutos.",
};

/** Runs operation `name` of `module`; resolves to its data or rejects with an ApiError. */
export async function call(module, name, variables = {}) {
  const query = await operations(module);
  const headers = { "content-type": "application/json", accept: "application/graphql-response+json" };
  const token = session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, operationName: name, variables }),
    });
  } catch {
    throw new ApiError("No hay conexión con el servidor. Revise su conexión e intente de nuevo.", "NETWORK");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`El servidor respondió con un error (${response.status}).`, "INTERNAL");
  }
  if (body.errors?.length) {
    const code = body.errors[0].extensions?.code ?? "INTERNAL";
    // A stale token: forget it, so the next page shows the login form instead of failing.
    if (code === "UNAUTHENTICATED") session.end();
    const messages = [...new Set(body.errors.map((error) => sentence(error.message)).filter(Boolean))];
    throw new ApiError(messages.join(" ") || FALLBACK[code] || FALLBACK.INTERNAL, code);
  }
  return body.data;
}
