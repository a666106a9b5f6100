// Spanish words for the API's English enumerations.

export const KIND = { OFFER: "Oferta", KNOWLEDGE: "Conocimiento", REQUIREMENT: "Requerimiento", VACANCY: "Vacante", UNIT: "Unidad programática" };
export const KIND_PLURAL = { OFFER: "Ofertas de ATT", KNOWLEDGE: "Conocimiento", REQUIREMENT: "Requerimientos de información", VACANCY: "Vacantes de la Vitrina de las Regiones", UNIT: "Unidades programáticas del gasto" };

export const PRODUCT_TYPE = {
  GUIDE: "Guía",
  STUDY: "Estudio",
  LESSON_LEARNED: "Lección aprendida",
  MEMOIR: "Memoria",
  NORM: "Norma",
  TOOL: "Herramienta",
  MINUTES: "Acta",
};
/** The search index names types in Spanish (its facet values); the filter takes the enumeration. */
export const PRODUCT_TYPE_BY_FACET = {
  "guía": "GUIDE",
  estudio: "STUDY",
  "lección aprendida": "LESSON_LEARNED",
  memoria: "MEMOIR",
  norma: "NORM",
  herramienta: "TOOL",
  acta: "MINUTES",
};

export const FACET = {
  TYPE: "Tipo",
  TOPIC: "Tema",
  YEAR: "Año",
  DEPARTMENT: "Departamento",
  ORGANISATION: "Organización",
  MODALITY: "Modalidad",
  LEVEL: "Nivel",
  COMPETENCY: "Competencia",
};

export const MODALITY = { IN_PERSON: "Presencial", VIRTUAL: "Virtual", MIXED: "Mixta", TRAINING: "Formación" };
export const OFFER_STATUS = { DRAFT: "Borrador", PUBLISHED: "Publicada", CLOSED: "Cerrada", ARCHIVED: "Archivada" };
export const TERRITORIAL_KIND = {
  DEPARTMENT: "Departamento",
  DISTRICT: "Distrito",
  MUNICIPALITY: "Municipio",
  NON_MUNICIPALIZED_AREA: "Área no municipalizada",
};
export const CATEGORY = {
  SPECIAL: "Especial",
  FIRST: "Primera",
  SECOND: "Segunda",
  THIRD: "Tercera",
  FOURTH: "Cuarta",
  FIFTH: "Quinta",
  SIXTH: "Sexta",
};
export const ELEMENT_STATE = {
  REPORTED: "Reportado",
  REUSED: "Reutilizado",
  IN_CONFLICT: "En conflicto",
  MISSING: "Faltante",
};
export const PERIODICITY = { ANNUAL: "Anual", SEMESTER: "Semestral", QUARTERLY: "Trimestral", MONTHLY: "Mensual" };
export const PRIORITY = { HIGH: "Alta", MEDIUM: "Media", LOW: "Baja" };
export const DEMAND_STATUS = { OPEN: "Abierta", MATCHED: "Con oferta", ATTENDED: "Atendida", CLOSED: "Cerrada" };
export const FACTOR = {
  TEXT: "Texto",
  TOPIC: "Tema",
  CAPACITY: "Capacidad (enfoque diferencial)",
  PRIORITY: "Prioridad",
  DATES: "Fechas",
};
export const SESSION_KIND = { ORDINARY: "Ordinaria", EXTRAORDINARY: "Extraordinaria" };
export const SESSION_STATUS = { CONVOKED: "Convocada", HELD: "Realizada", CLOSED: "Cerrada (actas aprobadas)" };
export const OUTCOME = { PENDING: "Pendiente", ADOPTED: "Aprobada", REJECTED: "Negada" };
export const INVITEE_KIND = {
  RAP_DELEGATE: "Delegado de las RAP",
  ASSOCIATIVE_SCHEMES: "Representante de los esquemas asociativos territoriales",
  TERRITORIAL_ASSOCIATION: "Agremiación de entidades territoriales",
  NATIONAL_GOVERNMENT: "Entidad del Gobierno nacional",
  TERRITORIAL_GOVERNMENT: "Entidad territorial",
  ACADEMIA: "Academia",
  INTERNATIONAL_COOPERATION: "Cooperación internacional",
  CITIZENS: "Ciudadanos",
  OTHER_ATT_ACTOR: "Otro actor de la política de ATT",
};
export const COMMITMENT_STATUS = { PENDING: "Pendiente", IN_PROGRESS: "En curso", DONE: "Cumplido", OVERDUE: "Vencido" };
export const ROLE = {
  PUBLIC: "Público",
  TERRITORIAL: "Equipo territorial",
  NATIONAL: "Entidad nacional",
  SECRETARIAT: "Secretaría técnica",
  ADMIN: "Administración",
  PERSON: "Persona (Vitrina de las Regiones)",
};
export const PARTICIPANT_ROLE = { MEMBER: "Miembro con voto", INVITEE: "Invitado (voz sin voto)" };
export const ROUTE_STATUS = { PLANNED: "Planeada", IN_PROGRESS: "En ejecución", COMPLETED: "Terminada" };
export const SIDE = { TERRITORIAL: "Entidad territorial", NATIONAL: "Entidad nacional" };
export const SUBJECT_KIND = { OFFER: "Oferta de ATT", REQUIREMENT: "Requerimiento de información", COMMITMENT: "Compromiso de la Comisión" };
export const VOTE = { FOR: "A favor", AGAINST: "En contra", ABSTAIN: "Abstención" };

/** The label of `value` in `table`, or the value itself. */
export function label(table, value) {
  return table[value] ?? value;
}
export const TRAFFIC_LIGHT = { GREEN: "Verde", YELLOW: "Amarillo", RED: "Rojo" };
export const PEER_KIND = {
  CATEGORY: "Su categoría",
  CAPACITY_GROUP: "Su grupo de capacidades",
  DEPARTMENT: "Su departamento",
  RAP_REGION: "Su región RAP",
};

export const LEVEL = { ADVISER: "Asesor", PROFESSIONAL: "Profesional", TECHNICIAN: "Técnico", ASSISTANT: "Asistencial" };
export const APPOINTMENT = {
  CAREER: "Carrera administrativa",
  PROVISIONAL: "Provisional",
  FREE_APPOINTMENT: "Libre nombramiento y remoción",
  TEMPORARY: "Temporal",
  SERVICE_CONTRACT: "Prestación de servicios",
};
export const VACANCY_STATUS = { OPEN: "Abierta", CLOSED: "Cerrada", FILLED: "Provista" };
export const STAGE = {
  RECEIVED: "Recibida",
  REVIEW: "En revisión",
  INTERVIEW: "Entrevista o prueba",
  SELECTED: "Seleccionada",
  HIRED: "Vinculada",
  REJECTED: "No continúa",
  WITHDRAWN: "Retirada",
};
export const TRANSFER_KIND = { OFFER: "Ofrece", REQUEST: "Pide" };
export const TRANSFER_STATUS = { OPEN: "Abierto", AGREED: "Acordado", COMPLETED: "Completado" };
