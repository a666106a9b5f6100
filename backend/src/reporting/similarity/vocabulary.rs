//! The vocabulary of the similarity rule: Spanish function words, number
//! words, the public-administration synonyms, generic and broad words, the
//! mutually exclusive qualifiers, derivational suffixes and change words. Data
//! only; `mod.rs` holds the algorithm that reads it.

/// Spanish function words (folded). "no" and "sin" are absent on purpose: they negate the
/// next term ("ingresos no tributarios").
pub(super) const STOP_WORDS: &[&str] = &[
    "a", "al", "ante", "antes", "bajo", "cada", "como", "con", "contra", "cual", "cuales", "cuyo", "de",
    "del", "desde", "donde", "durante", "e", "el", "ella", "ellos", "en", "entre", "es", "esa", "ese",
    "esta", "estan", "este", "esto", "estos", "estas", "fue", "ha", "han", "hasta", "i", "ii", "iii", "iv",
    "la", "las", "le", "les", "lo", "los", "mas", "mediante", "ni", "o", "otra", "otras", "otro", "otros",
    "para", "pero", "por", "porque", "que", "se", "segun", "ser", "si", "sobre", "son", "su", "sus", "tal",
    "tambien", "tras", "u", "un", "una", "uno", "unos", "unas", "v", "y", "ya",
];

/// Number words are written as digits so "cinco años" matches "5 años". "Uno" and "1" are
/// dropped with the articles "un"/"una", which are indistinguishable from the numeral.
pub(super) const NUMBER_WORDS: &[(&str, &str)] = &[
    ("cero", "0"),
    ("dos", "2"),
    ("tres", "3"),
    ("cuatro", "4"),
    ("cinco", "5"),
    ("seis", "6"),
    ("siete", "7"),
    ("ocho", "8"),
    ("nueve", "9"),
    ("diez", "10"),
    ("once", "11"),
    ("doce", "12"),
    ("quince", "15"),
    ("dieciocho", "18"),
    ("veinte", "20"),
    ("sesenta", "60"),
    ("cien", "100"),
    ("mil", "1000"),
];

