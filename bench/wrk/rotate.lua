-- wrk script: each request is the next of a prepared list (many patients' tokens and bodies),
-- each thread starting elsewhere in it. Counts non-200 answers and GraphQL errors; on an APQ
-- miss (PERSISTED_QUERY_NOT_FOUND) the thread's next request registers the document, as an APQ
-- client does. The list comes from a Lua data file named after `--`: { requests = {...}, register = {...} }.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local data = dofile(args[1])
  prepared = {}
  for i, r in ipairs(data.requests) do
    prepared[i] = wrk.format(r.method, r.path, r.headers, r.body)
  end
  registration = data.register and wrk.format(data.register.method, data.register.path,
    data.register.headers, data.register.body) or nil
  count = #prepared
  index = math.random(count) - 1
  register_next = false
  answered, bad_status, graphql_errors, apq_misses = 0, 0, 0, 0
  first_error = nil
end

function request()
  if register_next and registration then
    register_next = false
    return registration
  end
  index = index % count + 1
  return prepared[index]
end

function response(status, headers, body)
  answered = answered + 1
  local failed = false
  if status ~= 200 then
    bad_status = bad_status + 1
    failed = true
  end
  if body:find("PERSISTED_QUERY_NOT_FOUND", 1, true) then
    apq_misses = apq_misses + 1
    register_next = true
  elseif body:find('"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
    failed = true
  end
  if failed and first_error == nil then
    local at = body:find('"errors"', 1, true) or 1
    first_error = status .. " " .. body:sub(at, at + 400)
  end
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local totals = { answered = 0, bad_status = 0, graphql_errors = 0, apq_misses = 0 }
  for _, t in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + (t:get(key) or 0)
    end
  end
  local sample = ""
  for _, t in ipairs(threads) do
    sample = t:get("first_error") or sample
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "answered": %d, "bad_status": %d, ' ..
    '"graphql_errors": %d, "apq_misses": %d, "socket_errors": %d, "timeouts": %d, ' ..
    '"first_error": %s, "latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes, totals.answered, totals.bad_status,
    totals.graphql_errors, totals.apq_misses, e.connect + e.read + e.write, e.timeout, json_string(sample),
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99)))
end
