// "Print" links (data-print): a static script instead of onclick="window.print()", which the
// Content-Security-Policy refuses.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-print]");
  if (link) {
    event.preventDefault();
    window.print();
  }
});
