// The web chat page: sends messages to POST /api/chat and appends the answers to the live log.
// No frameworks and no external assets. voice.js (optional) builds on window.smileChat.
(function () {
  "use strict";

  var TEXTS = {
    de: {
      title: "Smile City Rostock – Ihr Bürger-Assistent",
      pageTitle: "Smile City Rostock – Bürger-Assistent",
      skip: "Zum Eingabefeld springen",
      language: "Sprache",
      intro: "Fragen Sie nach Orten, Öffnungszeiten und Veranstaltungen in Rostock – zum Beispiel: „Wo ist eine rollstuhlgerechte Toilette in der Südstadt?“",
      conversation: "Unterhaltung",
      busy: "Der Assistent schreibt …",
      message: "Ihre Nachricht",
      hint: "Mit Enter senden, mit Umschalt+Enter eine neue Zeile.",
      send: "Senden",
      footer: "Ein Angebot der Hanse- und Universitätsstadt Rostock. Antworten beruhen auf offenen Daten der Stadt.",
      you: "Sie:",
      assistant: "Assistent:",
      choices: "Antwortmöglichkeiten",
      listen: "Antwort anhören",
      privacy: "Datenschutz: was gespeichert wird",
      download: "Datei herunterladen:",
      offline: "Ich bin gerade nicht erreichbar. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es noch einmal.",
      empty: "Bitte schreiben Sie zuerst Ihre Frage.",
      tooLong: "Ihre Nachricht ist zu lang. Bitte schreiben Sie höchstens 4000 Zeichen.",
      problem: "Das hat leider nicht geklappt. Bitte versuchen Sie es noch einmal."
    },
    en: {
      title: "Smile City Rostock – your citizens' assistant",
      pageTitle: "Smile City Rostock – citizens' assistant",
      skip: "Skip to the message field",
      language: "Language",
      intro: "Ask about places, opening hours and events in Rostock – for example: “Where is a wheelchair-accessible toilet in Südstadt?”",
      conversation: "Conversation",
      busy: "The assistant is writing …",
      message: "Your message",
      hint: "Press Enter to send, Shift+Enter for a new line.",
      send: "Send",
      footer: "A service of the Hanseatic and University City of Rostock. Answers are based on the city's open data.",
      you: "You:",
      assistant: "Assistant:",
      choices: "Choices",
      listen: "Listen to the answer",
      privacy: "Privacy: what is kept",
      download: "Download the file:",
      offline: "I cannot be reached right now. Please check your internet connection and try again.",
      empty: "Please type your question first.",
      tooLong: "Your message is too long. Please write at most 4,000 characters.",
      problem: "Sorry, that did not work. Please try again."
    }
  };
  var MAX_CHARS = 4000;
  var URL_PATTERN = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/g;

  var state = {
    lang: "de",
    languageChosen: true, // send the page language with the first message
    voiceReplies: null,
    queue: Promise.resolve(),
    sender: null
  };

  function storage(key, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(key); }
      window.localStorage.setItem(key, value);
    } catch (e) { /* private mode: fall back to this page's memory */ }
    return null;
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function t(key) { return TEXTS[state.lang][key]; }

  function applyLanguage(lang) {
    state.lang = lang === "en" ? "en" : "de";
    document.documentElement.lang = state.lang;
    document.title = t("pageTitle");
    var nodes = document.querySelectorAll("[data-i18n]");
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].textContent = t(nodes[i].getAttribute("data-i18n"));
    }
    document.getElementById("language").value = state.lang;
    storage("smilechat.lang", state.lang);
    document.dispatchEvent(new CustomEvent("smilechat:language", { detail: { lang: state.lang } }));
  }

  function appendText(parent, text) {
    // Links become real <a> elements; everything else stays plain text (no HTML from answers).
    var last = 0;
    text.replace(URL_PATTERN, function (url, _group, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = offset + url.length;
      return url;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function addEntry(kind, text, extraClass) {
    var log = document.getElementById("log");
    var entry = document.createElement("div");
    entry.className = "msg " + kind + (extraClass ? " " + extraClass : "");
    var p = document.createElement("p");
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = t(kind === "person" ? "you" : "assistant") + " ";
    p.appendChild(who);
    appendText(p, text);
    entry.appendChild(p);
    log.appendChild(entry);
    entry.scrollIntoView({ block: "nearest" });
    return entry;
  }

  function addAnswer(message, isError) {
    var entry = addEntry("bot", message.text || "", isError ? "error" : "");
    if (message.buttons && message.buttons.length) {
      var list = document.createElement("ul");
      list.className = "choices";
      list.setAttribute("aria-label", t("choices"));
      message.buttons.forEach(function (button) {
        var item = document.createElement("li");
        var control = document.createElement("button");
        control.type = "button";
        control.textContent = button.title;
        control.addEventListener("click", function () {
          send({ message: button.payload, display: button.title });
          document.getElementById("message").focus();
        });
        item.appendChild(control);
        list.appendChild(item);
      });
      entry.appendChild(list);
    }
    if (message.audio) {
      var audio = document.createElement("audio");
      audio.controls = true;
      audio.preload = "auto";
      audio.src = "data:" + (message.audio_mime || "audio/ogg") + ";base64," + message.audio;
      audio.setAttribute("aria-label", t("listen"));
      entry.appendChild(audio);
    }
    if (message.document) {
      entry.appendChild(downloadLink(message.document));
    }
    document.dispatchEvent(new CustomEvent("smilechat:message", {
      detail: { message: message, element: entry }
    }));
    return entry;
  }

  function downloadLink(file) {
    // a blob: URL, so the page's Content-Security-Policy needs no data: downloads
    var raw = window.atob(file.data);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([bytes], { type: file.mime_type }));
    link.download = file.filename;
    link.className = "download";
    link.textContent = t("download") + " " + file.filename;
    var line = document.createElement("p");
    line.appendChild(link);
    return line;
  }

  function post(body) {
    return window.fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, data: data };
      });
    });
  }

  // Sends one message. options: {message, display?, audio?, audio_mime?, voice?}.
  function send(options) {
    var body = { sender: state.sender };
    if (options.message !== undefined && options.message !== null) { body.message = options.message; }
    if (options.audio) {
      body.audio = options.audio;
      if (options.audio_mime) { body.audio_mime = options.audio_mime; }
    }
    var voice = options.voice !== undefined ? options.voice : state.voiceReplies;
    if (voice === true || voice === false) { body.voice = voice; }
    if (state.languageChosen) {
      body.lang = state.lang;
      state.languageChosen = false;
    }
    if (options.display !== undefined || body.message) {
      addEntry("person", options.display !== undefined ? options.display : body.message);
    }
    var busy = document.getElementById("busy");
    state.queue = state.queue.then(function () {
      busy.hidden = false;
      return post(body).then(function (result) {
        var messages = result.data && result.data.messages;
        if (messages && messages.length) {
          messages.forEach(function (m) { addAnswer(m, !result.ok); });
        } else if (!result.ok) {
          addAnswer({ text: t("problem") }, true);
        }
        if (result.data && (result.data.language === "de" || result.data.language === "en") &&
            result.data.language !== state.lang) {
          applyLanguage(result.data.language);
        }
      }).catch(function () {
        addAnswer({ text: t("offline") }, true);
      }).then(function () {
        busy.hidden = true;
      });
    });
    return state.queue;
  }

  function onSubmit(event) {
    event.preventDefault();
    var field = document.getElementById("message");
    var text = field.value;
    if (!text.trim()) {
      addAnswer({ text: t("empty") }, true);
      field.focus();
      return;
    }
    if (text.length > MAX_CHARS) {
      addAnswer({ text: t("tooLong") }, true);
      field.focus();
      return;
    }
    field.value = "";
    send({ message: text });
    field.focus();
  }

  // What the city wrote first (announcements, report status): waiting since the last visit,
  // then pushed over an event stream while the page is open.
  function showWritten(messages) {
    (messages || []).forEach(function (m) { addAnswer(m, false); });
  }

  function receiveWritten() {
    var query = "?sender=" + encodeURIComponent(state.sender);
    fetch("/api/chat/messages" + query, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (data) { showWritten(data.messages); })
      .catch(function () { /* offline: they wait for the next visit */ });
    if (!window.EventSource) { return; }
    var stream = new EventSource("/api/chat/events" + query);
    stream.addEventListener("messages", function (event) {
      try { showWritten(JSON.parse(event.data).messages); } catch (e) { return; /* not ours */ }
      // shown: the gateway may forget them now (until then they wait for the next visit)
      fetch("/api/chat/messages/received", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: state.sender, upto: Number(event.lastEventId) })
      }).catch(function () { /* the next connection's Last-Event-ID says it again */ });
    });
  }

  function init() {
    state.sender = storage("smilechat.sender");
    if (!state.sender) {
      state.sender = randomId();
      storage("smilechat.sender", state.sender);
    }
    var saved = storage("smilechat.lang");
    var browser = (navigator.language || "de").slice(0, 2).toLowerCase();
    applyLanguage(saved || (browser === "en" ? "en" : "de"));

    document.getElementById("chat-form").addEventListener("submit", onSubmit);
    document.getElementById("message").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        document.getElementById("chat-form").requestSubmit();
      }
    });
    document.getElementById("privacy").addEventListener("click", function () {
      send({ message: "/privacy", display: t("privacy") });
    });
    document.getElementById("language").addEventListener("change", function (event) {
      applyLanguage(event.target.value);
      state.languageChosen = true;
    });

    window.smileChat = {
      send: send,
      language: function () { return state.lang; },
      sender: function () { return state.sender; },
      setVoiceReplies: function (on) { state.voiceReplies = on === null ? null : !!on; },
      addAnswer: function (message) { return addAnswer(message, false); }
    };
    document.dispatchEvent(new CustomEvent("smilechat:ready"));
    receiveWritten();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
