/* Staff pages: warn before the session ends, and never lose typed text silently.
 *
 * The server ends a session after 30 minutes without a request, and 8 hours
 * after signing in whatever happens (uhapo/middleware.py). A few minutes
 * before either, the notice in templates/admin/base_site.html is shown; "Stay
 * signed in" POSTs to the keep-alive view, which restarts the idle time.
 * Other tabs of the admin count too (localStorage holds the last page load).
 *
 * Every text box of an admin form is copied to sessionStorage as it is typed,
 * keyed by the page's path. A form sent after the session ended comes back
 * to the same page after signing in: the text is put back, with a notice. A
 * form sent successfully leads to another page, and its copies are dropped.
 * sessionStorage is this tab's alone and is emptied when the tab is closed.
 */
(function () {
  "use strict";

  var box = document.getElementById("uhapo-session");
  if (!box) {
    return;
  }

  var ACTIVITY_KEY = "uhapo-session-activity";
  var DRAFT_PREFIX = "uhapo-draft:";
  var SENT_PREFIX = "uhapo-draft-sent:";
  var idleMs = Number(box.dataset.idleSeconds) * 1000;
  var warnMs = Number(box.dataset.warnSeconds) * 1000;
  var absoluteEnd = Date.now() + Number(box.dataset.absoluteSeconds) * 1000;
  var lastSeen = Date.now();
  var ended = false;

  function store(kind) {
    try {
      return kind === "local" ? window.localStorage : window.sessionStorage;
    } catch (error) {
      return null; // Storage blocked: the warning still works.
    }
  }

  function noteActivity(moment) {
    lastSeen = moment;
    var local = store("local");
    if (local) {
      local.setItem(ACTIVITY_KEY, String(moment));
    }
  }

  function lastActivity() {
    var local = store("local");
    var shared = local ? Number(local.getItem(ACTIVITY_KEY)) || 0 : 0;
    return Math.max(lastSeen, shared);
  }

  function show(name) {
    ["idle", "limit", "ended"].forEach(function (part) {
      box.querySelector(".uhapo-session-" + part).hidden = part !== name;
    });
    box.classList.toggle("uhapo-session-shown", Boolean(name));
  }

  function check() {
    if (ended) {
      return;
    }
    var now = Date.now();
    var idleEnd = lastActivity() + idleMs;
    if (now >= Math.min(idleEnd, absoluteEnd)) {
      ended = true;
      show("ended");
      return;
    }
    if (absoluteEnd <= idleEnd && absoluteEnd - now <= warnMs) {
      show("limit");
    } else if (idleEnd - now <= warnMs) {
      show("idle");
    } else {
      show(null);
    }
  }

  function stayedSignedIn(answer) {
    noteActivity(Date.now());
    absoluteEnd = Date.now() + answer.absolute_seconds * 1000;
    check();
  }

  box.querySelector(".uhapo-session-stay").addEventListener("click", function () {
    fetch(box.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": box.dataset.csrfToken, Accept: "application/json" },
    })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!response.ok || response.redirected || !json) {
          throw new Error("signed out");
        }
        return response.json();
      })
      .then(stayedSignedIn)
      .catch(function () {
        ended = true;
        show("ended");
      });
  });

  noteActivity(Date.now());
  window.setInterval(check, 10000);
  window.addEventListener("storage", function (event) {
    if (event.key === ACTIVITY_KEY) {
      check();
    }
  });
  check();

  // --- drafts ----------------------------------------------------------------

  var drafts = store("session");
  if (!drafts) {
    return;
  }
  var path = window.location.pathname;

  // A form sent from another page that led here was accepted: forget its copies.
  for (var i = drafts.length - 1; i >= 0; i -= 1) {
    var key = drafts.key(i);
    if (key && key.indexOf(SENT_PREFIX) === 0 && key.slice(SENT_PREFIX.length) !== path) {
      var sentPath = key.slice(SENT_PREFIX.length);
      for (var j = drafts.length - 1; j >= 0; j -= 1) {
        var other = drafts.key(j);
        if (other && other.indexOf(DRAFT_PREFIX + sentPath + ":") === 0) {
          drafts.removeItem(other);
        }
      }
      drafts.removeItem(key);
    }
  }

  var restored = false;
  var boxes = document.querySelectorAll("#content-main form textarea[name]");
  Array.prototype.forEach.call(boxes, function (textarea) {
    var draftKey = DRAFT_PREFIX + path + ":" + textarea.name;
    var saved = drafts.getItem(draftKey);
    // Only into an empty box: text the server sent back (a form with an error) wins.
    if (saved && !textarea.value) {
      textarea.value = saved;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      restored = true;
    }
    textarea.addEventListener("input", function () {
      if (textarea.value) {
        drafts.setItem(draftKey, textarea.value);
      } else {
        drafts.removeItem(draftKey);
      }
    });
    if (textarea.form) {
      textarea.form.addEventListener("submit", function () {
        drafts.setItem(SENT_PREFIX + path, "1");
      });
    }
  });
  if (restored) {
    document.getElementById("uhapo-draft-restored").hidden = false;
  }
})();
