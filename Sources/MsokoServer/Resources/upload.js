// Upload progress for large results files: sends the form with XMLHttpRequest and shows a
// progress bar; the page works without this script (plain form post).
document.querySelectorAll("form[data-progress]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    var bar = form.querySelector(".upload-progress");
    var button = form.querySelector("button[type=submit]");
    if (bar) { bar.hidden = false; bar.value = 0; }
    if (button) { button.disabled = true; button.textContent = "Загрузка…"; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (e) { if (bar && e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total); };
    xhr.onload = function () {
      // The response is the page to show (after a redirect, the procedure page with its message,
      // which a second request would no longer carry): write it and show its address.
      var url = xhr.responseURL;
      document.open(); document.write(xhr.responseText); document.close();
      if (url && window.history && history.replaceState) history.replaceState(null, "", url);
    };
    xhr.onerror = function () {
      if (button) { button.disabled = false; button.textContent = "Загрузить"; }
      alert("Не удалось отправить файл: проверьте соединение и повторите.");
    };
    xhr.send(new FormData(form));
  });
});
