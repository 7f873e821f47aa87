// Money pages: offer only the chosen client's projects when recording revenue.
document.querySelectorAll("select[data-filters]").forEach(function (clients) {
  var projects = document.getElementById(clients.dataset.filters);
  if (!projects) return;
  function filter() {
    projects.querySelectorAll("optgroup").forEach(function (group) {
      var other = clients.value !== "" && group.dataset.client !== clients.value;
      group.hidden = other;
      group.disabled = other;
    });
    var chosen = projects.selectedOptions[0];
    if (chosen && chosen.parentElement.disabled) projects.value = "";
  }
  clients.addEventListener("change", filter);
  filter();
});
