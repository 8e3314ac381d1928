// Voice for the web chat: a microphone button that records a question (MediaRecorder) and sends
// it to POST /api/chat, and a "read answers aloud" switch. Spoken answers play one after another.
// Builds on window.smileChat from chat.js; without a microphone the page simply stays text-only.
(function () {
  "use strict";

  var MAX_SECONDS = 120;
  var TEXTS = {
    de: {
      record: "Sprechen",
      stop: "Aufnahme beenden und senden",
      readAloud: "Antworten vorlesen",
      recording: "Aufnahme läuft. Sprechen Sie jetzt. Zum Senden die Taste „Aufnahme beenden“ drücken.",
      sending: "Ihre Sprachnachricht wird gesendet.",
      sent: "Sprachnachricht",
      seconds: "Sekunden",
      denied: "Ich kann das Mikrofon nicht benutzen. Bitte erlauben Sie den Zugriff oder schreiben Sie Ihre Frage.",
      unsupported: "Dieser Browser kann hier keine Sprache aufnehmen. Bitte schreiben Sie Ihre Frage.",
      limit: "Die Aufnahme war 2 Minuten lang und wurde gesendet."
    },
    en: {
      record: "Speak",
      stop: "Stop recording and send",
      readAloud: "Read answers aloud",
      recording: "Recording. Speak now. Press “Stop recording” to send.",
      sending: "Sending your voice message.",
      sent: "Voice message",
      seconds: "seconds",
      denied: "I cannot use the microphone. Please allow access or type your question.",
      unsupported: "This browser cannot record speech here. Please type your question.",
      limit: "The recording reached 2 minutes and was sent."
    }
  };

  var state = { recorder: null, chunks: [], started: 0, timer: null, spoke: false, playing: Promise.resolve() };
  var ui = {};

  function lang() {
    var l = window.smileChat && window.smileChat.language ? window.smileChat.language() : "de";
    return TEXTS[l] ? l : "de";
  }
  function t(key) { return TEXTS[lang()][key]; }
  function say(text) { ui.status.textContent = text; }

  function storage(key, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(key); }
      window.localStorage.setItem(key, value);
    } catch (e) { /* private mode: the switch still works for this visit */ }
    return null;
  }

  function canRecord() {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  }

  function pickMime() {
    var wanted = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
    for (var i = 0; i < wanted.length; i++) {
      if (window.MediaRecorder.isTypeSupported && window.MediaRecorder.isTypeSupported(wanted[i])) {
        return wanted[i];
      }
    }
    return "";
  }

  function labels() {
    var recording = !!state.recorder;
    ui.button.textContent = recording ? t("stop") : t("record");
    ui.button.setAttribute("aria-pressed", recording ? "true" : "false");
    ui.toggleText.textContent = t("readAloud");
  }

  function base64Of(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(String(reader.result).split(",", 2)[1] || ""); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(blob);
    });
  }

  function start() {
    // The browser's echo cancelling and noise suppression smear speech for a recogniser.
    var constraints = { audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: true } };
    navigator.mediaDevices.getUserMedia(constraints).then(function (stream) {
      var mime = pickMime();
      var recorder = mime ? new MediaRecorder(stream, { mimeType: mime }) : new MediaRecorder(stream);
      state.recorder = recorder;
      state.chunks = [];
      state.started = Date.now();
      recorder.ondataavailable = function (event) {
        if (event.data && event.data.size) { state.chunks.push(event.data); }
      };
      recorder.onstop = function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        finish(recorder.mimeType || mime || "audio/webm");
      };
      recorder.start();
      state.timer = window.setTimeout(function () { stop(true); }, MAX_SECONDS * 1000);
      labels();
      say(t("recording"));
    }).catch(function () {
      state.recorder = null;
      labels();
      say(t("denied"));
    });
  }

  function stop(atLimit) {
    if (!state.recorder) { return; }
    window.clearTimeout(state.timer);
    var recorder = state.recorder;
    state.recorder = null;
    labels();
    say(atLimit ? t("limit") : t("sending"));
    if (recorder.state !== "inactive") { recorder.stop(); }
  }

  function finish(mime) {
    var seconds = Math.max(1, Math.round((Date.now() - state.started) / 1000));
    var blob = new Blob(state.chunks, { type: mime });
    state.chunks = [];
    base64Of(blob).then(function (audio) {
      var replies = ui.toggle.checked ? true : (storage("smilechat.voice") === "off" ? false : true);
      state.spoke = true;
      return window.smileChat.send({
        audio: audio,
        audio_mime: mime.split(";")[0],
        voice: replies,
        display: t("sent") + " (" + seconds + " " + t("seconds") + ")"
      });
    }).then(function () {
      say("");
      ui.button.focus();
    });
  }

  // Spoken answers play in order, for whoever spoke or switched reading aloud on.
  function onMessage(event) {
    var element = event.detail && event.detail.element;
    var audio = element && element.querySelector("audio");
    if (!audio || !(ui.toggle.checked || state.spoke)) { return; }
    state.playing = state.playing.then(function () {
      return new Promise(function (resolve) {
        audio.addEventListener("ended", resolve, { once: true });
        audio.addEventListener("error", resolve, { once: true });
        var played = audio.play();
        if (played && played.catch) { played.catch(resolve); }
      });
    });
  }

  function build() {
    var box = document.getElementById("voice-controls");
    if (!box || !window.smileChat || ui.button) { return; }
    ui.button = document.createElement("button");
    ui.button.type = "button";
    ui.button.id = "voice-record";
    ui.button.className = "voice-record";
    ui.button.addEventListener("click", function () { if (state.recorder) { stop(false); } else { start(); } });

    var label = document.createElement("label");
    label.className = "voice-toggle";
    ui.toggle = document.createElement("input");
    ui.toggle.type = "checkbox";
    ui.toggle.id = "voice-replies";
    ui.toggle.checked = storage("smilechat.voice") === "on";
    ui.toggleText = document.createElement("span");
    label.appendChild(ui.toggle);
    label.appendChild(ui.toggleText);
    ui.toggle.addEventListener("change", function () {
      storage("smilechat.voice", ui.toggle.checked ? "on" : "off");
      window.smileChat.setVoiceReplies(ui.toggle.checked);
      if (!ui.toggle.checked) { state.spoke = false; }
    });
    if (ui.toggle.checked) { window.smileChat.setVoiceReplies(true); }

    ui.status = document.createElement("p");
    ui.status.id = "voice-status";
    ui.status.className = "hint";
    ui.status.setAttribute("role", "status");
    ui.status.setAttribute("aria-live", "polite");

    if (canRecord()) { box.appendChild(ui.button); }
    box.appendChild(label);
    box.appendChild(ui.status);
    labels();
    if (!canRecord()) { say(t("unsupported")); }

    var chooser = document.getElementById("language");
    if (chooser) { chooser.addEventListener("change", function () { window.setTimeout(labels, 0); }); }
    document.addEventListener("smilechat:message", onMessage);
  }

  if (window.smileChat) { build(); } else { document.addEventListener("smilechat:ready", build); }
})();
