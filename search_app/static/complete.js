/* Search as you type: offers /api/complete's completions under the search box (the page works without it).
   Debounced; arrow keys move, Enter or a click picks and searches, Escape closes. Completions are inserted
   with textContent only, never as HTML. */
(function () {
  "use strict";
  var input = document.getElementById("q");
  var form = document.getElementById("search");
  if (!input || !form || !window.fetch) { return; }

  var DELAY_MS = 120;
  var list = document.createElement("ul");
  list.id = "q-completions";
  list.className = "completions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "اقتراحات البحث");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  var timer = null;
  var asked = 0;
  var active = -1;

  function options() { return list.querySelectorAll("[role=option]"); }

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    var items = options();
    if (!items.length) { return; }
    active = (index + items.length) % items.length;
    for (var i = 0; i < items.length; i++) { items[i].setAttribute("aria-selected", i === active ? "true" : "false"); }
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  function pick(text) {
    input.value = text;
    close();
    form.submit();
  }

  function show(completions) {
    close();
    if (!completions.length) { return; }
    completions.forEach(function (completion, index) {
      var item = document.createElement("li");
      item.id = "q-completion-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dir = "auto";
      item.textContent = completion.text;
      item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(completion.text); });
      list.appendChild(item);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function ask() {
    var text = input.value;
    var ticket = ++asked;
    if (!text.trim()) { close(); return; }
    fetch("/api/complete?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { completions: [] }; })
      .then(function (body) { if (ticket === asked) { show(body.completions || []); } })
      .catch(function () { if (ticket === asked) { close(); } });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); pick(options()[active].textContent); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 0); });
})();
