// Renders every chart spec in the page with the inlined vega-embed (no network).
(function () {
  if (typeof window.vegaEmbed !== "function") return;
  var specs = document.querySelectorAll('script[type="application/vnd.sitrep.vegalite+json"]');
  specs.forEach(function (el) {
    var target = document.getElementById(el.getAttribute("data-target"));
    if (!target) return;
    window.vegaEmbed(target, JSON.parse(el.textContent), { actions: false, renderer: "svg" })
      .then(function () { target.closest("figure").classList.add("live"); })
      .catch(function (err) { console.error("chart " + target.id + ": " + err); });
  });
})();
