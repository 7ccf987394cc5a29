// The committee's scoring board: follows the server-sent progress events the web front relays, and updates
// the table in place. Without this file the page still shows the state as it was when opened.
(function () {
  "use strict";
  var table = document.getElementById("papan");
  if (!table || !window.EventSource) { return; }
  var body = table.tBodies[0];
  var status = document.getElementById("papan-status");

  function label(prefix, key) {
    return table.getAttribute("data-" + prefix + "-" + String(key).replace(/_/g, "-")) || key;
  }

  function tag(kind, key, text) {
    var span = document.createElement("span");
    span.className = "tag tag-" + kind + "-" + key;
    span.textContent = text;
    return span;
  }

  function judgeList(judges) {
    var list = document.createElement("ul");
    list.className = "judge-states";
    judges.forEach(function (judge) {
      var item = document.createElement("li");
      item.setAttribute("data-judge", judge.judge_id);
      item.appendChild(document.createTextNode(judge.name + ": "));
      item.appendChild(tag("j", judge.status, label("judge", judge.status)));
      list.appendChild(item);
    });
    return list;
  }

  function newRow(idea) {
    // An idea that reached the round after the page opened: its name and group, the rest follows.
    var row = document.createElement("tr");
    row.setAttribute("data-idea", idea.idea_id);
    [idea.title || "–", idea.position_group ? label("group", idea.position_group) : "–", idea.room || "–"].forEach(function (text) {
      var cell = document.createElement("td");
      cell.textContent = text;
      row.appendChild(cell);
    });
    ["state", "judges"].forEach(function (name) {
      var cell = document.createElement("td");
      cell.setAttribute("data-cell", name);
      row.appendChild(cell);
    });
    body.appendChild(row);
    return row;
  }

  function update(snapshot) {
    Object.keys(snapshot.totals).forEach(function (key) {
      var cell = document.querySelector('[data-total="' + key + '"]');
      if (cell) { cell.textContent = snapshot.totals[key]; }
    });
    snapshot.ideas.forEach(function (idea) {
      var row = body.querySelector('tr[data-idea="' + idea.idea_id + '"]') || newRow(idea);
      var state = row.querySelector('[data-cell="state"]');
      var judges = row.querySelector('[data-cell="judges"]');
      state.replaceChildren(tag("p", idea.state, label("state", idea.state)));
      judges.replaceChildren(judgeList(idea.judges));
    });
    var now = new Date().toLocaleTimeString(document.documentElement.lang === "en" ? "en-GB" : "id-ID",
      { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    status.textContent = table.getAttribute("data-live-text") + " " + now + " WIB";
  }

  var source = new EventSource(table.getAttribute("data-stream"));
  source.addEventListener("progress", function (event) {
    try { update(JSON.parse(event.data)); } catch (err) { status.textContent = table.getAttribute("data-lost-text"); }
  });
  source.addEventListener("error", function () {
    status.textContent = table.getAttribute("data-lost-text");
  });
})();
