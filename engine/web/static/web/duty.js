// Ask before a form with data-confirm is submitted (the steps of the process).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var text = (button && button.dataset.confirm) || form.dataset.confirm;
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
}, true);
