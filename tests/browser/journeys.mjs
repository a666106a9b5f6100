// Each user's main journey through SUGIT's web interface, in headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core), against a running server
// loaded with the demo data.
//
//   node journeys.mjs [base-url] [screenshot-dir]
//
// (defaults: http://127.0.0.1:8080 and the workspace's target/screenshots). JOURNEY=word runs
// only the journeys whose name contains it; CHROMIUM points to another browser binary.
// The journeys run in order and build on each other: the territorial team is recommended the
// offer the national entity published. Each can also run again against the same server. Exits 0 when every journey passes; prints what failed.

import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const [base = "http://127.0.0.1:8080", shots = fileURLToPath(new URL("../../target/screenshots", import.meta.url))] = process.argv.slice(2);
const PASSWORD = "demo-sugit-2025";
const USERS = {
  national: "comision@dnp.demo.gov.co",
  territorial: "alcaldia@abejorral.demo.gov.co",
  secretariat: "secretaria@funcionpublica.demo.gov.co",
  department: "gobernacion@antioquia.demo.gov.co",
  // The assistance market's demo users: Abejorral's ATT team and DNP's offering team.
  territorialAtt: "att@05002.demo.gov.co",
  offerer: "att@dnp.demo.gov.co",
};
// Generous: in CI the browser shares the machine with the whole test suite.
const TIMEOUT = 30_000;
const stamp = Date.now().toString(36);
const offerTitle = `Acompañamiento en catastro multipropósito ${stamp}`;

await mkdir(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The pages of the journey running now: captured when it fails, closed when it ends. */
let pages = [];

/** A fresh browser profile (its own sessionStorage) whose console errors fail the journey. */
async function newPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: "es-CO" });
  pages.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(`error de JavaScript: ${error.message}`));
  page.on("console", (message) => {
    // The browser logs every non-2xx answer; the page itself must log nothing else.
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) page.problems.push(`consola: ${message.text()}`);
  });
  return page;
}

/** Words a page shows only when code printed a missing or raw value instead of its text. */
const RAW_VALUES = /\b(undefined|null|NaN|true|false)\b|\[object Object\]/;

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
  // Every page a journey looks at is also read: no «undefined», «falsefalse», «NaN»…
  const text = await page.evaluate(() => document.querySelector("main")?.innerText ?? document.body.innerText);
  const raw = text.match(RAW_VALUES);
  check(!raw, `${name}: la página muestra «${raw?.[0]}» como texto: …${text.slice(Math.max(0, (raw?.index ?? 0) - 60), (raw?.index ?? 0) + 40)}…`);
}

/** Every visible form control has a label a screen reader can read. */
async function assertLabelled(page, where) {
  const unlabelled = await page.$$eval("input:not([type=hidden]), select, textarea", (controls) =>
    controls
      .filter((c) => c.offsetParent !== null || c.closest("details"))
      .filter((c) => !(c.labels?.length || c.getAttribute("aria-label") || c.closest("label")))
      .map((c) => c.outerHTML.slice(0, 80)),
  );
  check(unlabelled.length === 0, `${where}: controles sin etiqueta: ${unlabelled.join(", ")}`);
}

async function login(page, email, password = PASSWORD) {
  await page.goto(`${base}/#/ingresar`);
  await page.getByLabel("Correo electrónico").fill(email);
  await page.getByLabel("Contraseña").fill(password);
  await page.getByRole("button", { name: "Ingresar" }).click();
}

function done(page, name) {
  check(page.problems.length === 0, `${name}: ${page.problems.join("; ")}`);
}

/**
 * Goes to the first period not reported yet (so that the journey can run again against the
 * same server), where everything is missing, and reports it through the one form.
 */
async function reportMissing(page) {
  const missing = page.locator("#formulario-faltantes");
  // The period is chosen from the list the requirements accept (years, newest first).
  const select = page.getByLabel("Periodo");
  await select.locator("optgroup").first().waitFor({ state: "attached" });
  const years = (await select.locator("option").evaluateAll((all) => all.map((option) => option.value))).filter((value) => /^\d{4}$/.test(value));
  check(years.length >= 3, `la lista de periodos trae las vigencias: ${years.join(", ")}`);
  let found = false;
  for (const year of years) {
    await select.selectOption(year);
    await page.getByRole("button", { name: "Consultar" }).click();
    await page.locator("figcaption", { hasText: `pedidos en ${year}` }).waitFor();
    if (await missing.count()) {
      found = true;
      break;
    }
  }
  check(found, "no hay un periodo sin reportar");
  check((await page.locator(".requerimiento .plazo").count()) > 0, "cada requerimiento dice su plazo");
  const inputs = missing.locator("input");
  const asked = await inputs.evaluateAll((all) => all.map((input) => input.name));
  check(asked.length > 0 && new Set(asked).size === asked.length, `cada dato faltante se pide una vez: ${asked.join(", ")}`);
  for (let index = 0; index < asked.length; index += 1) await inputs.nth(index).fill(String(10 + index));
  // What is typed waits on this device: to another period and back, it is still there.
  const chosen = await select.inputValue();
  const other = years.find((year) => year !== chosen);
  await select.selectOption(other);
  await page.getByRole("button", { name: "Consultar" }).click();
  await page.locator("figcaption", { hasText: `pedidos en ${other}` }).waitFor();
  await select.selectOption(chosen);
  await page.getByRole("button", { name: "Consultar" }).click();
  await missing.locator(".aviso", { hasText: "Se recuperó el borrador" }).waitFor();
  check((await inputs.nth(0).inputValue()) === "10", "el borrador conserva lo escrito");
  // A refused value: nothing is saved, the error sits beside its field and names it as the form does.
  const numeric = missing.locator("input[inputmode=decimal]").first();
  if (await numeric.count()) {
    const before = await numeric.inputValue();
    await numeric.fill("muchos");
    await missing.getByRole("button", { name: "Enviar reporte" }).click();
    await missing.locator(".error", { hasText: "No se guardó nada" }).waitFor();
    const shown = (await missing.locator(`label[for="${await numeric.getAttribute("id")}"]`).textContent()).replace(/ \([^)]*\)$/, "");
    const beside = await numeric.locator("xpath=..").locator(".error-campo").textContent();
    check(beside.includes(shown), `el error nombra el dato como lo ve el usuario: «${beside}»`);
    check((await numeric.inputValue()) === "muchos", "lo escrito se conserva, también lo rechazado");
    await shot(page, "territorial-reporte-rechazado");
    await numeric.fill(before);
  }
  await missing.getByRole("button", { name: "Enviar reporte" }).click();
  await page.locator(".exito", { hasText: "Reporte recibido" }).waitFor();
  await page.locator(".exito", { hasText: "Nada por reportar" }).waitFor();
}

