// Ask before a form with data-confirm is submitted (the steps of the process).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var text = (button && button.dataset.confirm) || form.dataset.confirm;
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
}, true);

// The import page: workbooks over the limit are not sent; the message stands by the field.
document.addEventListener("submit", function (event) {
  var input = event.target.querySelector && event.target.querySelector("input[data-max-mb]");
  if (!input || !input.files) { return; }
  var total = 0;
  for (var i = 0; i < input.files.length; i++) { total += input.files[i].size; }
  var over = total > Number(input.dataset.maxMb) * 1048576;
  var note = document.getElementById("files-too-large");
  if (note) { note.hidden = !over; }
  if (over) { event.preventDefault(); }
}, true);
