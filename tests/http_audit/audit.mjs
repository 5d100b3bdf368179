// Runs graphql-http's server audits against a running gateway and prints their results as JSON.
// Usage: node audit.mjs <graphql url> <bearer token>
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);

function signedIn(input, init = {}) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

const results = [];
for (const audit of serverAudits({ url, fetchFn: signedIn })) {
  const result = await audit.fn();
  results.push({ id: audit.id, name: audit.name, status: result.status, reason: result.reason ?? null });
}
console.log(JSON.stringify(results));
