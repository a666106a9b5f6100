// Each user's main journey through SUGIT's web interface, in headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core), against a running server
// loaded with the demo data.
//
//   node journeys.mjs [base-url] [screenshot-dir]
//
// (defaults: http://127.0.0.1:8080 and the workspace's target/screenshots). JOURNEY=word runs
// only the journeys whose name contains it; CHROMIUM points to another browser binary.
// The journeys run in order and build on each other: the territorial team is recommended the
// offer the national entity published. Exits 0 when every journey passes; prints what failed.

import { mkdir } from "node:fs/promises";
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

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
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
  for (let year = 2026; ; year += 1) {
    check(year < 2060, "no hay un periodo sin reportar");
    await page.getByLabel("Periodo").fill(String(year));
    await page.getByRole("button", { name: "Consultar" }).click();
    await page.locator("figcaption", { hasText: `pedidos en ${year}` }).waitFor();
    if (await missing.count()) break;
  }
  const inputs = missing.locator("input");
  const asked = await inputs.evaluateAll((all) => all.map((input) => input.name));
  check(asked.length > 0 && new Set(asked).size === asked.length, `cada dato faltante se pide una vez: ${asked.join(", ")}`);
  for (let index = 0; index < asked.length; index += 1) await inputs.nth(index).fill(String(10 + index));
  await missing.getByRole("button", { name: "Enviar reporte" }).click();
  await page.locator(".exito", { hasText: "Reporte recibido" }).waitFor();
  await page.locator(".exito", { hasText: "Nada por reportar" }).waitFor();
}

const journeys = {
  async "público: busca en todo, abre un documento y filtra el conocimiento"() {
    const page = await newPage();
    await page.goto(`${base}/`);
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
    await page.locator("#mis-ofertas").waitFor();
    await assertLabelled(page, "Oferta ATT (entidad nacional)");
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
    await upload.getByLabel("Texto (Markdown)").fill(`# Guía ${stamp}\n\nPasos para contratar el gestor catastral y actualizar la base predial.`);
    await upload.getByRole("button", { name: "Agregar a la base de conocimiento" }).click();
    await upload.locator(".exito a", { hasText: stamp }).click();
    await page.locator("article.documento", { hasText: "gestor catastral" }).waitFor();
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
    check((await page.locator(".estado", { hasText: "En conflicto" }).count()) > 0, "no se ve el conflicto de la demostración");
    check((await page.locator("svg.grafica").count()) > 0, "falta la gráfica de la carga");
    await assertLabelled(page, "Mi territorio");
    await shot(page, "territorial-estado-2025");

    await reportMissing(page);
    check((await page.locator(".estado", { hasText: "Reutilizado" }).count()) > 0, "lo reportado no se reutiliza en los demás requerimientos");
    await shot(page, "territorial-reporte-2026");

    await page.getByText("Registrar una nueva demanda").click();
    const demand = page.locator("#formulario-demanda");
    await demand.getByLabel("¿Qué necesita?").fill("Actualizar el catastro del municipio para mejorar el recaudo predial.");
    await demand.getByLabel("Tema").fill("catastro");
    await demand.getByLabel("Capacidad que falta").fill("No tenemos equipo técnico de catastro.");
    await demand.getByRole("button", { name: "Registrar la demanda" }).click();
    const item = page.locator(".demanda", { hasText: "Actualizar el catastro" });
    await item.locator("h4", { hasText: "Ofertas recomendadas" }).waitFor();
    await item.locator(".resultado", { hasText: offerTitle }).waitFor();
    check((await item.locator(".razones li").count()) > 0, "las recomendaciones no explican sus razones");
    await shot(page, "territorial-demanda-recomendaciones");
    done(page, "equipo territorial");
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
    await page.getByLabel("Periodo").fill("2025");
    await page.getByRole("button", { name: "Comparar la carga ahorrada de sus municipios" }).click();
    const chart = page.locator("figure", { hasText: "Carga ahorrada por reutilización en 2025" });
    await chart.waitFor({ timeout: 60_000 });
    check((await chart.locator("rect").count()) >= 3, "faltan municipios en la comparación");
    await shot(page, "gobernacion-municipio");
    done(page, "gobernación");
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
    await secretariat.locator("details.sesion-comision summary", { hasText: "15 de diciembre de 2026" }).first().waitFor();
    // The secretariat reports progress on a commitment; the table shows its new state.
    const rowOf = () => secretariat.locator("#tabla-compromisos tbody tr", { hasText: "ruta de cooperación para la Amazonía" });
    await rowOf().getByText("Informar avance").click();
    await rowOf().getByLabel("Estado").selectOption("IN_PROGRESS");
    await rowOf().getByLabel("Nota de avance").fill("Borrador de la ruta compartido con APC-Colombia.");
    await rowOf().getByRole("button", { name: "Guardar avance" }).click();
    await rowOf().locator(".estado", { hasText: "En curso" }).waitFor();
    await shot(secretariat, "comision-secretaria");
    done(page, "comisión");
    done(secretariat, "secretaría");
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
