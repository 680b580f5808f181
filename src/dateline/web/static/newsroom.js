/* dateline newsroom: autosave for the editor. The page works without it. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var EVERY_MS = 20000;
  var status = document.getElementById("autosave-status");
  var busy = null; // the autosave request in flight, if any
  var stopped = false;

  function fields() {
    var data = new FormData(form);
    data.delete("csrf_token");
    data.delete("lock_version");
    return new URLSearchParams(data).toString();
  }

  var last = fields();

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function clock() {
    var now = new Date();
    return now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function adopt(answer) {
    form.elements.lock_version.value = String(answer.lock_version);
    if (answer.url) {
      form.action = answer.url;
      form.setAttribute("data-autosave", answer.autosave_url);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", answer.url);
      }
    }
  }

  function save() {
    if (busy || stopped) {
      return;
    }
    var current = fields();
    if (current === last) {
      return;
    }
    var body = new URLSearchParams(new FormData(form));
    body.delete("action");
    busy = fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok) {
            adopt(answer);
            last = current;
            say("Draft autosaved at " + clock() + ".");
          } else if (response.status === 409) {
            stopped = true;
            say("Someone else saved this article: autosave stopped. Save to compare both versions.");
          } else if (response.status === 401) {
            say("Your session has ended. Save when you are ready: your text will be kept through signing in.");
          } else if (response.status === 422) {
            say("Not autosaved yet: " + (answer.error || "some fields need correcting") + ".");
          } else {
            stopped = true;
            say("Autosave stopped: " + (answer.error || "the server refused it") + ".");
          }
        });
      })
      .catch(function () {
        say("Not autosaved: the server could not be reached. Your text is still here.");
      })
      .then(function () {
        busy = null;
      });
  }

  // A button pressed while an autosave is on its way waits for it, so the form posts
  // to the article the autosave may just have created, with its new lock version.
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (busy) {
      event.preventDefault();
      busy.then(function () {
        form.requestSubmit(button);
      });
      return;
    }
    if (!button || button.value !== "preview") {
      stopped = true;
    }
  });

  window.setInterval(save, EVERY_MS);
})();