/// Synonyms of Colombian public administration reporting. Left: canonical term(s) (several
/// separated by `|` when a phrase bundles two notions, e.g. "colegios públicos"). Right:
/// variants, written as natural text; they go through the same folding and light stemming
/// as the input, so listing one plural or gender is usually enough. Longer phrases win
/// ("impuesto predial" before "impuesto").
pub(super) const SYNONYMS: &[(&str, &[&str])] = &[
    // Population and demography (DANE).
    ("poblacion", &["población", "habitantes", "residentes", "pobladores"]),
    ("anio", &["año", "vigencia", "anual", "anualmente", "vigencia fiscal", "año fiscal", "periodo anual"]),
    ("menor", &["niños", "niñas", "niños y niñas", "menores", "menores de edad", "infantil", "infantes"]),
    // Health indicators separate under-1 ("infantil") from under-5 ("primera infancia", "niñez").
    ("menor|menor de un anio", &["menores de un año", "menor de un año", "menores de 1 año"]),
    ("mortalidad|menor|menor de un anio", &["mortalidad infantil"]),
    (
        "menor|primera infancia",
        &["primera infancia", "0 a 5 años", "0 a 6 años", "menores de 5 años", "menores de 6 años"],
    ),
    ("adolescente", &["adolescentes", "adolescencia", "12 a 17 años"]),
    ("joven", &["jóvenes", "juventud"]),
    (
        "adulto mayor",
        &[
            "adultos mayores",
            "personas mayores",
            "tercera edad",
            "60 años y más",
            "personas de 60 años y más",
        ],
    ),
    ("mujer", &["mujeres", "femenino", "sexo femenino"]),
    ("hombre", &["hombres", "masculino", "varones", "sexo masculino"]),
    ("hogar", &["hogares", "familias", "núcleo familiar", "núcleos familiares"]),
    ("vivienda", &["viviendas", "habitacional", "unidades de vivienda", "soluciones de vivienda"]),
    ("persona", &["personas", "individuos", "ciudadanos"]),
    ("urbano", &["urbano", "urbana", "cabecera", "cabecera municipal", "casco urbano", "zona urbana"]),
    (
        "rural",
        &["rural", "rurales", "rural disperso", "centros poblados", "centro poblado", "zona rural", "resto"],
    ),
    // Education (MEN, SIMAT, ICFES).
    (
        "estudiante",
        &[
            "estudiantes",
            "alumnos",
            "matriculados",
            "matrícula",
            "matrículas",
            "educandos",
            "escolares matriculados",
        ],
    ),
    ("docente", &["docentes", "profesores", "maestros", "educadores", "planta docente"]),
    (
        "establecimiento educativo",
        &[
            "establecimiento educativo",
            "institución educativa",
            "colegio",
            "escuela",
            "centro educativo",
            "IE",
        ],
    ),
    (
        "establecimiento educativo|oficial",
        &[
            "colegios públicos",
            "escuelas públicas",
            "instituciones educativas públicas",
            "establecimientos educativos públicos",
            "colegios oficiales",
        ],
    ),
    ("establecimiento educativo|privado", &["colegios privados", "colegios particulares"]),
    ("sede educativa", &["sede educativa", "sedes"]),
    ("oficial", &["oficial", "oficiales", "sector oficial", "sector público", "estatal", "estatales"]),
    ("privado", &["privado", "privada", "no oficial", "sector privado", "particular"]),
    ("preescolar", &["preescolar", "transición", "grado transición", "grado cero", "educación inicial"]),
    ("primaria", &["primaria", "básica primaria", "educación básica primaria"]),
    ("secundaria", &["secundaria", "básica secundaria", "educación básica secundaria"]),
    ("educacion media", &["educación media", "media académica", "media técnica", "grados 10 y 11"]),
    ("educacion superior", &["educación superior", "universitaria", "pregrado", "programas universitarios"]),
    (
        "desercion",
        &[
            "deserción",
            "desertores",
            "desertan",
            "desertaron",
            "abandono escolar",
            "abandonan",
            "abandonaron",
        ],
    ),
    (
        "reprobacion",
        &["reprobación", "reprobados", "reprobaron", "no aprueban", "no aprobaron", "pierden el año"],
    ),
    // Repeating a grade is a different MEN indicator from failing it.
    ("repitencia", &["repitencia", "repitentes", "repiten", "repitieron"]),
    ("aprobacion", &["aprobación", "aprobados", "aprueban", "aprobaron"]),
    (
        "alimentacion escolar",
        &[
            "PAE",
            "programa de alimentación escolar",
            "alimentación escolar",
            "complemento alimentario",
            "complementos alimentarios",
            "restaurante escolar",
        ],
    ),
    ("transporte escolar", &["transporte escolar", "rutas escolares"]),
    (
        "saber 11",
        &[
            "saber 11",
            "pruebas saber 11",
            "examen de estado",
            "examen de estado de la educación media",
            "icfes",
        ],
    ),
    ("puntaje", &["puntaje", "puntajes", "calificación", "puntuación", "resultado", "resultados"]),
    (
        "analfabetismo",
        &[
            "analfabetismo",
            "analfabetas",
            "no saben leer ni escribir",
            "no sabe leer ni escribir",
            "no saben leer y escribir",
        ],
    ),
    // Health (Minsalud, SISPRO, BDUA, Sivigila).
    ("afiliado", &["afiliados", "afiliación", "afiliaciones", "asegurados", "aseguramiento"]),
    ("subsidiado", &["régimen subsidiado", "subsidiado"]),
    ("contributivo", &["régimen contributivo", "contributivo"]),
    ("regimen especial", &["régimen especial", "régimen de excepción", "regímenes especiales"]),
    (
        "salud",
        &["salud", "SGSSS", "sistema general de seguridad social en salud", "seguridad social en salud"],
    ),
    (
        "ips",
        &[
            "IPS",
            "institución prestadora de servicios de salud",
            "instituciones prestadoras de servicios de salud",
            "hospital",
            "hospitales",
            "clínica",
            "centro de salud",
            "puesto de salud",
            "ESE",
            "empresa social del estado",
        ],
    ),
    ("eps", &["EPS", "entidad promotora de salud", "EAPB", "aseguradora"]),
    (
        "vacunacion",
        &[
            "vacunación",
            "vacunados",
            "vacuna",
            "inmunización",
            "inmunizados",
            "esquema de vacunación",
            "biológico",
        ],
    ),
    // A vaccine implies vaccination: "esquema de SRP" is a vaccination field.
    ("triple viral|vacunacion", &["triple viral", "SRP", "sarampión rubéola paperas"]),
    ("pentavalente|vacunacion", &["pentavalente"]),
    ("bcg|vacunacion", &["BCG"]),
    ("polio|vacunacion", &["polio", "antipolio", "VOP", "VIP"]),
    ("dpt|vacunacion", &["DPT"]),
    ("neumococo|vacunacion", &["neumococo", "antineumocócica"]),
    ("rotavirus|vacunacion", &["rotavirus"]),
    ("vph|vacunacion", &["VPH", "virus del papiloma humano"]),
    (
        "mortalidad",
        &[
            "mortalidad",
            "defunciones",
            "defunción",
            "muertes",
            "muerte",
            "fallecimientos",
            "fallecidos",
            "decesos",
        ],
    ),
    ("nacimiento", &["nacimientos", "nacidos vivos", "nacido vivo", "nacidos"]),
    // A birth rate is births per population: bundling both keeps it apart from a count.
    ("nacimiento|porcentaje", &["natalidad", "tasa de natalidad", "tasa bruta de natalidad"]),
    ("embarazo|adolescente", &["embarazo adolescente", "embarazo en adolescentes", "madres adolescentes"]),
    (
        "discapacidad",
        &[
            "discapacidad",
            "personas con discapacidad",
            "RLCPD",
            "registro para la localización y caracterización de personas con discapacidad",
            "registro de localización y caracterización de personas con discapacidad",
        ],
    ),
    ("malaria", &["malaria", "paludismo"]),
    // Fiscal (FUT, CHIP, Contaduría General, DNP, Ministerio de Hacienda).
    ("ingreso", &["ingresos", "recaudo", "recaudos", "recaudado", "recaudar", "rentas"]),
    ("tributario", &["tributario", "tributaria", "impuestos", "impuesto", "tributos"]),
    ("predial", &["predial", "impuesto predial", "impuesto predial unificado", "predial unificado", "IPU"]),
    ("industria y comercio", &["industria y comercio", "impuesto de industria y comercio", "ICA", "reteica"]),
    (
        "sobretasa gasolina",
        &[
            "sobretasa a la gasolina",
            "sobretasa a la gasolina motor",
            "sobretasa gasolina",
            "sobretasa al ACPM",
        ],
    ),
    ("sgp", &["SGP", "sistema general de participaciones"]),
    (
        "agua potable y saneamiento basico",
        &["agua potable y saneamiento básico", "APSB", "SGP APSB", "SGP agua potable"],
    ),
    ("proposito general", &["propósito general", "libre inversión"]),
    (
        "asignacion",
        &[
            "asignación",
            "asignaciones",
            "asignados",
            "asignado",
            "transferencias",
            "transferencia",
            "participación",
        ],
    ),
    ("regalias", &["SGR", "sistema general de regalías", "regalías"]),
    ("regalias|asignacion", &["asignaciones directas", "asignación directa"]),
    ("deuda", &["deuda", "deuda pública", "endeudamiento", "crédito público", "obligaciones financieras"]),
    (
        "servicio de la deuda",
        &[
            "servicio de la deuda",
            "servicio de deuda",
            "amortizaciones e intereses",
            "intereses y amortizaciones",
        ],
    ),
    ("funcionamiento", &["funcionamiento", "gastos de funcionamiento", "gasto de funcionamiento"]),
    (
        "inversion",
        &["inversión", "inversiones", "gastos de inversión", "gasto de inversión", "inversión pública"],
    ),
    (
        "presupuesto",
        &[
            "presupuesto",
            "presupuestal",
            "apropiación",
            "apropiaciones",
            "apropiado",
            "apropiación definitiva",
            "presupuesto definitivo",
        ],
    ),
    (
        "ejecucion",
        &["ejecución", "ejecutado", "ejecución presupuestal", "comprometido", "compromisos", "compromiso"],
    ),
    ("pago", &["pagos", "pagado", "giros", "girado", "pagos realizados"]),
    ("facturacion", &["facturación", "facturado", "liquidación", "liquidado"]),
    ("icld", &["ICLD", "ingresos corrientes de libre destinación"]),
    (
        "cartera",
        &[
            "cartera",
            "cartera morosa",
            "valor adeudado",
            "adeudado",
            "morosidad",
            "deudores",
            "deuda de contribuyentes",
        ],
    ),
    ("valor", &["valor", "valores", "monto", "cuantía", "importe", "suma"]),
    // A count ("número", "cantidad") is not an amount ("valor"); "total" can be either.
    (
        "numero",
        &["número", "cantidad", "cantidades", "nro", "núm", "nº", "conteo", "número total", "cantidad total"],
    ),
    ("total", &["total", "totales"]),
    (
        "porcentaje",
        &["porcentaje", "proporción", "tasa", "incidencia", "por ciento", "participación porcentual"],
    ),
    (
        "municipio",
        &[
            "municipio",
            "municipal",
            "ente territorial",
            "entidad territorial",
            "entidades territoriales",
            "alcaldía",
        ],
    ),
    // Water, sanitation and utilities (Superservicios, SUI, Minvivienda).
    ("suscriptor", &["usuarios", "usuario", "suscriptores", "abonados"]),
    (
        "acueducto",
        &[
            "acueducto",
            "agua potable",
            "servicio de agua",
            "suministro de agua",
            "abastecimiento de agua",
            "red de agua potable",
        ],
    ),
    ("alcantarillado", &["alcantarillado", "aguas residuales", "aguas servidas"]),
    (
        "aseo",
        &[
            "aseo",
            "servicio de aseo",
            "servicio público de aseo",
            "recolección de basuras",
            "recolección de residuos",
            "recolección de residuos sólidos",
            "barrido",
        ],
    ),
    ("residuos", &["residuos", "residuos sólidos", "basuras", "desechos"]),
    (
        "disposicion final",
        &["disposición final", "relleno sanitario", "rellenos sanitarios", "dispuestos", "dispuestas"],
    ),
    (
        "energia",
        &[
            "energía",
            "energía eléctrica",
            "electricidad",
            "servicio eléctrico",
            "fluido eléctrico",
            "servicio de energía",
        ],
    ),
    ("gas", &["gas", "gas natural", "gas domiciliario", "gas combustible"]),
    ("internet", &["internet", "conectividad", "banda ancha", "acceso a internet"]),
    (
        "calidad del agua",
        &[
            "IRCA",
            "calidad del agua",
            "índice de riesgo de la calidad del agua",
            "índice de riesgo de calidad del agua",
            "riesgo de la calidad del agua",
        ],
    ),
    // Planning, poverty and institutional performance (DNP, SISBEN, DAFP).
    (
        "sisben",
        &[
            "SISBEN",
            "sisbén",
            "sistema de identificación de potenciales beneficiarios",
            "sistema de identificación de potenciales beneficiarios de programas sociales",
        ],
    ),
    ("nbi", &["NBI", "necesidades básicas insatisfechas"]),
    (
        "pobreza multidimensional",
        &[
            "IPM",
            "pobreza multidimensional",
            "índice de pobreza multidimensional",
            "medida de pobreza multidimensional",
        ],
    ),
    ("pobreza monetaria", &["pobreza monetaria", "línea de pobreza"]),
    (
        "desempeno municipal",
        &["MDM", "medición de desempeño municipal", "desempeño municipal", "índice de desempeño municipal"],
    ),
    (
        "desempeno institucional",
        &["FURAG", "IDI", "desempeño institucional", "índice de desempeño institucional"],
    ),
    (
        "funcionario",
        &[
            "funcionarios",
            "servidores públicos",
            "servidores",
            "empleados públicos",
            "empleados",
            "trabajadores oficiales",
        ],
    ),
    ("planta", &["planta", "planta de personal", "planta de cargos", "planta global"]),
    (
        "prestacion de servicios",
        &[
            "prestación de servicios",
            "prestación de servicios profesionales",
            "prestación de servicios profesionales y de apoyo a la gestión",
            "CPS",
        ],
    ),
    // Victims, security and justice (UARIV, Policía, Medicina Legal).
    (
        "victima",
        &[
            "víctimas",
            "RUV",
            "registro único de víctimas",
            "víctimas del conflicto armado",
            "víctimas del conflicto",
            "población víctima",
        ],
    ),
    (
        "desplazamiento",
        &[
            "desplazamiento",
            "desplazados",
            "desplazamiento forzado",
            "población desplazada",
            "personas desplazadas",
        ],
    ),
    ("hurto", &["hurtos", "robos", "robo"]),
    ("violencia intrafamiliar", &["violencia intrafamiliar", "violencia doméstica", "VIF"]),
    ("violencia sexual", &["violencia sexual", "delitos sexuales", "abuso sexual"]),
    ("violencia de genero", &["violencia de género", "violencia contra la mujer"]),
    // Land, environment and infrastructure (IGAC, IDEAM, Invías).
    ("catastro", &["catastro", "catastral", "catastrales", "base catastral", "formación catastral"]),
    ("predio", &["predios", "inmuebles", "inmueble"]),
    ("bosque", &["bosque", "bosques", "bosque natural", "cobertura boscosa", "área boscosa"]),
    ("area", &["hectáreas", "área", "superficie", "extensión"]),
    ("deforestacion", &["deforestación", "deforestadas", "deforestados", "tala"]),
    (
        "via terciaria",
        &["vías terciarias", "red vial terciaria", "vial terciaria", "caminos veredales", "vías rurales"],
    ),
    ("via", &["vías", "vía", "vial", "red vial", "carreteras", "carretera", "caminos"]),
    ("longitud", &["kilómetros", "km", "longitud"]),
    ("vivienda|vis", &["VIS", "vivienda de interés social", "viviendas de interés social"]),
    (
        "plan de ordenamiento territorial",
        &["POT", "PBOT", "EOT", "plan de ordenamiento territorial", "esquema de ordenamiento territorial"],
    ),
    (
        "unidad productiva agropecuaria",
        &[
            "UPA",
            "unidad de producción agropecuaria",
            "unidades productivas agropecuarias",
            "unidad productiva agropecuaria",
        ],
    ),
    // Transit (RUNT, Agencia Nacional de Seguridad Vial).
    (
        "accidente de transito",
        &["accidentes de tránsito", "siniestros viales", "siniestros de tránsito", "incidentes viales"],
    ),
    ("vehiculo", &["vehículos", "parque automotor", "automotores", "vehículos automotores"]),
    // "Matriculados" means students, except for vehicles.
    ("vehiculo|registrado", &["vehículos matriculados", "vehículos registrados"]),
    // Law 617 of 2000: operating expenses over unrestricted current revenue.
    (
        "ley 617|funcionamiento|icld",
        &["ley 617", "indicador de ley 617", "indicador de ley 617 de 2000", "ley 617 de 2000"],
    ),
    ("ley 358|servicio de la deuda", &["ley 358", "indicador de solvencia", "ley 358 de 1997"]),
    // Generic reporting vocabulary: mapped so that wording does not matter, weighed low.
    (
        "atencion",
        &[
            "atendidos",
            "atención",
            "atender",
            "beneficiarios",
            "beneficiarias",
            "reciben",
            "recibe",
            "cubiertos",
        ],
    ),
    (
        "registrado",
        &[
            "registrados",
            "inscritos",
            "incluidos",
            "reportados",
            "encuestados",
            "notificados",
            "identificados",
        ],
    ),
];

