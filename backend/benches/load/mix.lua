-- A working day's mix: public lookups and searches (anonymous, cacheable),
-- an analyst's signed-in searches (never cached: the index answers) and the
-- department of Antioquia submitting its municipalities' fiscal figures (the
-- demo requirement asks 5 values), which must not empty the cache of
-- everything else. Needs SUGIT_TOKEN (the demo's Antioquia user) and runs from
-- the repository's root (it reads the DIVIPOLA register for the codes).
local codes = { "05001", "05002", "05004", "05021", "05030", "05031", "05034", "05036", "08001", "11001",
  "13001", "15001", "17001", "18001", "19001", "20001", "23001", "25001", "27001", "41001" }
local words = { "capacidad institucional", "planeación territorial", "agua potable", "catastro multipropósito",
  "finanzas municipales", "asistencia técnica", "descentralización", "plan de desarrollo",
  "gestión del riesgo", "educación rural", "saneamiento básico", "ordenamiento territorial",
  "recaudo predial", "participación ciudadana", "víctimas", "regalías", "salud pública",
  "vivienda", "transparencia", "contratación" }
local lookup = "query($c: String!) { territorialEntity(code: $c) { code name category capacityGroup department { name } } }"
local search = "query($q: String!) { searchKnowledge(query: $q, first: 10) { totalCount edges { node { title kind } } } }"
local submit = "mutation($i: SubmitReportInput!) { submitReport(input: $i) { accepted newValues duplicates corrections } }"

local json = { ["Content-Type"] = "application/json" }
local signed = { ["Content-Type"] = "application/json" }
local counter, thread_id = 0, 0
errors = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  table.insert(threads, thread)
end

local antioquia = {}
-- Cumulative shares of lookups, public searches, signed-in searches and
-- submissions; SUGIT_MIX="40,20,20,20" (the default) changes them.
local bounds = {}

function init(args)
  local token = os.getenv("SUGIT_TOKEN") or ""
  signed["Authorization"] = "Bearer " .. token
  math.randomseed(os.time() + (id or 0) * 7919)
  local total = 0
  for share in (os.getenv("SUGIT_MIX") or "40,20,20,20"):gmatch("%d+") do
    total = total + tonumber(share)
    table.insert(bounds, total)
  end
  for line in io.lines("backend/resources/divipola_municipios.csv") do
    local department, _, code = line:match("^(%d+),([^,]*),(%d+),")
    if department == "05" then
      table.insert(antioquia, code)
    end
  end
end

local function post(headers, body)
  return wrk.format("POST", "/graphql", headers, body)
end

function request()
  counter = counter + 1
  local roll = math.random(bounds[4])
  if roll <= bounds[1] then
    local code = codes[math.random(#codes)]
    return post(json, '{"query":"' .. lookup .. '","variables":{"c":"' .. code .. '"}}')
  elseif roll <= bounds[2] then
    local q = words[math.random(#words)]
    return post(json, '{"query":"' .. search .. '","variables":{"q":"' .. q .. '"}}')
  elseif roll <= bounds[3] then
    local q = words[math.random(#words)] .. " " .. words[math.random(#words)]
    return post(signed, '{"query":"' .. search .. '","variables":{"q":"' .. q .. '"}}')
  else
    local subject = antioquia[math.random(#antioquia)]
    local values = {}
    local elements = { "POBLACION_TOTAL", "INGRESOS_TRIBUTARIOS", "RECAUDO_PREDIAL", "GASTO_FUNCIONAMIENTO", "INVERSION_TOTAL" }
    for n, element in ipairs(elements) do
      -- Mostly the same figures (duplicates), sometimes a correction.
      local value = 19620 + n * 1000 + (math.random(10) == 1 and math.random(50) or 0)
      values[n] = '{"subjectCode":"' .. subject .. '","dataElementCode":"' .. element .. '","value":"' .. value .. '"}'
    end
    local key = string.format("carga-%d-%d-%d", id or 0, counter, math.random(1000000000))
    local input = '{"entityCode":"05","period":"2025","requirementCode":"FUT_INGRESOS_GASTOS","idempotencyKey":"'
      .. key .. '","values":[' .. table.concat(values, ",") .. ']}'
    return post(signed, '{"query":"' .. submit .. '","variables":{"i":' .. input .. '}}')
  end
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    errors = errors + 1
    if errors <= 3 then
      io.stderr:write("respuesta con error (" .. status .. "): " .. string.sub(body, 1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("errors") or 0)
  end
  io.write(string.format("respuestas con error: %d\n", total))
end
