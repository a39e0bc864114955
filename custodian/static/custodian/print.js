// "Print" buttons: a static script, because the Content-Security-Policy allows no inline script.
document.querySelectorAll("button.print-page").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