/// Terms found in almost any field; they still count, but little.
pub(super) const GENERIC_WORDS: &[&str] = &[
    "total",
    "número",
    "valor",
    "porcentaje",
    "municipio",
    "año",
    "persona",
    "registrado",
    "servicio",
    "índice",
    "sistema",
    "dato",
    "información",
    "recurso",
    "promedio",
    "nivel",
    "vigente",
    "efectivamente",
    "reporte",
    "indicador",
    "tipo",
    "base",
    "proyección",
];

/// Terms frequent within one family of indicators.
pub(super) const BROAD_WORDS: &[&str] =
    &["cobertura", "ingreso", "gasto", "caso", "atención", "población", "hogar", "vivienda"];

/// Families of mutually exclusive qualifiers. Inside a family, each value lists its
/// alternatives separated by `|` (the first one labels it in explanations). Two fields whose
/// names (or, if a name says nothing, descriptions) take different values of one family
/// measure different things even if they share every other word.
pub(super) const CONTRASTS: &[&[&str]] = &[
    &["urbano", "rural"],
    &["oficial", "privado"],
    &["subsidiado", "contributivo", "régimen especial"],
    &["preescolar", "primaria", "secundaria", "educación media", "educación superior"],
    &["bruta", "neta"],
    &["acueducto", "alcantarillado", "aseo", "energía", "gas", "internet", "telefonía"],
    &["funcionamiento", "inversión", "servicio de la deuda"],
    &[
        "predial",
        "industria y comercio",
        "sobretasa gasolina",
        "estampilla",
        "alumbrado público",
        "delineación",
    ],
    &["educación", "salud", "agua potable y saneamiento básico", "propósito general"],
    &["hombre", "mujer"],
    &["numero", "valor", "porcentaje|cobertura", "promedio"],
    &[
        "triple viral",
        "pentavalente",
        "bcg",
        "polio",
        "dpt",
        "neumococo",
        "rotavirus",
        "vph",
        "fiebre amarilla",
    ],
    &["menor de un anio", "primera infancia", "adolescente", "joven", "adulto mayor"],
    &["dengue", "malaria", "tuberculosis", "VIH", "sífilis", "zika", "chikunguña", "COVID"],
    &[
        "homicidio",
        "hurto",
        "lesiones personales",
        "secuestro",
        "extorsión",
        "violencia intrafamiliar",
        "violencia sexual",
        "violencia de género",
    ],
    &["nbi", "pobreza multidimensional", "pobreza monetaria"],
    &["cuantitativo", "cualitativo"],
    &["matemáticas", "lectura crítica", "ciencias naturales", "sociales y ciudadanas", "inglés"],
    &["deserción", "reprobación", "aprobación", "repitencia"],
    &["presupuesto", "ejecución", "pago"],
    &["ingreso", "cartera", "facturacion"],
    &["ingreso", "gasto|funcionamiento|inversion|servicio de la deuda"],
    // The four variables of the municipal agricultural survey (EVA).
    &["sembrada", "cosechada", "producción", "rendimiento"],
    &["establecimiento educativo", "sede educativa"],
    &["alimentacion escolar", "transporte escolar", "jornada única", "familias en acción", "colombia mayor"],
    &[
        "jornada única",
        "jornada mañana",
        "jornada tarde",
        "jornada nocturna",
        "jornada sabatina",
        "jornada completa",
    ],
    &["obra", "prestacion de servicios", "suministro", "consultoría", "interventoría", "arrendamiento"],
    &["subsidio", "contribución"],
];

/// Derivational suffixes of light forms, most specific first, so "afiliación" and
/// "afiliados" meet at "afili", "contratistas" and "contratos" at "contrat".
/// Also adjectives in "-ico" ("turístico" → "turist"), nouns from participles ("visitante",
/// "gestante") and third-person plurals ("visitan", "reciben") so they meet their nouns.
pub(super) const SUFFIXES: &[&str] = &[
    "amient", "imient", "acion", "icion", "cion", "sion", "idad", "ativ", "anci", "enci", "ment", "ant",
    "ent", "ist", "ic", "ad", "id", "iv", "an", "en",
];

/// Words saying a field measures a change, not a stock: "Hectáreas de bosque" and
/// "Hectáreas deforestadas" (or "Afiliados" and "Nuevos afiliados") are different data.
pub(super) const CHANGE_WORDS: &[&str] = &[
    "variación",
    "crecimiento",
    "incremento",
    "aumento",
    "disminución",
    "reducción",
    "pérdida",
    "perdida",
    "deforestación",
    "nuevos",
    "nuevas",
];
