-- Public lookups of municipalities, as the web page and other systems make
-- them: anonymous POSTs to /graphql, answered from the shared cache once warm.
-- SUGIT_TOKEN set: the same lookups signed in, which the public cache skips.
local codes = {
  "05001", "05002", "05004", "05021", "05030", "05031", "05034", "05036", "05038", "05040",
  "05042", "05044", "05045", "05051", "05055", "05059", "05079", "05086", "05088", "05091",
  "08001", "11001", "13001", "15001", "17001", "18001", "19001", "20001", "23001", "25001",
  "27001", "41001", "44001", "47001", "50001", "52001", "54001", "63001", "66001", "68001",
}
local query = "query($c: String!) { territorialEntity(code: $c) { code name kind category capacityGroup department { code name } } }"
local requests = {}
local i = 0

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  local token = os.getenv("SUGIT_TOKEN")
  if token and token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  for n, code in ipairs(codes) do
    local body = '{"query":"' .. query .. '","variables":{"c":"' .. code .. '"}}'
    requests[n] = wrk.format("POST", "/graphql", headers, body)
  end
  i = math.random(#requests)
end

function request()
  i = i % #requests + 1
  return requests[i]
end
