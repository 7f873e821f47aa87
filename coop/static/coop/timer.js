// Tick the header timer once a minute from the elapsed time the server counted.
(function () {
  var clock = document.getElementById("timer-elapsed");
  if (!clock) return;
  var base = parseInt(clock.dataset.elapsed, 10), loaded = Date.now();
  function show() {
    var minutes = Math.floor((base + (Date.now() - loaded) / 1000) / 60);
    clock.textContent = Math.floor(minutes / 60) + ":" + String(minutes % 60).padStart(2, "0");
  }
  setInterval(show, 15000);
})();
