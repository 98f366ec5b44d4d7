-- wrk script: prints one JSON line with the figures the benchmark reports (after wrk's own summary).
-- Latencies are in microseconds.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.status + errors.timeout
  io.write(string.format(
    '\nBENCH-JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "errors": %d, "non_2xx": %d, "timeouts": %d}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, failed, errors.status, errors.timeout))
end
