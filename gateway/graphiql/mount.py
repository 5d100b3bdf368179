"""The script that mounts GraphiQL (served as a file: the page's CSP forbids inline scripts)."""

from __future__ import annotations

__all__ = ["MOUNT_JS"]

MOUNT_JS = r"""
(function () {
  "use strict";
  var endpoint = document.body.getAttribute("data-endpoint") || "/graphql";
  var examples = JSON.parse(document.getElementById("examples").textContent || "[]");

  var PLACEHOLDER = "PASTE-A-TOKEN-HERE";

  function fetcher(params, options) {
    var given = JSON.stringify((options && options.headers) || {});
    if (given.indexOf(PLACEHOLDER) !== -1) {
      return Promise.resolve({ errors: [{
        message: "Paste a persona's token into the Headers tab below (make run prints them), " +
                 "then press the refresh button on the left to load the schema and run again."
      }] });
    }
    var headers = Object.assign(
      { "Content-Type": "application/json", "Accept": "application/graphql-response+json, application/json" },
      (options && options.headers) || {}
    );
    return fetch(endpoint, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(params),
      credentials: "omit"
    }).then(function (response) {
      return response.text().then(function (text) {
        try { return JSON.parse(text); }
        catch (e) { return { errors: [{ message: "HTTP " + response.status + ": " + text.slice(0, 200) }] }; }
      });
    });
  }

  // Example variables may name days relative to today: "{{today+30}}" becomes that day at midnight UTC.
  function dated(text) {
    return (text || "").replace(/\{\{today([+-]\d+)?\}\}/g, function (_, offset) {
      var day = new Date();
      day.setUTCHours(0, 0, 0, 0);
      day.setUTCDate(day.getUTCDate() + parseInt(offset || "0", 10));
      return day.toISOString().replace(".000Z", "+00:00");
    });
  }
  var tabs = examples.map(function (example) {
    return { query: example.query, variables: dated(example.variables) || undefined };
  });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: tabs,
      defaultHeaders: '{"Authorization": "Bearer ' + PLACEHOLDER + '"}',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: "headers"
    })
  );
})();
"""
