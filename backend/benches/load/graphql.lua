-- One GraphQL query, repeated: QUERY (no double quotes in it) is POSTed to
-- /graphql, signed in when SUGIT_TOKEN is set. Any non-200 or any answer
-- carrying "errors" is counted and printed at the end, so a fast wrong
-- answer cannot pass for a fast one.
local body
local headers = { ["Content-Type"] = "application/json" }
local threads = {}
failed = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  body = '{"query":"' .. os.getenv("QUERY") .. '"}'
  local token = os.getenv("SUGIT_TOKEN")
  if token and token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
end

function request()
  return wrk.format("POST", "/graphql", headers, body)
end

function response(status, _, answer)
  if status ~= 200 or answer:find('"errors"', 1, true) then
    failed = failed + 1
    if failed == 1 then
      io.stderr:write("primera respuesta fallida: " .. status .. " " .. answer:sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("failed")
  end
  io.write(string.format("respuestas fallidas: %d\n", total))
end
