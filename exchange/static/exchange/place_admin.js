// The admin's place form: click the map (or drag the marker) to fill latitude and longitude;
// typing them moves the marker; empty coordinates show the municipality's centre, greyed.
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("place-map");
    if (!element || !window.L) { return; }
    var lat = document.getElementById("id_latitude");
    var lng = document.getElementById("id_longitude");
    var municipality = document.getElementById("id_municipality");
    var centres = JSON.parse(document.getElementById("place-map-centres").textContent || "{}");
    var map = L.map(element);
    // The admin's and the page's layout may still move after start: keep Leaflet's size right.
    if (window.ResizeObserver) { new ResizeObserver(function () { map.invalidateSize(); }).observe(element); }
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution || "" }).addTo(map);
    }
    var marker = null;
    function centre() {
      return (municipality && centres[municipality.value]) || [35.45, 134.35];
    }
    function typed() {
      var a = parseFloat(lat.value), b = parseFloat(lng.value);
      return isNaN(a) || isNaN(b) ? null : [a, b];
    }
    function write(point) {
      lat.value = point.lat.toFixed(5);
      lng.value = point.lng.toFixed(5);
    }
    function show() {
      var point = typed();
      var where = point || centre();
      if (!marker) {
        marker = L.marker(where, { draggable: true }).addTo(map);
        marker.on("dragend", function () { write(marker.getLatLng()); show(); });
      }
      marker.setLatLng(where);
      marker.setOpacity(point ? 1 : 0.4);
      return where;
    }
    map.on("click", function (event) { write(event.latlng); show(); });
    [lat, lng].forEach(function (input) { input.addEventListener("change", function () { map.panTo(show(), { animate: false }); }); });
    if (municipality) {
      municipality.addEventListener("change", function () { if (!typed()) { map.setView(show(), 13, { animate: false }); } });
    }
    document.getElementById("place-map-clear").addEventListener("click", function () {
      lat.value = ""; lng.value = ""; map.setView(show(), 13, { animate: false });
    });
    map.invalidateSize();
    map.setView(show(), typed() ? 15 : 13);
  }
  // After the admin's own scripts and styles have laid the page out (the sidebar, the
  // selector widgets), so that Leaflet measures the map where it finally stands.
  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
})();
