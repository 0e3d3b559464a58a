// The public resource map: draws the list's places (data-lat/data-lng on each item) on a
// Leaflet map. The list is the page; without this script it stays complete on its own.
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("resource-map");
    if (!element || !window.L) { return; }
    var items = Array.prototype.slice.call(document.querySelectorAll("#places li[data-lat]"));
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false });
    // The admin's and the page's layout may still move after start: keep Leaflet's size right.
    if (window.ResizeObserver) { new ResizeObserver(function () { map.invalidateSize(); }).observe(element); }
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 18,
        attribution: element.dataset.attribution || ""
      }).addTo(map);
    }
    var bounds = [];
    items.forEach(function (item) {
      var point = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lng)];
      var marker = L.marker(point, { title: item.dataset.name, alt: item.dataset.name }).addTo(map);
      var heading = item.querySelector("h3");
      marker.bindPopup(heading ? heading.textContent : item.dataset.name);
      marker.on("click", function () {
        items.forEach(function (other) { other.classList.remove("selected"); });
        item.classList.add("selected");
        item.scrollIntoView({ block: "nearest" });
      });
      bounds.push(point);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
    } else {
      map.setView([35.45, 134.35], 9); // the seven municipalities
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
