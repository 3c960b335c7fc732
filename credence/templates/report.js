"use strict";
// Sorting and filtering for the briefing's tables. The page reads fine without it: this only
// adds controls. It never inserts markup built from page text (textContent only).
(function () {
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
  }

  function compare(a, b, numeric) {
    if (numeric) {
      var x = parseFloat(a), y = parseFloat(b);
      x = isNaN(x) ? -Infinity : x;
      y = isNaN(y) ? -Infinity : y;
      return x - y;
    }
    return a.localeCompare(b, undefined, { sensitivity: "base" });
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (header, index) {
      header.tabIndex = 0;
      header.classList.add("sortable");
      header.title = "Sort by " + header.textContent.trim();
      function sort() {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = header.getAttribute("data-type") === "num";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(cellValue(r1, index), cellValue(r2, index), numeric);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      header.addEventListener("click", sort);
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function makeFilterable(table) {
    var bar = document.createElement("div");
    bar.className = "filter-bar";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter rows";
    input.setAttribute("aria-label", "Filter the rows of this table");
    bar.appendChild(input);
    var select = null;
    if (table.hasAttribute("data-status-filter")) {
      select = document.createElement("select");
      select.setAttribute("aria-label", "Show one status");
      ["", "corroborated", "contested", "contradicted", "single-source"].forEach(function (status) {
        var option = document.createElement("option");
        option.value = status;
        option.textContent = status || "every status";
        select.appendChild(option);
      });
      bar.appendChild(select);
    }
    var count = document.createElement("span");
    count.className = "filter-count";
    bar.appendChild(count);
    table.parentNode.insertBefore(bar, table);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply() {
      var needle = input.value.trim().toLowerCase();
      var status = select ? select.value : "";
      var shown = 0;
      rows.forEach(function (row) {
        var visible = (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1) &&
          (!status || row.getAttribute("data-status") === status);
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length + " rows";
    }
    input.addEventListener("input", apply);
    if (select) { select.addEventListener("change", apply); }
    apply();
  }

  function addToggleAll() {
    var section = document.getElementById("articles");
    if (!section) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "toggle-all";
    button.textContent = "Open every article";
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-pressed") !== "true";
      section.querySelectorAll("details").forEach(function (details) { details.open = open; });
      button.setAttribute("aria-pressed", open ? "true" : "false");
      button.textContent = open ? "Close every article" : "Open every article";
    });
    var heading = section.querySelector("h2");
    heading.parentNode.insertBefore(button, heading.nextSibling);
  }

  document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
  document.querySelectorAll("table[data-filterable]").forEach(makeFilterable);
  addToggleAll();
  document.documentElement.setAttribute("data-script", "ready");
})();