/** One GraphQL operation through the API, as another system would send it; fails on any error. */
async function api(query, variables = {}, token = null) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  check(!body.errors, `la API respondió con errores: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function apiToken(email) {
  const data = await api("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }", { e: email, p: PASSWORD });
  return data.login.token;
}

const journeys = {
  async "público: busca en todo, abre un documento y filtra el conocimiento"() {
    const page = await newPage();
    // The first load, as a slow connection pays it: every response, compressed as sent.
    const sizes = [];
    page.on("requestfinished", (request) => sizes.push(request.sizes().then((size) => size.responseBodySize + size.responseHeadersSize)));
    await page.goto(`${base}/`);
    await page.waitForLoadState("networkidle");
    const weight = (await Promise.all(sizes)).reduce((sum, size) => sum + size, 0);
    check(weight < 250 * 1024, `la primera carga pesa ${Math.round(weight / 1024)} KB comprimidos (máximo 250 KB)`);
    console.log(`      primera carga de Inicio: ${Math.round(weight / 1024)} KB comprimidos en ${sizes.length} respuestas`);
    await page.getByLabel("¿Qué busca?").fill("capacidades municipios sexta categoria");
    await page.locator("form.buscador").getByRole("button", { name: "Buscar" }).click();
    await page.locator(".grupo h2", { hasText: "Conocimiento" }).waitFor();
    await page.locator(".fragmento mark", { hasText: /sexta/i }).first().waitFor();
    check((await page.locator(".fragmento script, .fragmento img").count()) === 0, "un fragmento trae marcado distinto de <mark>");
    await assertLabelled(page, "Inicio");
    await shot(page, "publico-inicio");
    await page.getByRole("link", { name: /Capacidades institucionales de los municipios de sexta categoría/ }).first().click();
    await page.locator("article.documento h1", { hasText: "sexta categoría" }).waitFor();
    check(await page.locator("article.documento .texto p").count() > 2, "el documento no muestra su texto");
    await shot(page, "publico-documento");

    // The banner's box searches everything from any page.
    await page.getByLabel("Buscar en SUGIT").fill("regalias");
    await page.getByLabel("Buscar en SUGIT").press("Enter");
    await page.locator(".fragmento mark", { hasText: /regal/i }).first().waitFor();
    check((await page.getByLabel("¿Qué busca?").inputValue()) === "regalias", "Inicio no recibe lo buscado arriba");

    await page.goto(`${base}/#/conocimiento`);
    await page.locator(".faceta legend", { hasText: "Tipo" }).waitFor();
    const before = await page.locator("#contenido [role=status]").first().textContent();
    await page.locator(".faceta", { hasText: "Tipo" }).getByLabel(/^\s*Norma/).check();
    await page.waitForFunction((text) => {
      const status = document.querySelector("#contenido [role=status]")?.textContent ?? "";
      return status !== text && /documentos/.test(status);
    }, before);
    const types = await page.locator(".resultado .meta").allTextContents();
    check(types.length > 0 && types.every((text) => text.startsWith("Norma")), `el filtro por tipo no se aplicó: ${types.join(" | ")}`);
    await assertLabelled(page, "Conocimiento");
    await shot(page, "publico-conocimiento-filtrado");

    // The DIVIPOLA register, as before: a name without accents finds the district.
    await page.goto(`${base}/#/entidades`);
    await page.getByLabel("Nombre del municipio, distrito o departamento").fill("bogota");
    await page.locator("#resultados td", { hasText: "BOGOTÁ, D.C." }).first().waitFor();
    await assertLabelled(page, "Entidades");

    // A small screen: the menu wraps and nothing overflows sideways.
    const phone = await newPage({ width: 360, height: 740 });
    await phone.goto(`${base}/#/conocimiento`);
    await phone.locator(".resultado").first().waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `en pantalla pequeña la página se desborda ${overflow} px`);
    await phone.getByText("Filtrar").click();
    await phone.locator(".faceta legend", { hasText: "Tipo" }).waitFor();
    await shot(phone, "publico-conocimiento-movil", false);
    done(page, "público");
    done(phone, "público (móvil)");
  },

  async "ingreso: una contraseña errada muestra el error en español junto al formulario"() {
    const page = await newPage();
    await login(page, USERS.national, "no es la clave");
    const error = page.locator("form [role=alert]");
    await error.waitFor();
    const text = await error.textContent();
    check(/correo|contraseña|credenciales/i.test(text), `mensaje de error inesperado: ${text}`);
    await shot(page, "ingreso-error");
  },

  async "entidad nacional: crea y publica una oferta, que llega en vivo al catálogo"() {
    const visitor = await newPage();
    await visitor.goto(`${base}/#/oferta`);
    await visitor.locator("#estado-en-vivo", { hasText: "aparecen aquí" }).waitFor();

    const page = await newPage();
    await login(page, USERS.national);
    // A national entity lands on its own space, and its menu has what it uses.
    await page.locator("h1", { hasText: "Mi entidad: Departamento Nacional de Planeación" }).waitFor();
    await page.locator("#mis-ofertas").waitFor();
    const menu = await page.locator("#menu li:visible").allTextContents();
    check(menu.includes("Mi entidad") && menu.includes("Sala de consulta") && !menu.includes("Mi territorio"), `el menú de la entidad nacional no es el suyo: ${menu.join(", ")}`);
    await assertLabelled(page, "Mi entidad");
    const form = page.locator("#formulario-oferta");
    await form.getByLabel("Título").fill(offerTitle);
    await form.getByLabel("Descripción").fill("Asistencia a las alcaldías para formular y ejecutar el catastro multipropósito.");
    await form.getByLabel("Tema").fill("catastro");
    await form.getByLabel("Modalidad").selectOption("VIRTUAL");
    await form.getByLabel("Desde").fill("2026-01-01");
    await form.getByLabel("Hasta").fill("2030-12-31");
    await form.getByLabel("Cupos").fill("20");
    await form.getByLabel("Contacto").fill("catastro@dnp.gov.co");
    await form.getByRole("button", { name: "Guardar como borrador" }).click();
    const mine = page.locator("#mis-ofertas .resultado", { hasText: offerTitle });
    await mine.locator(".meta", { hasText: "Borrador" }).waitFor();
    await shot(page, "nacional-borrador");
    // Editing the draft keeps it a draft, with the new figures.
    await mine.getByRole("button", { name: "Editar" }).click();
    await page.locator("#mis-ofertas h3", { hasText: `Editar: ${offerTitle}` }).waitFor();
    await form.getByLabel("Cupos").fill("25");
    await form.getByRole("button", { name: "Guardar cambios" }).click();
    await page.locator("#mis-ofertas .exito", { hasText: "guardada (borrador)" }).waitFor();
    check((await page.locator("#mis-ofertas h3", { hasText: "Nueva oferta" }).count()) === 1, "tras guardar, el formulario no vuelve a «Nueva oferta»");
    await mine.getByRole("button", { name: "Publicar" }).click();
    await mine.locator(".meta", { hasText: "Publicada" }).waitFor();
    await shot(page, "nacional-publicada");

    // The same user adds a guide to the knowledge base; it is searchable at once.
    await page.goto(`${base}/#/conocimiento`);
    const upload = page.locator("#carga-conocimiento");
    // An error of the API lands beside the field it names, in Spanish.
    await upload.getByLabel("Título").fill("ab");
    await upload.getByLabel("Texto (Markdown)").fill("Pasos para que la alcaldía contrate el gestor catastral y actualice su base predial.");
    await upload.getByRole("button", { name: "Agregar a la base de conocimiento" }).click();
    const titleError = upload.locator(".campo", { has: page.getByLabel("Título") }).locator(".error-campo");
    await titleError.waitFor();
    check(/título/i.test(await titleError.textContent()), "el error del título no lo explica");
    check((await upload.getByLabel("Título").getAttribute("aria-invalid")) === "true", "el título errado no queda marcado");
    await shot(page, "nacional-error-junto-al-campo");
    await upload.getByLabel("Título").fill(`Guía de catastro para alcaldías ${stamp}`);
    await upload.getByLabel("Temas").fill("catastro, hacienda pública");
    await upload.getByLabel("Texto (Markdown)").fill(
      `# Guía ${stamp}\n\nPasos para contratar el **gestor catastral** y actualizar la base predial.\n\n## Pasos\n\n1. Diagnóstico\n2. Contrato\n\n| Paso | Plazo |\n|---|---|\n| Diagnóstico | 2 meses |\n\nUn texto con <script>window.inyectado = 1</script> y <img src=x onerror="window.inyectado = 2"> queda como texto.`,
    );
    await upload.getByRole("button", { name: "Agregar a la base de conocimiento" }).click();
    await upload.locator(".exito a", { hasText: stamp }).click();
    await page.locator("article.documento", { hasText: "gestor catastral" }).waitFor();
    // Its Markdown as a page: a list, a table, bold; any markup in it shows as text and runs nothing.
    const text = page.locator("article.documento .texto");
    await text.locator("table td", { hasText: "2 meses" }).waitFor();
    check((await text.locator("ol li").count()) === 2 && (await text.locator("strong", { hasText: "gestor catastral" }).count()) === 1, "el Markdown no se ve como lista y negrilla");
    check((await text.locator("script, img").count()) === 0 && (await page.evaluate(() => window.inyectado)) === undefined, "el marcado del documento se ejecutó");
    check((await text.innerText()).includes("<script>window.inyectado = 1</script>"), "el marcado no se muestra como texto");
    await shot(page, "nacional-documento-cargado");

    await visitor.locator(".en-vivo .nueva", { hasText: offerTitle }).waitFor();
    await visitor.locator("#lista-ofertas .resultado", { hasText: offerTitle }).waitFor();
    await shot(visitor, "publico-oferta-en-vivo");
    done(page, "entidad nacional");
    done(visitor, "público en la oferta");
  },

  async "equipo territorial: ve su estado, reporta solo lo faltante y ve ofertas recomendadas"() {
    const page = await newPage();
    await login(page, USERS.territorial);
    await page.locator("h1", { hasText: "Mi territorio" }).waitFor();
    await page.locator(".cifra", { hasText: "Carga ahorrada" }).waitFor();
    check((await page.locator(".estado", { hasText: "Reutilizado" }).count()) > 0, "no se ve ningún dato reutilizado");
    // Where a reused value came from reads as names: «Formulario Único Territorial…, reportado por ABEJORRAL».
    const sources = await page.locator("td", { hasText: "reportado por" }).allTextContents();
    check(sources.length > 0 && sources.every((text) => !/reportado por \d|^[A-Z_]+,/.test(text)), `la fuente muestra códigos: ${sources[0]}`);
    check((await page.locator(".estado", { hasText: "En conflicto" }).count()) > 0, "no se ve el conflicto de la demostración");
    check((await page.locator("svg.grafica").count()) > 0, "falta la gráfica de la carga");
    await assertLabelled(page, "Mi territorio");
    await shot(page, "territorial-estado-2025");

    await reportMissing(page);
    check((await page.locator(".estado", { hasText: "Reutilizado" }).count()) > 0, "lo reportado no se reutiliza en los demás requerimientos");
    await shot(page, "territorial-reporte-2026");

    await page.getByText("Registrar una nueva demanda").click();
    const demand = page.locator("#formulario-demanda");
    // The list comes from the API and keeps earlier runs' demands: this one carries the run's stamp.
    const need = `Actualizar el catastro del municipio para mejorar el recaudo predial (${stamp}).`;
    await demand.getByLabel("¿Qué necesita?").fill(need);
    await demand.getByLabel("Tema").fill("catastro");
    await demand.getByLabel("Capacidad que falta").fill("No tenemos equipo técnico de catastro.");
    await demand.getByRole("button", { name: "Registrar la demanda" }).click();
    const item = page.locator(".demanda", { hasText: need });
    await item.locator("h4", { hasText: "Ofertas recomendadas" }).waitFor();
    await item.locator(".resultado", { hasText: offerTitle }).waitFor();
    check((await item.locator(".razones li").count()) > 0, "las recomendaciones no explican sus razones");
    await shot(page, "territorial-demanda-recomendaciones");

    // «Solicitar esta oferta» from the recommendation: the request, written from the demand, goes to the offering entity.
    await item.locator(".resultado", { hasText: offerTitle }).getByRole("link", { name: "Solicitar esta oferta" }).click();
    const request = page.locator("#formulario-consulta");
    await request.getByRole("heading", { name: /^Solicitar esta oferta a / }).waitFor();
    check((await request.getByLabel("Su solicitud").inputValue()).includes(`«${need.replace(/\.$/, "")}»`), "la solicitud no cita la demanda");
    await shot(page, "territorial-solicitud-oferta");
    await request.getByRole("button", { name: "Enviar la solicitud" }).click();
    await page.locator("h1", { hasText: `Solicitud de la oferta «${offerTitle}»` }).waitFor();
    done(page, "equipo territorial");
  },

  async "entidad nacional: en su espacio asigna su oferta a una demanda recomendada, registra la entrega, sigue quién reporta y cierra la oferta"() {
    const page = await newPage();
    await login(page, USERS.national);
    const mine = page.locator("#mis-ofertas .resultado", { hasText: offerTitle });
    await mine.waitFor();
    // The demand the territorial team registered for this offer's topic is recommended, with reasons in Spanish.
    await mine.getByText("Demandas recomendadas para esta oferta").click();
    const need = `(${stamp})`;
    const recommended = mine.locator(".demanda-recomendada", { hasText: need });
    await recommended.waitFor();
    const reasons = await recommended.locator(".razones li").allTextContents();
    check(reasons.length > 0 && reasons.every((text) => /[a-záéíóúñ]{4}/i.test(text) && !/[A-Z_]{6}/.test(text)), `las razones no están en español claro: ${reasons.join(" | ")}`);
    await shot(page, "nacional-demandas-recomendadas");
    await recommended.getByRole("button", { name: /^Asignar un cupo a Abejorral/i }).click();
    await page.locator("#mis-ofertas .exito", { hasText: "Oferta asignada a la demanda de Abejorral" }).waitFor();
    const assigned = mine.locator(".asignada", { hasText: need });
    await assigned.waitFor();
    check(/Asignada a 1 de 25 cupos/.test(await mine.locator(".asignadas h4").textContent()), "no dice cuántos cupos quedan");

    // The delivery, dated today by default (the form does not accept a future date).
    await assigned.getByText("Registrar una entrega").click();
    await assigned.getByLabel("Horas").fill("6");
    await assigned.getByLabel("Participantes").fill("4");
    await assigned.getByLabel("Notas").fill("Taller de diagnóstico de la base catastral con la secretaría de hacienda.");
    await assigned.getByRole("button", { name: "Registrar la entrega" }).click();
    await page.locator("#mis-ofertas .exito", { hasText: "registrada para Abejorral" }).waitFor();
    await mine.locator(".asignada", { hasText: need }).locator(".meta", { hasText: "6 h, 4 personas, sin evaluar" }).waitFor();
    await shot(page, "nacional-entrega-registrada");

    // Its requirement: who has reported it in 2025, per entity, with the CSV.
    const requirements = page.locator("#mis-requerimientos");
    await requirements.locator("summary", { hasText: "Seguimiento al plan de desarrollo territorial" }).click();
    const coverage = requirements.locator(".cobertura");
    await coverage.getByLabel("Periodo").selectOption("2025");
    await coverage.locator("[role=status]", { hasText: /^Año 2025: [\d.]+ de [\d.]+ entidades completas/ }).waitFor();
    await coverage.getByLabel("Estado").selectOption("COMPLETE");
    await coverage.locator("tbody tr", { hasText: "Abejorral" }).waitFor();
    check((await coverage.locator("tbody td.estado-cobertura").allTextContents()).every((text) => text.startsWith("Completo")), "el filtro por estado no se aplicó");
    const href = await coverage.getByRole("link", { name: "Descargar CSV" }).getAttribute("href");
    const csv = await (await fetch(new URL(href, base))).text();
    check(csv.startsWith("requerimiento,periodo,plazo,codigo_divipola,entidad") && csv.includes("05002,ABEJORRAL,ANTIOQUIA,Completo"), `el CSV no trae a Abejorral completo: ${csv.slice(0, 200)}`);
    await shot(page, "nacional-quien-reporta");

    // A new requirement: typing a field that already exists proposes reusing it.
    await requirements.getByText("Registrar un requerimiento de información").click();
    const form = page.locator("#formulario-requerimiento");
    await form.getByLabel("Nombre", { exact: true }).fill(`Seguimiento a la actualización catastral ${stamp}`);
    await form.getByLabel("Código", { exact: true }).fill(`CATASTRO_${stamp.toUpperCase()}`);
    await form.getByLabel("Norma que lo sustenta").fill("CONPES 3958 de 2019 (catastro multipropósito)");
    await form.getByLabel("Periodicidad").selectOption("ANNUAL");
    await form.getByRole("button", { name: "Agregar un campo nuevo" }).click();
    await form.getByLabel("Nombre del campo").fill("Población total del municipio");
    await form.locator(".parecidos li", { hasText: "POBLACION_TOTAL" }).getByRole("button", { name: "Reutilizar POBLACION_TOTAL" }).click();
    await form.locator(".ficha", { hasText: "POBLACION_TOTAL" }).waitFor();
    check((await form.locator(".campo-nuevo").count()) === 0, "el campo reutilizado sigue como campo nuevo");
    await form.getByRole("button", { name: "Agregar un campo nuevo" }).click();
    await form.getByLabel("Nombre del campo").fill(`Predios actualizados en la vigencia ${stamp}`);
    await form.getByLabel("Código", { exact: true }).last().fill(`PREDIOS_ACTUALIZADOS_${stamp.toUpperCase()}`);
    await form.getByLabel("Descripción").fill("Predios con información catastral actualizada durante la vigencia.");
    await form.getByLabel("Unidad").fill("predios");
    await form.getByLabel("Competencia").fill("CATASTRO");
    await assertLabelled(page, "Mi entidad (requerimiento)");
    await shot(page, "nacional-requerimiento-parecidos");
    await form.getByRole("button", { name: "Registrar el requerimiento" }).click();
    await requirements.locator(".exito", { hasText: "registrado con 2 elementos" }).waitFor();
    await requirements.locator("summary", { hasText: `CATASTRO_${stamp.toUpperCase()}` }).waitFor();

    // The territorial team's request waits in its consultation room.
    await page.locator("#menu").getByRole("link", { name: "Sala de consulta" }).click();
    await page.getByRole("link", { name: `Solicitud de la oferta «${offerTitle}»` }).waitFor();
    await page.goto(`${base}/#/mi-entidad`);
    await mine.waitFor();

    // Closing the offer: it stays visible, without new assignments.
    page.once("dialog", (dialog) => dialog.accept());
    await mine.getByRole("button", { name: "Cerrar la oferta" }).click();
    await mine.locator(".meta", { hasText: "Cerrada" }).waitFor();
    check((await mine.getByText("Demandas recomendadas para esta oferta").count()) === 0, "una oferta cerrada sigue ofreciendo asignar");
    await shot(page, "nacional-oferta-cerrada");
    done(page, "entidad nacional en su espacio");
  },

  async "equipo territorial: ve un dato en conflicto con la gobernación y elige el valor que queda"() {
    // Abejorral and its department report different water-quality indexes for 2024 (new values
    // each run, so the journey can run again): a cross-level conflict to resolve.
    // The clock's milliseconds make each run's values new (the same content again would only
    // replay the earlier submission); ending in 1, as the canonical form drops trailing zeros.
    const run = Date.now();
    const [own, departments] = [`11,${run}1`, `27,${run}1`];
    const submit = "mutation($input: SubmitReportInput!) { submitReport(input: $input) { accepted } }";
    const send = (token, entityCode, value, subjectCode) =>
      api(submit, { input: { entityCode, period: "2024", requirementCode: "SUI_AGUA_SANEAMIENTO", idempotencyKey: `conflicto-${stamp}-${entityCode}`, values: [{ dataElementCode: "IRCA", value, subjectCode }] } }, token);
    await send(await apiToken(USERS.territorial), "05002", own, null);
    await send(await apiToken(USERS.department), "05", departments, "05002");

    const page = await newPage();
    await login(page, USERS.territorial);
    await page.locator("h1", { hasText: "Mi territorio" }).waitFor();
    const conflict = page.locator("#lista-conflictos .conflicto", { hasText: "Índice de riesgo de la calidad del agua (IRCA) IRCA, periodo 2024" });
    await conflict.waitFor();
    const shown = (value) => value.replace(",", ".");
    await conflict.locator("li", { hasText: shown(own) }).locator(".meta", { hasText: "el que se usa mientras tanto" }).waitFor();
    await shot(page, "territorial-conflicto");
    await conflict.locator("li", { hasText: "la gobernación (05)" }).getByRole("button", { name: /Dejar/ }).click();
    await page.locator("#lista-conflictos .exito", { hasText: `Queda vigente ${shown(departments)} para IRCA (2024)` }).waitFor();
    check((await conflict.count()) === 0, "el conflicto resuelto sigue en la lista");
    await shot(page, "territorial-conflicto-resuelto");
    done(page, "conflicto");
  },

  async "equipo territorial de ATT: ve sus demandas, evalúa una entrega y cierra una demanda"() {
    const page = await newPage();
    await login(page, USERS.territorialAtt);
    await page.locator("h1", { hasText: "Mi territorio" }).waitFor();
    // The demo's demand of Abejorral with two deliveries: the first evaluated, the second not.
    const demand = page.locator("#lista-demandas .demanda", { hasText: "acueducto veredal" });
    await demand.locator("h4", { hasText: "Entregas recibidas (2)" }).waitFor();
    check((await demand.locator(".evaluacion-dada", { hasText: "satisfacción 5 de 5" }).count()) === 1, "no se ve la evaluación de la primera entrega");
    await assertLabelled(page, "Mi territorio (demandas)");
    const pending = demand.locator(".entrega", { has: page.locator("summary", { hasText: "Evaluar esta entrega" }) });
    if (await pending.count()) {
      // Two tabs with the same form: the second evaluation is refused, in Spanish, beside its form.
      const other = await newPage();
      await login(other, USERS.territorialAtt);
      const otherPending = other.locator("#lista-demandas .demanda", { hasText: "acueducto veredal" }).locator(".entrega", { has: other.locator("summary", { hasText: "Evaluar esta entrega" }) });
      await otherPending.locator("summary").click();

      await pending.locator("summary").click();
      await assertLabelled(page, "evaluación de una entrega");
      await pending.getByLabel("Satisfacción").selectOption("4");
      await pending.getByLabel(/capacidad quedó instalada/).check();
      await pending.getByLabel("Comentarios").fill(`El equipo ya formula proyectos por sí mismo ${stamp}`);
      await pending.getByRole("button", { name: "Enviar evaluación" }).click();
      await demand.locator(".exito", { hasText: "Evaluación registrada" }).waitFor();
      await demand.locator(".evaluacion-dada", { hasText: "satisfacción 4 de 5" }).waitFor();
      await shot(page, "territorial-att-evaluacion");

      await otherPending.getByRole("button", { name: "Enviar evaluación" }).click();
      const refused = otherPending.locator("[role=alert]");
      await refused.waitFor();
      const text = await refused.textContent();
      check(/ya fue evaluada/i.test(text), `el rechazo de una segunda evaluación no se explica en español: ${text}`);
      done(other, "equipo territorial de ATT (segunda pestaña)");
    } else {
      // A second run against the same server: every delivery of the demand is evaluated.
      check((await demand.locator(".evaluacion-dada", { hasText: "Evaluada" }).count()) === 2, "una entrega quedó sin evaluar ni formulario");
    }

    // A demand registered and then closed: it leaves the open ones, marked closed.
    const need = `Organizar el archivo de gestión documental ${stamp}`;
    await page.getByText("Registrar una nueva demanda").click();
    const form = page.locator("#formulario-demanda");
    await form.getByLabel("¿Qué necesita?").fill(need);
    await form.getByLabel("Tema").fill("gestión documental");
    await form.getByLabel("Capacidad que falta").fill("Nadie en la alcaldía conoce las tablas de retención.");
    await form.getByRole("button", { name: "Registrar la demanda" }).click();
    const mine = page.locator("#lista-demandas .demanda", { hasText: need });
    await mine.getByRole("button", { name: "Cerrar demanda" }).click();
    await page.locator("#demandas .exito", { hasText: "cerrada" }).waitFor();
    await page.locator("#lista-demandas .demanda", { hasText: need }).locator(".estado-demanda", { hasText: "Cerrada" }).waitFor();
    check((await page.locator("#lista-demandas .demanda", { hasText: need }).getByRole("button", { name: "Cerrar demanda" }).count()) === 0, "una demanda cerrada todavía se puede cerrar");
    await shot(page, "territorial-att-demanda-cerrada");
    done(page, "equipo territorial de ATT");
  },

  async "cobertura: la demanda cubierta por departamento y la focalización, también en pantalla pequeña"() {
    const page = await newPage();
    await page.goto(`${base}/#/oferta`);
    const chart = page.locator("#cobertura figure", { hasText: "Demanda cubierta por departamento" });
    await chart.waitFor();
    check((await chart.locator("rect").count()) >= 3, "faltan departamentos en la gráfica de cobertura");
    check(/ANTIOQUIA/i.test(await chart.locator("svg").getAttribute("aria-label")), "la gráfica no describe Antioquia");
    check((await page.locator("#tabla-focalizacion tbody tr").count()) >= 3, "falta la tabla de focalización");
    const link = page.getByRole("link", { name: /focalización completa/ });
    check((await link.getAttribute("href")) === "/att/focalizacion.csv", "el enlace al CSV no apunta a /att/focalizacion.csv");
    const csv = await page.request.get(`${base}/att/focalizacion.csv`);
    check(csv.ok() && /csv/.test(csv.headers()["content-type"] ?? ""), `el CSV de focalización no responde: ${csv.status()}`);
    await assertLabelled(page, "Oferta ATT (cobertura)");
    await page.locator("#cobertura").screenshot({ path: join(shots, "publico-cobertura.png") });

    const phone = await newPage({ width: 360, height: 740 });
    await phone.goto(`${base}/#/oferta`);
    await phone.locator("#tabla-focalizacion").waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `en pantalla pequeña la oferta se desborda ${overflow} px`);
    await shot(phone, "publico-cobertura-movil");
    done(page, "cobertura");
    done(phone, "cobertura (móvil)");
  },

  async "sala de consulta: un municipio pregunta por una oferta y la entidad nacional responde"() {
    const asker = await newPage();
    await login(asker, USERS.territorialAtt);
    await asker.locator("h1", { hasText: "Mi territorio" }).waitFor();
    await asker.goto(`${base}/#/oferta`);
    await asker.getByLabel("Buscar en la oferta de asistencia técnica").fill("formulación de proyectos regalías");
    await asker.locator("form.buscador").getByRole("button", { name: "Buscar" }).click();
    await asker.getByRole("link", { name: "Formulación de proyectos de inversión con regalías" }).first().click();
    await asker.locator("article.documento h1", { hasText: "Formulación de proyectos" }).waitFor();
    await asker.getByRole("button", { name: "Consultar a la entidad" }).click();
    const form = asker.locator("#formulario-consulta");
    await assertLabelled(asker, "Consultar a la entidad");
    const title = `¿Sirve para un acueducto veredal? ${stamp}`;
    await form.getByLabel("Asunto").fill(title);
    await form.getByLabel("Su pregunta").fill("Queremos saber si la oferta acompaña proyectos de acueductos veredales con regalías.");
    await form.getByRole("button", { name: "Enviar consulta" }).click();
    await asker.locator("article.hilo-abierto h1", { hasText: title }).waitFor();
    await asker.locator("#mensajes .mensaje", { hasText: "acueductos veredales" }).waitFor();
    await asker.locator("#estado-consultas", { hasText: "aparecen aquí" }).waitFor();
    await assertLabelled(asker, "Sala de consulta (conversación)");

    const dnp = await newPage();
    await login(dnp, USERS.offerer);
    await dnp.locator("#mis-ofertas").waitFor();
    // The menu tells the national entity that something waits unread.
    await dnp.locator("#menu .no-leidos").waitFor();
    await dnp.locator("#menu").getByRole("link", { name: "Sala de consulta" }).click();
    const thread = dnp.locator("#lista-consultas .hilo", { hasText: title });
    await thread.waitFor();
    const badge = (await thread.locator(".no-leidos").textContent()) ?? "";
    check(badge.trim() === "1 sin leer", `la entidad nacional no ve 1 mensaje sin leer: «${badge}»`);
    await shot(dnp, "nacional-sala-sin-leer");
    await thread.getByRole("link", { name: title }).click();
    await dnp.locator("#mensajes .mensaje", { hasText: "acueductos veredales" }).waitFor();
    const answer = `Sí: acompañamos la formulación con la metodología general ajustada (${stamp}).`;
    await dnp.getByLabel("Su respuesta").fill(answer);
    await dnp.getByRole("button", { name: "Responder" }).click();
    await dnp.locator("#mensajes .mensaje.lado-national", { hasText: stamp }).waitFor();
    await assertLabelled(dnp, "Sala de consulta (respuesta)");

    // The answer reaches the municipality's open thread live.
    await asker.locator("#mensajes .mensaje.lado-national", { hasText: stamp }).waitFor();
    await shot(asker, "territorial-sala-respuesta-en-vivo");
    await asker.setViewportSize({ width: 360, height: 740 });
    const overflow = await asker.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `en pantalla pequeña la conversación se desborda ${overflow} px`);

    // Opened, the thread is read; the answer counts in the response times.
    await dnp.getByRole("link", { name: "← Todas sus consultas" }).click();
    await dnp.locator("#lista-consultas .hilo", { hasText: title }).waitFor();
    check((await dnp.locator("#lista-consultas .hilo", { hasText: title }).locator(".no-leidos").count()) === 0, "la conversación leída sigue con mensajes sin leer");
    const row = dnp.locator("#tabla-respuesta tbody tr", { hasText: "Planeación" });
    await row.waitFor();
    check(Number((await row.locator("td").nth(1).textContent()).trim()) >= 1, "la respuesta no cuenta en los tiempos de respuesta");
    await shot(dnp, "nacional-sala-respondida");
    done(asker, "sala de consulta (municipio)");
    done(dnp, "sala de consulta (entidad nacional)");
  },

  async "gobernación: consulta y reporta por uno de sus municipios"() {
    const page = await newPage();
    await login(page, USERS.department);
    await page.getByLabel("Entidad").selectOption({ label: "ABRIAQUÍ" });
    await page.locator(".lema", { hasText: "ABRIAQUÍ (05004)" }).waitFor();
    await page.locator(".cifra", { hasText: "Carga ahorrada" }).waitFor();
    await assertLabelled(page, "Mi territorio (gobernación)");
    await reportMissing(page);
    await page.locator(".lema", { hasText: "ABRIAQUÍ (05004)" }).waitFor();

    // Back to the demo's year: the three municipalities that reported, compared.
    await page.getByLabel("Periodo").selectOption("2025");
    await page.getByRole("button", { name: "Comparar la carga ahorrada de sus municipios" }).click();
    const chart = page.locator("figure", { hasText: "Carga ahorrada por reutilización en 2025" });
    await chart.waitFor({ timeout: 60_000 });
    check((await chart.locator("rect").count()) >= 3, "faltan municipios en la comparación");
    await shot(page, "gobernacion-municipio");
    done(page, "gobernación");
  },

  async "monitoreo: el país en un mapa, un departamento, y de un rojo a pedir asistencia técnica"() {
    const page = await newPage();
    await page.goto(`${base}/#/monitoreo?entidad=05045&periodo=2024&indicador=COBERTURA_ACUEDUCTO`);
    await page.locator(".sintetico", { hasText: "datos sintéticos de demostración" }).waitFor();
    await page.locator("h2", { hasText: "Indicadores de APARTADÓ (05045) en 2024" }).waitFor();
    // 29 of the demo's 30 (one is restricted by its owner and not public), formation's completion,
    // and the two that count education's services (enrolment, teachers).
    check((await page.locator("#contenido table").first().locator("tbody tr").count()) === 32, "faltan indicadores de la entidad");
    const map = page.locator("svg.mapa-teselas");
    await map.waitFor();
    check((await map.locator("g.tesela").count()) === 33, "el mapa no tiene los 33 departamentos");
    await assertLabelled(page, "Monitoreo");
    await shot(page, "publico-monitoreo");
    await map.getByRole("button", { name: /^CHOCÓ:/ }).click();
    await page.locator("h2", { hasText: "Municipios de CHOCÓ" }).waitFor();
    const csv = await page.request.get(`${base}/monitoreo/indicadores.csv?periodo=2024&indicador=COBERTURA_ACUEDUCTO&departamento=27`);
    check(csv.ok() && /QUIBDÓ/.test(await csv.text()), `el CSV del departamento no responde: ${csv.status()}`);

    // Abejorral's own figures put some indicators in red: from there to a demand, filled in.
    const team = await newPage();
    await login(team, USERS.territorial);
    await team.locator("h1", { hasText: "Mi territorio" }).waitFor();
    await team.locator("#menu").getByRole("link", { name: "Monitoreo" }).click();
    await team.locator("h2", { hasText: "(05002) en 2025" }).waitFor();
    const ask = team.locator("a.pedir-asistencia").first();
    await ask.waitFor();
    await ask.click();
    const need = team.locator("#formulario-demanda textarea[name=need]");
    await need.waitFor();
    check(/^Mejorar «.+»: .+ en rojo/.test(await need.inputValue()), `la demanda no llega con el indicador: ${await need.inputValue()}`);
    check((await team.locator("#formulario-demanda input[name=topic]").inputValue()) !== "", "la demanda no llega con el tema");
    await shot(team, "territorial-monitoreo-demanda");

    // A national entity turns the country's red lights into a focalisation list it keeps.
    const dnp = await newPage();
    await login(dnp, USERS.offerer);
    await dnp.locator("h1", { hasText: "Mi entidad" }).waitFor();
    await dnp.goto(`${base}/#/monitoreo?entidad=05045&periodo=2024&indicador=COBERTURA_ACUEDUCTO`);
    await dnp.locator("h2", { hasText: "El país por departamento" }).waitFor();
    const start = dnp.getByRole("button", { name: /^Crear una lista de focalización con los \d+ municipios en rojo$/ });
    await start.waitFor();
    await start.click();
    const created = dnp.getByRole("status").filter({ hasText: /^Lista «.+» creada con [\d.]+ municipios\.$/ });
    await created.waitFor();
    check((await dnp.locator("table", { hasText: "Municipios de la lista" }).locator("tbody tr").count()) > 0, "la lista quedó vacía");
    await shot(dnp, "nacional-monitoreo-focalizacion");
    done(page, "monitoreo (público)");
    done(team, "monitoreo (equipo territorial)");
    done(dnp, "monitoreo (entidad nacional)");
  },

  async "gasto: el catálogo en árbol y sus versiones, Función Pública aprueba y el gasto junto a sus pares"() {
    const page = await newPage();
    await page.goto(`${base}/#/gasto?entidad=05045&vigencia=2024`);
    await page.locator(".sintetico", { hasText: "datos sintéticos de demostración" }).waitFor();
    await page.locator("details.competencia").first().waitFor();
    check((await page.locator("details.competencia").count()) >= 12, "faltan competencias en el árbol");
    await page.locator("details.competencia summary", { hasText: "Salud" }).click();
    await page.locator("li.unidad", { hasText: "Vigilancia en salud pública" }).waitFor();
    // Version 1 to 2: the split unit is retired, its successors added.
    const diffRow = (code) =>
      page.locator("#tabla-cambios tbody tr").filter({ has: page.locator("td:first-child", { hasText: new RegExp(`^${code}$`) }) });
    await diffRow("SAL-03").locator("td", { hasText: "Retirado" }).waitFor();
    await diffRow("SAL-07").locator("td", { hasText: "Nuevo" }).waitFor();
    // 2024 was reported under version 1: shown in today's codes through the crosswalk.
    await page.locator("#tabla-gasto tbody tr").first().waitFor();
    await page.locator("p.ayuda", { hasText: "mostrados por el cruce: " }).waitFor();
    check((await page.locator("figure", { hasText: "Compromisos por habitante" }).locator("svg").count()) === 1, "falta la gráfica del gasto");
    // What a student cost, where an indicator counts the service.
    await page.locator("#tabla-costo-servicio tbody tr", { hasText: "Matrícula oficial atendida" }).locator("td", { hasText: /^\$ [\d.]+$/ }).first().waitFor();
    await page.getByLabel("Buscar en el catálogo").fill("acueducto");
    await page.getByRole("button", { name: "Ver", exact: true }).click();
    await page.locator("#resultados-catalogo li", { hasText: "APSB-01" }).waitFor();
    const csv = await page.request.get(`${base}/clasificacion/catalogo.csv?version=1`);
    check(csv.ok() && /SAL-03/.test(await csv.text()), `el CSV de la versión 1 no responde: ${csv.status()}`);
    await assertLabelled(page, "Gasto");
    await shot(page, "publico-gasto");
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${base}/#/gasto?entidad=05045&vigencia=2025`);
    await phone.locator("#tabla-gasto tbody tr").first().waitFor();
    await shot(phone, "publico-gasto-movil", false);

    // DNP proposes a new unit; Función Pública approves it as a new version.
    const code = `AMB-${stamp.toUpperCase()}`.slice(0, 32);
    const dnp = await newPage();
    await login(dnp, "clasificacion@dnp.demo.gov.co");
    await dnp.locator("#sesion .usuario").waitFor();
    await dnp.goto(`${base}/#/gasto`);
    const form = dnp.locator("#formulario-propuesta");
    await form.waitFor();
    await form.getByLabel("Tipo de cambio").selectOption("ADD");
    await form.getByLabel("Nivel (si es nuevo)").selectOption("UNIT");
    await form.getByLabel("Código (varios separados por coma para fusionar)").fill(code);
    await form.getByLabel("Código del padre (si es nuevo)").fill("AMB");
    await form.getByLabel("Nombre").fill(`Economía circular ${stamp}`);
    await form.getByLabel("Justificación").fill("Los municipios ya invierten en aprovechamiento de residuos.");
    await form.getByRole("button", { name: "Proponer" }).click();
    await form.locator(".exito", { hasText: "Propuesta enviada" }).waitFor();
    await dnp.locator("#tabla-propuestas tr", { hasText: code }).waitFor();
    await shot(dnp, "nacional-gasto-propuesta");

    const dafp = await newPage();
    await login(dafp, "clasificacion@funcionpublica.demo.gov.co");
    await dafp.locator("#sesion .usuario").waitFor();
    await dafp.goto(`${base}/#/gasto`);
    const row = dafp.locator("#tabla-propuestas tr", { hasText: code });
    await row.getByRole("checkbox").check();
    await dafp.getByLabel("Nota de aprobación").fill("Revisada por la Dirección de Desarrollo Organizacional.");
    await dafp.getByRole("button", { name: "Aprobar como nueva versión" }).click();
    await dafp.locator(".exito", { hasText: /Versión \d+ aprobada/ }).waitFor();
    await dafp.locator("#tabla-decididas tr", { hasText: code }).locator("td", { hasText: "Aprobada" }).waitFor();
    await shot(dafp, "funcion-publica-aprobada");

    // Abejorral's team checks a legacy execution file saved by a spreadsheet as Windows-1252,
    // sees the row no mapping reaches by its line, and imports the rest.
    // The login page of the demo: the data-protection notice, the forgotten-password path,
    // and the demo users, one click each.
    const team = await newPage();
    await team.goto(`${base}/#/ingresar`);
    await team.locator("#aviso-datos", { hasText: "Ley 1581 de 2012" }).waitFor();
    await team.getByText("¿Olvidó su contraseña?").click();
    await team.getByText("Recibirá una contraseña temporal").waitFor();
    // The list arrives after the form: wait for it before counting.
    await team.locator("#usuarios-demostracion li").first().waitFor();
    check((await team.locator("#usuarios-demostracion li").count()) >= 10, "faltan usuarios de demostración en el ingreso");
    await shot(team, "ingreso-demostracion");
    await team.locator("#usuarios-demostracion").getByRole("button", { name: USERS.territorial }).click();
    await team.getByRole("button", { name: "Ingresar", exact: true }).click();
    await team.locator("#sesion .usuario").waitFor();
    await team.goto(`${base}/#/gasto`);
    await team.getByRole("link", { name: "Importar un archivo heredado de ejecución presupuestal" }).click();
    const legacy = "Cuenta;Nombre;Apropiación definitiva;Compromisos;Obligaciones;Pagos\nA.1.1;Prestación del servicio educativo;1.000.000;900.000;800.000;700.000\nZ.9;Cuenta sin correspondencia;100.000;50.000;0;0\n";
    await team.getByLabel("Archivo de ejecución").setInputFiles({ name: "ejecucion.csv", mimeType: "text/csv", buffer: Buffer.from(legacy, "latin1") });
    await team.getByRole("button", { name: "Revisar el archivo" }).click();
    const unmapped = team.locator("#tabla-sin-correspondencia tbody tr", { hasText: "Z.9" });
    await unmapped.waitFor();
    check((await unmapped.locator("td").first().textContent()) === "3", "la fila sin correspondencia no dice su línea");
    await team.locator("#tabla-importacion tbody tr", { hasText: "EDU-01" }).waitFor();
    await team.getByRole("button", { name: "Importar", exact: true }).click();
    await team.locator(".exito", { hasText: "Guardado por la ruta de «reportar una sola vez»" }).waitFor();
    await shot(team, "territorial-gasto-importado");
    done(page, "gasto (público)");
    done(phone, "gasto (móvil)");
    done(dnp, "gasto (entidad nacional)");
    done(dafp, "gasto (Función Pública)");
    done(team, "gasto (importación de un archivo heredado)");
  },

  async "comisión: sesiones con quórum, compromisos vencidos primero y la secretaría convoca"() {
    const page = await newPage();
    await page.goto(`${base}/#/comision?anio=2026`);
    await page.locator("h2", { hasText: "Sesiones de 2026" }).waitFor();
    check((await page.locator("details.sesion-comision").count()) >= 5, "faltan sesiones de la demostración");
    check((await page.locator("details.sesion-comision summary", { hasText: "Sin quórum" }).count()) >= 1, "no se ve la sesión sin quórum");
    const session = page.locator("details.sesion-comision").first();
    await session.locator("summary").click();
    await session.locator("h3", { hasText: "Orden del día" }).waitFor();
    await session.locator(".quorum").waitFor();
    await page.locator("#tabla-compromisos").waitFor();
    const rows = page.locator("#tabla-compromisos tbody tr");
    check((await rows.count()) > 0, "no hay compromisos");
    const order = await rows.evaluateAll((all) => all.map((row) => row.classList.contains("vencido")));
    check(order.includes(true), "no se ve ningún compromiso vencido");
    check(order.indexOf(false) === -1 || order.lastIndexOf(true) < order.indexOf(false), `los compromisos vencidos no van primero: ${order}`);
    check((await page.locator("figure", { hasText: "Compromisos por estado" }).locator("svg").count()) === 1, "falta la gráfica de compromisos");
    check((await page.locator("figure", { hasText: "Sesiones por trimestre" }).locator("svg").count()) === 1, "falta la gráfica de sesiones");
    await page.locator("h2", { hasText: "Mesas técnicas" }).waitFor();
    check((await page.locator("#titulo-mesas ~ ul .resultado").count()) >= 1, "no se ve la mesa técnica de la demostración");
    await page.getByLabel("Solo vencidos").check();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll("#tabla-compromisos tbody tr")];
      return rows.length > 0 && rows.every((row) => row.classList.contains("vencido"));
    });
    await assertLabelled(page, "Comisión");
    // Who sits in the Commission: invitees by kind, the internal rules and the RAP in turn.
    await page.locator("#invitados-especiales li", { hasText: "Agremiación de entidades territoriales" }).first().waitFor();
    await page.locator("#invitados-especiales li", { hasText: "Delegado de las RAP" }).waitFor();
    await page.locator("#reglamento-vigente", { hasText: "Turno del delegado de las RAP" }).waitFor();
    await shot(page, "comision-publico");

    const secretariat = await newPage();
    await login(secretariat, USERS.secretariat);
    const convoke = secretariat.locator("form[aria-label='Convocar una sesión']");
    await convoke.waitFor();
    await convoke.getByLabel("Fecha y hora").fill("2026-12-15T09:00");
    await convoke.getByLabel("Lugar").fill("Función Pública, Bogotá");
    await convoke.getByLabel("Orden del día").fill("Verificación del quórum — Secretaría técnica\nBalance del año — DNP");
    await convoke.getByRole("button", { name: "Convocar" }).click();
    await secretariat.locator("#titulo-secretaria ~ .exito", { hasText: "Sesión convocada" }).waitFor();
    // Typed as 09:00 and shown as 09:00 Colombian time, whatever this browser's zone (UTC here).
    await secretariat.locator("details.sesion-comision summary", { hasText: /15 de diciembre de 2026.*\b9:00.*hora de Colombia/ }).first().waitFor();
    // The secretariat reports progress on a commitment; the table shows its new state.
    const rowOf = () => secretariat.locator("#tabla-compromisos tbody tr", { hasText: "ruta de cooperación para la Amazonía" });
    await rowOf().getByText("Informar avance").click();
    await rowOf().getByLabel("Estado").selectOption("IN_PROGRESS");
    await rowOf().getByLabel("Nota de avance").fill("Borrador de la ruta compartido con APC-Colombia.");
    await rowOf().getByRole("button", { name: "Guardar avance" }).click();
    await rowOf().locator(".estado", { hasText: "En curso" }).waitFor();
    // The rules in force admit academia: the secretariat seats a university as invitee.
    const seat = secretariat.locator("form[aria-label='Sentar a un invitado especial']");
    await seat.getByLabel("Código de la organización").fill("UNAL");
    await seat.getByLabel("Tipo de invitado").selectOption("ACADEMIA");
    await seat.getByRole("button", { name: "Sentar" }).click();
    await secretariat.locator("#titulo-secretaria ~ .exito", { hasText: "UNAL participa como academia" }).waitFor();
    await secretariat.locator("#invitados-especiales li", { hasText: "Academia" }).waitFor();
    // The session under way: the secretariat's forms are inside it, and it stays open after each save.
    const held = secretariat.locator("details.sesion-comision", { hasText: "12 de noviembre de 2026" });
    await held.locator("summary").click();
    const attendance = held.locator("form[aria-label='Asistencia']");
    check((await attendance.locator("fieldset", { hasText: "Miembros con voto" }).locator("li").count()) === 7, "la lista de asistencia no trae a los 7 miembros");
    check((await attendance.locator("fieldset", { hasText: "Invitados especiales" }).locator("li").count()) >= 2, "la lista de asistencia no trae a los invitados");
    await attendance.locator("li.asistencia-registrada", { hasText: "por delegación en Laura Restrepo Gaitán" }).waitFor();
    if ((await attendance.getByRole("checkbox", { name: /Ministerio del Interior/ }).isEnabled())) {
      await attendance.getByRole("checkbox", { name: /Ministerio del Interior/ }).check();
      await attendance.getByLabel("Quién asistió por Ministerio del Interior").selectOption({ index: 1 });
      await assertLabelled(secretariat, "Comisión (asistencia)");
      await attendance.getByRole("button", { name: "Registrar la asistencia marcada" }).click();
      await held.locator(".exito", { hasText: "Asistencia registrada (1)" }).waitFor();
    }
    await held.locator("li.asistencia-registrada", { hasText: "Ministerio del Interior (miembro con voto) — por delegación en Andrés Felipe Mora Cifuentes" }).waitFor();
    check(await held.evaluate((details) => details.open), "tras guardar, la sesión elegida no sigue abierta");
    // …puts a decision to the vote there…
    const decisionTitle = `Priorizar los municipios de categoría 6 ${stamp}`;
    const decide = held.locator("form[aria-label='Someter una decisión']");
    await decide.getByLabel("Decisión").fill(decisionTitle);
    await decide.getByRole("button", { name: "Someter a votación" }).click();
    await held.locator(".exito", { hasText: "sometida a votación" }).waitFor();
    // …whose vote form offers only the members present (not the Presidency, absent).
    const tally = held.locator(`form[aria-label='Votar: ${decisionTitle}']`);
    const voters = await tally.getByLabel("Miembro presente").locator("option").allTextContents();
    check(voters.length === 6 && !voters.some((name) => /Presidencia de la República/.test(name)), `el voto no se limita a los presentes: ${voters.join(", ")}`);
    for (const member of ["Departamento Administrativo de la Función Pública", "Agencia Presidencial de Cooperación Internacional de Colombia (APC-Colombia)", "Escuela Superior de Administración Pública"]) {
      const ballot = held.locator(`form[aria-label='Votar: ${decisionTitle}']`);
      await ballot.getByLabel("Miembro presente").selectOption({ label: member });
      await ballot.getByLabel("Voto").selectOption("FOR");
      await ballot.getByRole("button", { name: "Registrar el voto" }).click();
      await held.locator(".exito", { hasText: `Voto de ${member} registrado` }).waitFor();
    }
    await shot(secretariat, "comision-secretaria");
    // …and DNP, a member with vote, casts its own vote from its session.
    const member = await newPage();
    await login(member, USERS.national);
    await member.locator("#sesion .usuario").waitFor();
    await member.goto(`${base}/#/comision?anio=2026`);
    const ballot = member.locator(`form[aria-label='Votar: ${decisionTitle}']`);
    await ballot.getByLabel("Voto").selectOption("FOR");
    await ballot.getByRole("button", { name: "Votar" }).click();
    await member.locator("#titulo-voto ~ .exito", { hasText: `Voto registrado: a favor en «${decisionTitle}»` }).waitFor();
    await shot(member, "comision-voto-miembro");
    // The secretariat comes back to the same session (kept in the address) and closes the vote.
    await secretariat.reload();
    await held.locator(".decision-abierta", { hasText: decisionTitle }).getByRole("button", { name: "Cerrar la votación" }).click();
    await held.locator(".exito", { hasText: `Votación cerrada: «${decisionTitle}» aprobada con 4 de 6 miembros presentes` }).waitFor();
    check((await held.locator(".decision-abierta", { hasText: decisionTitle }).count()) === 0, "la votación cerrada sigue abierta");
    done(page, "comisión");
    done(secretariat, "secretaría");
    done(member, "comisión (voto de un miembro)");
  },

  async "vitrina, persona en el teléfono: se registra, autoriza, arma su perfil, se postula, exporta y borra sus datos"() {
    const page = await newPage({ width: 390, height: 844 });
    const email = "persona.recorrido@correo.co";
    const linkFile = join(shots, "confirmacion.txt");
    await rm(linkFile, { force: true });
    await page.goto(`${base}/#/vitrina`);
    await page.locator("#vacantes li").first().waitFor();
    await shot(page, "vitrina-tablero-telefono");
    await page.getByRole("link", { name: "Registrarme" }).click();
    await page.getByLabel("Correo electrónico").fill(email);
    await page.getByLabel("Nombre completo").fill("Persona del recorrido");
    await page.getByLabel("Contraseña").fill("una clave larga del recorrido");
    await page.getByRole("button", { name: "Registrarme" }).click();
    await page.locator(".exito", { hasText: "enlace" }).waitFor();
    await shot(page, "vitrina-registro-telefono");
    // The confirmation link, as the development instance "mails" it.
    let body = "";
    for (let tries = 0; tries < 100 && !body.includes("/confirmar/"); tries += 1) {
      body = await readFile(linkFile, "utf8").catch(() => "");
      if (!body.includes("/confirmar/")) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const link = /\/#\/vitrina\/confirmar\/\S+/.exec(body)?.[0];
    check(link, `no llegó el enlace de confirmación: ${body}`);
    await page.goto(`${base}${link}`);
    await page.getByRole("heading", { name: "Mi perfil de talento" }).waitFor();
    await page.getByLabel("Estudios", { exact: true }).fill("Economista con especialización en finanzas públicas");
    await page.getByLabel("Meses de experiencia", { exact: true }).fill("36");
    await page.getByLabel("Desarrollo institucional").check();
    await page.getByLabel("Departamentos de interés").fill("05, 19");
    await page.getByLabel("Mi nombre", { exact: true }).check();
    await assertLabelled(page, "perfil de talento");
    // Without the consent nothing is saved: the browser asks for it first.
    await page.getByLabel("Acepto esta autorización de tratamiento de datos").check();
    await page.getByRole("button", { name: "Guardar mi perfil" }).click();
    await page.locator(".exito", { hasText: "Autorización registrada" }).waitFor();
    await shot(page, "vitrina-perfil-telefono");
    await page.getByRole("link", { name: "Ver las vacantes que coinciden" }).click();
    await page.locator("#coincidencias li").first().waitFor();
    check(await page.locator("#coincidencias .razones li").count() > 0, "las coincidencias no dicen por qué");
    await shot(page, "vitrina-coincidencias-telefono");
    await page.locator("#coincidencias li h3 a").first().click();
    await page.getByRole("button", { name: "Postularme con mi perfil" }).click();
    await page.locator(".exito", { hasText: "Postulación enviada" }).waitFor();
    await page.goto(`${base}/#/vitrina/postulaciones`);
    await page.locator("#postulaciones .etapa", { hasText: "Recibida" }).waitFor();
    await shot(page, "vitrina-postulaciones-telefono");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    check(!overflow, "la página de postulaciones se sale de la pantalla del teléfono");
    // «Mis datos»: export in two clicks (menu, button), delete in two (button, confirmation).
    await page.getByRole("link", { name: "Mis datos" }).click();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Descargar mis datos (JSON)" }).click();
    const saved = JSON.parse(await readFile(await (await download).path(), "utf8"));
    check(saved.account?.email === email && saved.profile?.consentText?.includes("1581"), `la exportación no trae los datos: ${JSON.stringify(saved).slice(0, 200)}`);
    await page.getByRole("button", { name: "Eliminar todos mis datos" }).click();
    await page.getByRole("button", { name: "Sí, eliminar para siempre" }).click();
    await page.locator("#sesion a", { hasText: "Ingresar" }).waitFor();
    await shot(page, "vitrina-datos-eliminados-telefono");
    done(page, "vitrina persona");
  },

  async "vitrina, entidad: publica una vacante, ve candidatos y mueve a un postulante de etapa"() {
    const page = await newPage();
    await login(page, "talento@05002.vitrina.demo.gov.co");
    await page.locator("#sesion .usuario").waitFor();
    await page.goto(`${base}/#/vitrina/entidad`);
    await page.locator("#vacantes-propias li").first().waitFor();
    // A salary under the legal minimum is refused, with the figure.
    await page.getByLabel("Empleo").fill(`Profesional de presupuesto ${stamp}`);
    await page.getByLabel("Estudios exigidos").fill("Economía o contaduría");
    await page.getByLabel("Asignación mensual (pesos)").fill("1000000");
    await page.getByLabel("Lugar").fill("Abejorral, Antioquia");
    await page.getByRole("button", { name: "Publicar" }).click();
    await page.locator(".error", { hasText: "salario mínimo" }).waitFor();
    await page.getByLabel("Asignación mensual (pesos)").fill("3900000");
    await page.getByRole("button", { name: "Publicar" }).click();
    await page.getByRole("heading", { level: 1, name: `Profesional de presupuesto ${stamp}` }).waitFor();
    await shot(page, "vitrina-entidad-vacante-nueva");
    // One of its demo vacancies with applicants: move the first along.
    await page.goto(`${base}/#/vitrina/entidad`);
    await page.locator("#vacantes-propias li").nth(1).waitFor();
    const links = page.getByRole("link", { name: "Postulantes y candidatos" });
    const count = await links.count();
    let moved = false;
    for (let index = 0; index < count && !moved; index += 1) {
      await page.goto(`${base}/#/vitrina/entidad`);
      await page.locator("#vacantes-propias li").nth(1).waitFor();
      await page.getByRole("link", { name: "Postulantes y candidatos" }).nth(index).click();
      await page.getByRole("heading", { name: /Postulantes/ }).waitFor();
      const chooser = page.locator("#postulantes select").first();
      if (await chooser.count()) {
        await chooser.selectOption("INTERVIEW");
        await page.locator("#postulantes").getByRole("button", { name: "Cambiar etapa" }).first().click();
        await page.locator("#postulantes .etapa", { hasText: "Entrevista o prueba" }).first().waitFor();
        moved = true;
      }
    }
    check(moved, "ninguna vacante de demostración de la entidad tiene postulantes para mover");
    await shot(page, "vitrina-entidad-postulantes");
    done(page, "vitrina entidad");
  },

  async "formación: el catálogo, una aprendiz termina un módulo y verifica su certificado; la secretaría ve las metas"() {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${base}/#/formacion`);
    await page.locator("article.modulo").first().waitFor();
    check((await page.locator("article.modulo").count()) >= 6, "faltan módulos de la demostración en el catálogo");
    await shot(page, "publico-formacion-catalogo");

    // A learner from Tumaco, enrolled with one lesson done, finishes the module on her phone.
    const learner = await newPage({ width: 390, height: 844 });
    await login(learner, "planeacion@tumaco.demo.gov.co");
    await learner.locator("#sesion .usuario").waitFor();
    await learner.goto(`${base}/#/formacion/mis-modulos`);
    const card = learner.locator("article.inscripcion", { hasText: "Planeación territorial" });
    await card.waitFor();
    await card.getByRole("link", { name: /Planeación territorial/ }).click();
    await learner.locator("h2", { hasText: "Lecciones" }).waitFor();
    // Each click saves the lesson and draws the module again: wait for the count to move.
    for (let left = 10; left > 0; left -= 1) {
      const progress = await learner.locator(".barra-texto").first().innerText();
      const [done, total] = progress.match(/\d+/g).map(Number);
      if (done >= total) break;
      await learner.getByRole("button", { name: "Marcar como terminada" }).first().click();
      await learner.locator(".barra-texto", { hasText: `${done + 1} de ${total} lecciones` }).waitFor();
    }
    const exam = learner.locator("#evaluacion");
    await exam.waitFor();
    await assertLabelled(learner, "Evaluación");
    for (const answer of ["El consejo territorial de planeación", "El plan plurianual de inversiones", "Para medir el avance de las metas"]) {
      await exam.getByLabel(answer).check();
    }
    await shot(learner, "aprendiz-evaluacion");
    await exam.getByRole("button", { name: /Enviar respuestas/ }).click();
    const certificate = learner.getByRole("link", { name: /Ver certificado CERT-/ });
    await certificate.waitFor();
    const href = await certificate.getAttribute("href");
    await learner.goto(`${base}${href}`);
    await learner.locator("h1", { hasText: "Certificado de formación" }).waitFor();
    const text = await learner.locator("body").innerText();
    check(/20 horas/.test(text) && /Escuela Superior de Administración Pública/.test(text), `el certificado no dice horas ni emisor: ${text.slice(0, 200)}`);
    await learner.screenshot({ path: join(shots, "aprendiz-certificado.png"), fullPage: true });
    const unknown = await learner.request.get(`${base}/certificados/CERT-2222-2222`);
    check(unknown.status() === 404, `un código inexistente responde ${unknown.status()}`);

    // The secretariat sees every programme's progress in one table, and each goal's chart.
    const secretariat = await newPage();
    await login(secretariat, USERS.secretariat);
    await secretariat.locator("#sesion .usuario").waitFor();
    await secretariat.goto(`${base}/#/formacion/programas`);
    await secretariat.locator("table.tabla tbody tr").first().waitFor();
    check((await secretariat.locator("table.tabla tbody tr").count()) >= 3, "faltan programas de acompañamiento");
    check((await secretariat.locator("svg.grafica-meta").count()) >= 3, "faltan las gráficas de avance de las metas");
    await shot(secretariat, "secretaria-formacion-programas");
    done(page, "formación (público)");
    done(learner, "formación (aprendiz)");
    done(secretariat, "formación (secretaría)");
  },

  async "mentores: un municipio pide mentoría y elige un mentor; su organización registra la sesión; el municipio la califica"() {
    const need = `Estructurar un proyecto de regalías para el acueducto veredal ${stamp}`;
    const town = await newPage({ width: 390, height: 844 });
    await login(town, "mentoria@abejorral.demo.gov.co");
    await town.locator("#sesion .usuario").waitFor();
    await town.goto(`${base}/#/formacion/mentores`);
    await town.locator("article.mentor").first().waitFor();
    check((await town.locator("article.mentor").count()) >= 8, "faltan mentores de la red");
    await town.getByLabel("Tema").fill("regalías");
    await town.getByLabel("Qué necesita").fill(need);
    await town.getByRole("button", { name: "Pedir mentoría" }).click();
    await town.locator(".exito", { hasText: "Solicitud registrada" }).waitFor();
    const card = () => town.locator("article.solicitud-mentoria", { hasText: stamp });
    await card().getByRole("button", { name: "Ver mentores recomendados" }).click();
    await card().locator(".razones li").first().waitFor();
    await shot(town, "mentores-recomendados-telefono");
    await card().getByRole("button", { name: /Elegir a Mentora A/ }).click();
    await town.locator(".exito", { hasText: "Mentor asignado" }).waitFor();
    await card().getByText("contacto: mentoria.dnp@red.demo.gov.co").waitFor();
    const overflow = await town.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    check(!overflow, "la red de mentores se sale de la pantalla del teléfono");

    const dnp = await newPage();
    await login(dnp, "formacion@dnp.demo.gov.co");
    await dnp.locator("#sesion .usuario").waitFor();
    await dnp.goto(`${base}/#/formacion/mentores`);
    const assigned = dnp.locator("article.solicitud-mentoria", { hasText: stamp });
    await assigned.locator("summary", { hasText: "Registrar una sesión realizada" }).click();
    await assigned.getByLabel("Qué se hizo").fill("Revisión de la cadena de valor en la MGA");
    await assigned.getByRole("button", { name: "Registrar la sesión" }).click();
    await dnp.locator(".exito", { hasText: "Sesión registrada" }).waitFor();
    await shot(dnp, "mentores-sesion-registrada");

    await town.reload();
    await card().getByRole("button", { name: "Calificar" }).waitFor();
    await card().getByRole("combobox").selectOption("4");
    await card().getByRole("button", { name: "Calificar" }).click();
    await card().getByText("calificada 4 de 5").waitFor();
    await shot(town, "mentores-sesion-calificada-telefono");
    done(town, "mentores (municipio)");
    done(dnp, "mentores (organización del mentor)");
  },

  async "investigación: la búsqueda y sus filtros viven en la dirección, se combinan y se quitan; el documento se lee con su formato y se cita"() {
    const page = await newPage();
    await page.goto(`${base}/#/conocimiento`);
    const chips = page.locator(".filtros-activos .ficha");
    const yearFacet = page.locator(".faceta", { hasText: "Año" });
    await yearFacet.waitFor();
    const years = (await yearFacet.locator("label.opcion").allTextContents()).map((text) => Number(text.trim().slice(0, 4)));
    check(years.length > 1 && years.every((year, i) => i === 0 || years[i - 1] > year), `los años no van del más reciente al más antiguo: ${years.join(", ")}`);

    // Two values of one facet combine; each shows as a chip and both go to the address.
    await page.locator(".faceta", { hasText: "Tipo" }).getByLabel(/^\s*Memoria/).check();
    await chips.first().waitFor();
    await page.locator(".faceta", { hasText: "Tipo" }).getByLabel(/^\s*Norma/).check();
    await page.waitForFunction(() => document.querySelectorAll(".filtros-activos .ficha").length === 2);
    const kinds = async () => new Set((await page.locator("#contenido .resultado .meta").allTextContents()).map((text) => text.split(" · ")[0]));
    check([...(await kinds())].sort().join(",") === "Memoria,Norma", `los tipos no se combinan: ${[...(await kinds())].join(", ")}`);
    check(/tipo=memoria/.test(page.url()) && /tipo=norma/.test(page.url()), `los filtros no están en la dirección: ${page.url()}`);
    await shot(page, "investigacion-filtros-combinados");

    // A reload (or a shared link) brings the same search back.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll(".filtros-activos .ficha").length === 2);
    check((await page.locator(".faceta", { hasText: "Tipo" }).getByLabel(/^\s*Norma/).isChecked()), "tras recargar, el filtro no sigue marcado");

    // The document: its Markdown as headings and a table (never as markup), its citation and its download.
    await page.getByRole("link", { name: /Memoria de la sesión de instalación/ }).first().click();
    const article = page.locator("article.documento");
    await article.locator("table th", { hasText: "Compromiso" }).waitFor();
    check((await article.locator("table tbody tr").count()) >= 5, "la tabla de compromisos no se ve completa");
    check((await article.locator("h3", { hasText: "7. Compromisos" }).count()) === 1, "los títulos del documento no se ven como títulos");
    check((await article.locator(".texto strong").count()) > 0, "las negrillas no se ven");
    check(!/\*\*|\| ---/.test(await article.locator(".texto").innerText()), "el documento muestra marcas de Markdown");
    check((await article.locator("h1, h2", { hasText: "Memoria de la sesión de instalación" }).count()) === 1, "el título se repite");
    check(/\(2026\)\. Memoria de la sesión de instalación/.test(await article.locator(".texto-cita").textContent()), "la cita no trae año y título");
    check(/\.md$/.test((await article.getByRole("link", { name: "Descargar el original (Markdown)" }).getAttribute("download")) ?? ""), "no se descarga el original");
    await shot(page, "investigacion-documento");

    // «Volver» and the browser's back both return to the filtered search.
    await page.getByRole("link", { name: "← Volver a la búsqueda" }).click();
    await page.waitForFunction(() => document.querySelectorAll(".filtros-activos .ficha").length === 2);
    await page.getByRole("button", { name: /^Quitar el filtro Tipo: Norma/ }).click();
    await page.waitForFunction(() => document.querySelectorAll(".filtros-activos .ficha").length === 1);
    check(!/tipo=norma/.test(page.url()), "el filtro quitado sigue en la dirección");
    await page.getByRole("button", { name: "Limpiar" }).click();
    await page.waitForFunction(() => document.querySelectorAll(".filtros-activos .ficha").length === 0);

    // Nothing found says what to try.
    await page.getByLabel("Buscar en la base de conocimiento").fill("zzxqw inexistente");
    await page.getByLabel("Buscar en la base de conocimiento").press("Enter");
    await page.locator("#contenido [role=status]", { hasText: "Ningún documento coincide con «zzxqw inexistente»" }).waitFor();

    // Inicio pages beyond its first 30 results.
    await page.goto(`${base}/#/`);
    const more = page.getByRole("button", { name: "Ver más resultados" });
    await more.click();
    await page.locator("#contenido [role=status]", { hasText: "se muestran 60" }).waitFor();
    check((await page.locator(".resultados-inicio .resultado").count()) === 60, "no se agregaron los resultados siguientes");
    done(page, "investigación");

    // On a phone the document does not scroll sideways: its table scrolls in its own box.
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${base}/#/conocimiento?tipo=memoria`);
    await phone.getByRole("link", { name: /Memoria de la sesión de instalación/ }).first().click();
    await phone.locator("article.documento table").waitFor();
    const wide = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(wide <= 0, `en el teléfono la página se desplaza de lado (${wide} px)`);
    await shot(phone, "investigacion-documento-telefono");
    done(phone, "investigación en el teléfono");
  },

  async "teléfono (390×844): ninguna página se desplaza de lado y las tablas muestran su estado"() {
    const sweep = async (page, who, sections) => {
      for (const [section, ready] of sections) {
        await page.goto(`${base}/#/${section}`);
        await page.locator(ready).first().waitFor();
        // Loaded parts (tables, charts) arrive after the heading: let them land.
        await page.waitForLoadState("networkidle");
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        check(wide <= 1, `${who}, #/${section}: la página se desplaza ${wide} px de lado en el teléfono`);
        const clipped = await page.$$eval("main svg text", (labels) =>
          labels.filter((text) => { const box = text.getBoundingClientRect(); return box.width > 0 && (box.left < -1 || box.right > window.innerWidth + 1); }).map((text) => text.textContent));
        check(clipped.length === 0, `${who}, #/${section}: etiquetas de gráfica cortadas: ${clipped.slice(0, 3).join(" | ")}`);
        // Each table's cells say their column, so a row reads whole as a card.
        // (The names are set on the next frame after rows arrive: wait a moment for late rows.)
        const unnamed = () => page.$$eval("main tbody td", (cells) => cells.filter((cell) => cell.offsetParent !== null && !cell.hasAttribute("data-columna") && cell.colSpan <= 1).length);
        const named = await page
          .waitForFunction(() => ![...document.querySelectorAll("main tbody td")].some((cell) => cell.offsetParent !== null && !cell.hasAttribute("data-columna") && cell.colSpan <= 1), null, { timeout: 5_000 })
          .then(() => true, () => false);
        check(named, `${who}, #/${section}: ${await unnamed()} celdas sin el nombre de su columna`);
      }
    };
    const phone = { width: 390, height: 844 };
    const visitor = await newPage(phone);
    await sweep(visitor, "público", [["", "h1"], ["conocimiento", ".resultado"], ["oferta", "#tabla-focalizacion"], ["comision?anio=2026", "#tabla-compromisos"], ["monitoreo", "h1"], ["vitrina", "#vacantes li"], ["formacion", "h1"], ["gasto", "h1"], ["entidades", "h1"]]);
    const team = await newPage(phone);
    await login(team, USERS.territorial);
    await team.locator("h1", { hasText: "Mi territorio" }).waitFor();
    await sweep(team, "equipo territorial", [["territorio", ".cifra"], ["consultas", "h1"]]);
    await shot(team, "telefono-territorio");
    const national = await newPage(phone);
    await login(national, USERS.national);
    await national.locator("h1", { hasText: "Mi entidad" }).waitFor();
    await national.locator("summary", { hasText: "Seguimiento al plan de desarrollo territorial" }).click();
    await national.locator(".tabla-cobertura tbody tr").first().waitFor();
    const state = national.locator(".tabla-cobertura tbody tr").first().locator(".estado-cobertura");
    check(await state.isVisible(), "en el teléfono la tabla de cobertura esconde su estado");
    const box = await state.boundingBox();
    check(box && box.x >= 0 && box.x + box.width <= 390, `el estado queda fuera de la pantalla: ${JSON.stringify(box)}`);
    await shot(national, "telefono-mi-entidad");
    await sweep(national, "entidad nacional", [["mi-entidad", "#mis-ofertas"]]);
    for (const page of [visitor, team, national]) done(page, "teléfono");
  },

  async "teclado: sin ratón se busca y se abre un documento, con el foco visible"() {
    const page = await newPage();
    await page.goto(`${base}/`);
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        const style = element ? getComputedStyle(element) : null;
        return {
          id: element?.id ?? "",
          tag: element?.tagName ?? "",
          inResults: Boolean(element?.closest(".grupo")),
          outline: style ? style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 : false,
        };
      });
    // The router puts the focus on the page's heading (screen readers announce it);
    // the next Tab is Inicio's search box.
    await page.locator("h1:focus").waitFor();
    await page.keyboard.press("Tab");
    let state = await focused();
    check(state.id === "q-inicio" && state.outline, `el primer Tab no lleva al buscador con foco visible: ${state.tag}#${state.id}`);
    await page.keyboard.type("catastro multiproposito");
    await page.keyboard.press("Enter");
    await page.locator(".fragmento mark").first().waitFor();
    for (let presses = 0; presses < 60 && !(state.inResults && state.tag === "A"); presses += 1) {
      await page.keyboard.press("Tab");
      state = await focused();
    }
    check(state.inResults && state.tag === "A" && state.outline, "no se llega con Tab a un resultado, o su foco no se ve");
    await page.keyboard.press("Enter");
    await page.locator("article.documento h1").waitFor();
    await shot(page, "teclado-documento");
    done(page, "teclado");
  },
};

const only = process.env.JOURNEY;
let failures = 0;
for (const [name, journey] of Object.entries(journeys)) {
  if (only && !name.includes(only)) continue;
  pages = [];
  try {
    await journey();
    console.log(`ok    ${name}`);
  } catch (error) {
    failures += 1;
    console.log(`FALLA ${name}\n      ${error.message.split("\n").join("\n      ")}`);
    for (const [index, context] of pages.entries()) {
      for (const page of context.pages()) await shot(page, `falla-${failures}-${index}`).catch(() => {});
    }
  }
  await Promise.all(pages.map((context) => context.close()));
}
await browser.close();
console.log(failures ? `${failures} recorridos fallaron; capturas en ${shots}` : `todos los recorridos pasaron; capturas en ${shots}`);
process.exit(failures ? 1 : 0);
