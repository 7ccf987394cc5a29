// The judge's scoring page: every change is saved at once with its own Idempotency-Key, kept in the
// browser (localStorage) until the judging service has it, and resent with the same key when the
// connection returns, so nothing is lost and nothing is counted twice. Also: the pitch timer.
(function () {
  "use strict";

  var form = document.querySelector("[data-scoring]");
  var state = document.getElementById("save-state");
  var csrf = document.querySelector('meta[name="csrf-token"]');
  if (form && state && csrf) { autosave(form, state, csrf.getAttribute("content")); }
  var timer = document.querySelector("[data-timer]");
  if (timer) { pitchTimer(timer); }

  function autosave(form, state, token) {
    if (state.getAttribute("data-state") === "locked") { return; }  // submitted: nothing more to save
    var storeKey = "audisi-pending-" + form.getAttribute("data-idea");
    var url = form.getAttribute("data-save-url");
    var sending = false;
    var retry = null;
    var plain = form.querySelector("[data-no-script-save]");
    if (plain) { plain.hidden = true; }  // with the script, every change is saved as it is made

    function pending() {
      try { return JSON.parse(window.localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
    }
    function keep(list) { window.localStorage.setItem(storeKey, JSON.stringify(list)); }
    function newKey() {
      if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
      return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
    }
    function show(kind, extra) {
      state.setAttribute("data-state", kind);
      var label = state.getAttribute("data-label-" + kind) || kind;
      state.textContent = extra ? label + " (" + extra + ")" : label;
    }
    function entryFor(criterion) {
      var box = form.querySelector('[data-criterion="' + criterion + '"]');
      var chosen = box.querySelector("input[type=radio]:checked");
      if (!chosen) { return null; }
      var comment = box.querySelector("textarea").value.trim();
      return { key: newKey(), scores: [{ criterion: criterion, value: Number(chosen.value), comment: comment || null }] };
    }
    function schedule() {
      if (retry === null) { retry = window.setTimeout(function () { retry = null; flush(); }, 3000); }
    }
    function flush() {
      if (sending) { return; }
      var queue = pending();
      if (queue.length === 0) { show("saved"); return; }
      sending = true;
      show("saving");
      var entry = queue[0];
      window.fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token, "Idempotency-Key": entry.key },
        body: JSON.stringify({ scores: entry.scores })
      }).then(function (response) {
        sending = false;
        if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)) {
          keep(pending().filter(function (e) { return e.key !== entry.key; }));
          if (!response.ok) {
            return response.json().then(function (body) { show("failed", body.error && body.error.message); });
          }
          flush();
          return null;
        }
        show("pending", pending().length);
        schedule();
        return null;
      }).catch(function () {
        sending = false;
        show("pending", pending().length);
        schedule();
      });
    }
    function changed(event) {
      var box = event.target.closest("[data-criterion]");
      if (!box) { return; }
      var entry = entryFor(box.getAttribute("data-criterion"));
      if (!entry) { return; }
      var queue = pending();
      queue.push(entry);
      keep(queue);
      show("pending", queue.length);
      flush();
    }
    // Entries left from before a reload (or a closed tab) are shown and sent again.
    pending().forEach(function (entry) {
      entry.scores.forEach(function (score) {
        var box = form.querySelector('[data-criterion="' + score.criterion + '"]');
        if (!box) { return; }
        var radio = box.querySelector('input[type=radio][value="' + score.value + '"]');
        if (radio) { radio.checked = true; }
        box.querySelector("textarea").value = score.comment || "";
      });
    });
    form.addEventListener("change", changed);
    window.addEventListener("online", flush);
    var lock = document.querySelector("[data-lock]");
    if (lock) {
      lock.addEventListener("submit", function (event) {
        if (pending().length > 0) {
          event.preventDefault();
          lock.querySelector("[data-lock-wait]").hidden = false;
          flush();
        }
      });
    }
    flush();
  }

  function pitchTimer(root) {
    var total = Number(root.getAttribute("data-seconds")) || 420;
    var clock = root.querySelector("[data-timer-clock]");
    var toggle = root.querySelector("[data-timer-toggle]");
    var reset = root.querySelector("[data-timer-reset]");
    var announce = root.querySelector("[data-timer-announce]");
    var left = total;
    var ticking = null;
    function draw() {
      var shown = Math.abs(left);
      var text = String(Math.floor(shown / 60)).padStart(2, "0") + ":" + String(shown % 60).padStart(2, "0");
      clock.textContent = (left < 0 ? "-" : "") + text;
      root.setAttribute("data-over", left <= 0 ? "true" : "false");
    }
    function stop() {
      window.clearInterval(ticking);
      ticking = null;
      toggle.textContent = root.getAttribute("data-label-start");
    }
    toggle.addEventListener("click", function () {
      if (ticking !== null) { stop(); return; }
      toggle.textContent = root.getAttribute("data-label-pause");
      ticking = window.setInterval(function () {
        left -= 1;
        if (left === 0) { announce.textContent = root.getAttribute("data-label-over"); }
        draw();
      }, 1000);
    });
    reset.addEventListener("click", function () { stop(); left = total; announce.textContent = ""; draw(); });
    draw();
  }
})();
