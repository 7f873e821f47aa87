// Tick the header timer every second (h:mm:ss) from the elapsed time the server counted.
(function () {
  var clock = document.getElementById("timer-elapsed");
  if (!clock) return;
  var base = parseInt(clock.dataset.elapsed, 10), loaded = Date.now();
  function two(number) { return String(number).padStart(2, "0"); }
  function show() {
    var seconds = Math.floor(base + (Date.now() - loaded) / 1000);
    clock.textContent = Math.floor(seconds / 3600) + ":" + two(Math.floor(seconds / 60) % 60) + ":" +
      two(seconds % 60);
  }
  setInterval(show, 1000);
})();
