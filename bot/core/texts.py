"""What the core says to citizens by itself (refusals, voice commands), in German and English.

Keys include every `Refusal` code. A channel's own texts (its commands, its platform's
problems) live in its package's `texts.py`; answers to questions come from Rasa.
"""

from __future__ import annotations

from typing import Final

from bot.core.messages import Language

_TEXTS: Final[dict[str, dict[Language, str]]] = {
    "report_updates_ask": {
        "de": "Soll ich Ihnen hier Bescheid sagen, wenn sich der Stand Ihrer Meldungen ändert?",
        "en": "Shall I let you know here when the status of your reports changes?",
    },
    "report_updates_yes": {"de": "Ja, Bescheid sagen", "en": "Yes, let me know"},
    "report_updates_no": {"de": "Nein, danke", "en": "No, thank you"},
    "report_updates_on": {
        "de": "Gut, ich sage Ihnen Bescheid, sobald sich etwas ändert. "
        "Abbestellen: schreiben Sie „keine Nachrichten zu Meldungen“ oder /delete.",
        "en": "Good, I will let you know as soon as something changes. To stop: write "
        "“no report news” or /delete.",
    },
    "report_updates_off": {
        "de": "Gut, dann schreibe ich Ihnen dazu nicht von selbst. "
        "Fragen Sie mich einfach nach dem Stand.",
        "en": "All right, I will not write to you about it on my own. Just ask me for the status.",
    },
    "report_updates_promise": {
        "de": "Ich sage Ihnen Bescheid, wenn sich der Stand ändert.",
        "en": "I will let you know when the status changes.",
    },
    "report_update": {
        "de": "Neues zu Ihrer Meldung {id}: {status}.",
        "en": "News on your report {id}: {status}.",
    },
    "report_update_note": {"de": "Hinweis der Stadt: {note}", "en": "Note from the city: {note}"},
    "report_status_IN_PROCESS": {
        "de": "Sie ist jetzt in Bearbeitung",
        "en": "it is now being worked on",
    },
    "report_status_PROCESSED": {"de": "Sie ist erledigt", "en": "it has been dealt with"},
    "report_status_REJECTED": {
        "de": "Sie wird nicht bearbeitet",
        "en": "it will not be worked on",
    },
    "report_status_RECEIVED": {"de": "Sie ist eingegangen", "en": "it has been received"},
    "assistant_unavailable": {
        "de": "Ich bin gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
        "en": "I am not available right now. Please try again in a moment.",
    },
    "delete_ask": {
        "de": "Soll ich alles löschen, was ich über Sie gespeichert habe? Das sind der "
        "Gesprächsverlauf, Ihre Sprach- und Vorlese-Einstellungen, Ihre Abos und Nachrichten, "
        "die auf Sie warten. Das kann man nicht rückgängig machen.",
        "en": "Shall I delete everything I keep about you? That is our conversation, your "
        "language and reading-aloud settings, your subscriptions and messages waiting for "
        "you. This cannot be undone.",
    },
    "delete_yes": {"de": "Ja, alles löschen", "en": "Yes, delete everything"},
    "delete_no": {"de": "Nein, behalten", "en": "No, keep it"},
    "delete_cancelled": {
        "de": "Gut, ich habe nichts gelöscht.",
        "en": "All right, I have deleted nothing.",
    },
    "delete_unavailable": {
        "de": "Das Löschen geht hier gerade nicht. Bitte wenden Sie sich an den Bürgerservice "
        "der Hanse- und Universitätsstadt Rostock, Telefon 0381 381-0.",
        "en": "Deleting does not work here right now. Please contact the citizens' service of "
        "the city of Rostock, phone +49 381 381-0.",
    },
    "deleted": {
        "de": "Erledigt. Gelöscht sind {removed}. "
        "Wenn Sie wieder schreiben, fange ich ganz neu an.",
        "en": "Done. I have deleted {removed}. If you write again, I start afresh.",
    },
    "deleted_settings": {
        "de": "Ihre Einstellungen (Sprache, Vorlesen)",
        "en": "your settings (language, reading aloud)",
    },
    "deleted_conversation": {"de": "unser Gesprächsverlauf", "en": "our conversation"},
    "deleted_subscriptions": {"de": "Ihre Abos", "en": "your subscriptions"},
    "deleted_reports": {
        "de": "die Verbindung zu Ihren {count} Meldungen (die Meldungen bleiben ohne Ihren "
        "Namen bei der Stadt)",
        "en": "the link to your {count} reports (the reports stay with the city, without "
        "your name)",
    },
    "deleted_reports_later": {
        "de": "Ihre Meldungen konnte ich gerade nicht von Ihnen lösen, weil der Dienst der "
        "Stadt nicht erreichbar war. Bitte schreiben Sie später noch einmal /delete.",
        "en": "I could not unlink your reports just now, as the city's service was not "
        "reachable. Please send /delete again later.",
    },
    "deleted_waiting": {
        "de": "{count} wartende Nachrichten",
        "en": "{count} waiting messages",
    },
    "privacy_notice": {
        "de": "Datenschutz: Das speichere ich über Sie, und so lange.\n"
        "1. Ihre Kennung bei Telegram, Matrix oder im Web-Chat, Ihre Sprache und Ihre "
        "Vorlese-Einstellungen. Damit ich Ihnen antworten kann.\n"
        "2. Unser Gespräch. Damit ich Rückfragen verstehe. Ich lösche es {conversation_days} "
        "Tage nach Ihrer letzten Nachricht.\n"
        "3. Im Web-Chat ohne Abo lösche ich alles {web_hours} Stunden nach Ihrer letzten "
        "Nachricht.\n"
        "4. Ihre Abos, bis Sie sie beenden.\n"
        "5. Ihre Meldungen an die Stadt. Die Meldung bleibt. Ihre Kontaktdaten löscht die "
        "Stadt {report_days} Tage nach dem Abschluss der Meldung.\n"
        "Sprachnachrichten speichere ich nicht: Ich mache sofort Text daraus. Standorte und "
        "Fotos nutze ich nur für Ihre Frage oder Ihre Meldung. Ich gebe nichts an Werbefirmen "
        "weiter.\n"
        "Ihre Daten als Datei: /export. Alles löschen: /delete. "
        "Fragen zum Datenschutz: {contact}.",
        "en": "Privacy: this is what I keep about you, and for how long.\n"
        "1. Your id on Telegram, Matrix or the web chat, your language and your reading-aloud "
        "settings. So that I can answer you.\n"
        "2. Our conversation. So that I understand follow-up questions. I delete it "
        "{conversation_days} days after your last message.\n"
        "3. In the web chat without a subscription I delete everything {web_hours} hours after "
        "your last message.\n"
        "4. Your subscriptions, until you end them.\n"
        "5. Your reports to the city. The report stays. The city deletes your contact details "
        "{report_days} days after the report is closed.\n"
        "I do not keep voice messages: I turn them into text at once. I use locations and "
        "photos only for your question or your report. I share nothing with advertisers.\n"
        "Your data as a file: /export. Delete everything: /delete. "
        "Questions about privacy: {contact}.",
    },
    "privacy_more": {
        "de": "Die ausführliche Datenschutzerklärung: {url}",
        "en": "The full privacy notice: {url}",
    },
    "privacy_export": {"de": "Meine Daten als Datei", "en": "My data as a file"},
    "privacy_delete": {"de": "Meine Daten löschen", "en": "Delete my data"},
    "export_ready": {
        "de": "Hier sind alle Daten, die ich über Sie gespeichert habe, als Datei (JSON). "
        "Löschen können Sie sie mit /delete.",
        "en": "Here is everything I keep about you, as a file (JSON). "
        "You can delete it with /delete.",
    },
    "export_reports_later": {
        "de": "Ihre Meldungen fehlen darin, weil der Dienst der Stadt gerade nicht erreichbar "
        "war. Bitte schreiben Sie später noch einmal /export.",
        "en": "Your reports are missing from it, as the city's service was not reachable. "
        "Please send /export again later.",
    },
    "export_unavailable": {
        "de": "Die Datei mit Ihren Daten kann ich gerade nicht erstellen. Bitte wenden Sie "
        "sich an {contact}.",
        "en": "I cannot make the file with your data right now. Please contact {contact}.",
    },
    "empty": {
        "de": "Ihre Nachricht war leer. Bitte schreiben Sie Ihre Frage.",
        "en": "Your message was empty. Please type your question.",
    },
    "too_long": {
        "de": "Ihre Nachricht ist zu lang. Bitte schreiben Sie höchstens 4000 Zeichen.",
        "en": "Your message is too long. Please write at most 4,000 characters.",
    },
    "rate_limited": {
        "de": "Sie schreiben gerade sehr schnell. Bitte warten Sie einen Moment, "
        "dann antworte ich wieder.",
        "en": "You are writing very fast. Please wait a moment, then I will answer again.",
    },
    "unreadable": {
        "de": "Ich konnte Ihre Nachricht nicht lesen. Bitte schreiben Sie Ihre Frage als Text.",
        "en": "I could not read your message. Please type your question as text.",
    },
    "unsupported": {
        "de": "Diese Art von Nachricht kann ich nicht lesen. "
        "Bitte schreiben Sie mir, senden Sie eine Sprachnachricht oder Ihren Standort.",
        "en": "I cannot read this kind of message. "
        "Please type, send a voice message or share your location.",
    },
    "too_large": {
        "de": "Diese Datei ist zu groß. Bitte senden Sie eine kürzere Aufnahme oder ein Foto.",
        "en": "This file is too large. Please send a shorter recording or a photo.",
    },
    "bad_location": {
        "de": "Diesen Standort konnte ich nicht lesen. "
        "Bitte teilen Sie ihn noch einmal oder nennen Sie den Stadtteil.",
        "en": "I could not read this location. Please share it again or name the district.",
    },
    "not_offered": {
        "de": "Diese Auswahl oder diesen Befehl kenne ich nicht, oder die Auswahl gilt nicht mehr. "
        "Schreiben Sie bitte in eigenen Worten, was Sie suchen, oder „Hilfe“.",
        "en": "I do not know this choice or command, or the choice is no longer open. "
        "Please write in your own words what you are looking for, or type “help”.",
    },
    "no_answer": {
        "de": "Dazu habe ich gerade keine Antwort. "
        "Schreiben Sie „Hilfe“, dann sage ich, was ich kann.",
        "en": "I have no answer to that right now. Type “help” and I will tell you what I can do.",
    },
    "image_unsupported": {
        "de": "Fotos kann ich gerade nicht annehmen. Bitte beschreiben Sie es mit Worten.",
        "en": "I cannot take photos right now. Please describe it in words.",
    },
    "image_refused": {
        "de": "Dieses Bild kann ich nicht annehmen. Bitte schicken Sie ein Foto (JPEG, PNG oder "
        "WebP) von höchstens 8 MB, oder beschreiben Sie es mit Worten.",
        "en": "I cannot take this picture. Please send a photo (JPEG, PNG or WebP) of at most "
        "8 MB, or describe it in words.",
    },
    "voice_unavailable": {
        "de": "Sprachnachrichten kann ich gerade nicht verstehen. Bitte schreiben Sie Ihre Frage.",
        "en": "I cannot understand voice messages right now. Please type your question.",
    },
    "voice_failed": {
        "de": "Ich habe Ihre Sprachnachricht nicht verstanden. "
        "Bitte sprechen Sie noch einmal oder schreiben Sie Ihre Frage.",
        "en": "I did not understand your voice message. Please speak again or type your question.",
    },
    "voice_too_long": {
        "de": "Ihre Sprachnachricht ist zu lang. Bitte sprechen Sie höchstens zwei Minuten.",
        "en": "Your voice message is too long. Please speak for two minutes at most.",
    },
    "understood": {"de": "Verstanden: {text}", "en": "I understood: {text}"},
    "voice_on": {
        "de": "Ab jetzt lese ich Ihnen meine Antworten vor.",
        "en": "From now on I will read my answers aloud.",
    },
    "voice_off": {
        "de": "Ab jetzt antworte ich nur schriftlich.",
        "en": "From now on I will answer in writing only.",
    },
    "voice_faster": {"de": "Ich spreche jetzt schneller.", "en": "I will speak faster now."},
    "voice_slower": {"de": "Ich spreche jetzt langsamer.", "en": "I will speak more slowly now."},
    "voice_fastest": {
        "de": "Schneller kann ich nicht sprechen.",
        "en": "I cannot speak any faster.",
    },
    "voice_slowest": {
        "de": "Langsamer kann ich nicht sprechen.",
        "en": "I cannot speak any more slowly.",
    },
    "voice_usage": {
        "de": "So steuern Sie das Vorlesen: /voice on, /voice off, /voice faster, /voice slower.",
        "en": "To control reading aloud: /voice on, /voice off, /voice faster, /voice slower.",
    },
    "announcement_plain": {
        "de": "In einfacher Sprache:",
        "en": "In plain language:",
    },
    "announcement_footer": {
        "de": "Hanse- und Universitätsstadt Rostock · Abbestellen: /unsubscribe",
        "en": "City of Rostock · To stop these messages: /unsubscribe",
    },
    "subscribe_usage": {
        "de": "So bekommen Sie Nachrichten der Stadt: /subscribe und der Stadtteil, zum Beispiel "
        "/subscribe Lichtenhagen. Mit einem Thema: /subscribe Lichtenhagen Baustellen. Themen: "
        "Baustellen und Verkehr, Veranstaltungen, Beteiligung und Ortsbeirat, Barrierefreiheit, "
        "Warnungen. Für die ganze Stadt: /subscribe alle.",
        "en": "To get news from the city: /subscribe and the district, for example "
        "/subscribe Lichtenhagen. With a topic: /subscribe Lichtenhagen construction. Topics: "
        "construction, events, participation, accessibility, warnings. For the whole city: "
        "/subscribe all.",
    },
    "subscribe_which": {
        "de": "Gern. Aus welchem Stadtteil möchten Sie Nachrichten bekommen? Sagen Sie zum "
        "Beispiel „Nachrichten aus Lichtenhagen“ oder „Baustellen in der Südstadt“, oder wählen "
        "Sie ganz Rostock.",
        "en": "Gladly. Which district would you like news from? Say for example “news from "
        "Lichtenhagen” or “construction in Südstadt”, or choose all of Rostock.",
    },
    "subscribe_which_topic": {
        "de": "Gern: {topic}. Für welchen Stadtteil? Sagen Sie zum Beispiel „Lichtenhagen“, "
        "„KTV“ oder „Dierkow“, oder wählen Sie ganz Rostock.",
        "en": "Gladly: {topic}. For which district? Say for example “Lichtenhagen”, “KTV” or "
        "“Dierkow”, or choose all of Rostock.",
    },
    "subscribe_where_again": {
        "de": "„{name}“ kenne ich nicht als Stadtteil von Rostock. Für welchen Stadtteil möchten "
        "Sie Nachrichten bekommen? Zur Wahl stehen: {choices}. Oder wählen Sie ganz Rostock.",
        "en": "I do not know “{name}” as a district of Rostock. Which district would you like "
        "news from? You can choose: {choices}. Or choose all of Rostock.",
    },
    "subscribe_all_button": {"de": "Ganz Rostock", "en": "All of Rostock"},
    "subscribe_unknown": {
        "de": "„{name}“ kenne ich nicht als Stadtteil oder Thema. Bitte nennen Sie einen Stadtteil "
        "von Rostock, zum Beispiel Lichtenhagen, Südstadt oder Dierkow, oder „alle“ für die "
        "ganze Stadt.",
        "en": "I do not know “{name}” as a district or topic. Please name a district of Rostock, "
        "for example Lichtenhagen, Südstadt or Dierkow, or “all” for the whole city.",
    },
    "subscribe_ask": {
        "de": "Möchten Sie Nachrichten der Stadt bekommen: {what}? "
        "Sie können das jederzeit mit /unsubscribe beenden.",
        "en": "Would you like to get news from the city: {what}? "
        "You can end this at any time with /unsubscribe.",
    },
    "subscribe_yes": {"de": "Ja", "en": "Yes"},
    "subscribe_no": {"de": "Nein", "en": "No"},
    "subscribe_cancelled": {
        "de": "Gut, ich habe nichts abonniert.",
        "en": "All right, I have not subscribed you to anything.",
    },
    "subscribed": {
        "de": "Erledigt. Sie bekommen jetzt Nachrichten: {what}. Abbestellen: /unsubscribe",
        "en": "Done. You will now get news: {what}. To stop: /unsubscribe",
    },
    "subscribed_already": {
        "de": "Das haben Sie schon abonniert: {what}.",
        "en": "You have already subscribed to this: {what}.",
    },
    "unsubscribed": {
        "de": "Erledigt. Abbestellt: {removed}.",
        "en": "Done. Unsubscribed: {removed}.",
    },
    "unsubscribe_all_ask": {
        "de": "Möchten Sie alle Ihre Abos beenden? Sie haben abonniert: {listing}.",
        "en": "Would you like to end all your subscriptions? You have subscribed to: {listing}.",
    },
    "unsubscribe_all_yes": {"de": "Ja, alle beenden", "en": "Yes, end them all"},
    "unsubscribe_all_no": {"de": "Nein, behalten", "en": "No, keep them"},
    "unsubscribe_kept": {
        "de": "Gut, Ihre Abos bleiben, wie sie sind.",
        "en": "All right, your subscriptions stay as they are.",
    },
    "unsubscribe_no_match": {
        "de": "Das hatten Sie nicht abonniert. Sie haben abonniert: {listing}.",
        "en": "You had not subscribed to that. Your subscriptions: {listing}.",
    },
    "subscriptions_none": {
        "de": "Sie haben nichts abonniert. Zum Beispiel: /subscribe Lichtenhagen",
        "en": "You have no subscriptions. For example: /subscribe Lichtenhagen",
    },
    "subscriptions_list": {
        "de": "Sie haben abonniert: {listing}. Abbestellen: /unsubscribe",
        "en": "Your subscriptions: {listing}. To stop: /unsubscribe",
    },
    "subscriptions_unavailable": {
        "de": "Nachrichten der Stadt kann man hier gerade nicht abonnieren.",
        "en": "News from the city cannot be subscribed to here right now.",
    },
    "subscription": {"de": "{topic} aus {where}", "en": "{topic} for {where}"},
    "district_all": {"de": "ganz Rostock", "en": "all of Rostock"},
    "topic_all": {"de": "alle Themen", "en": "all topics"},
    "topic_construction": {"de": "Baustellen und Verkehr", "en": "construction and traffic"},
    "topic_events": {"de": "Veranstaltungen", "en": "events"},
    "topic_participation": {
        "de": "Beteiligung und Ortsbeirat",
        "en": "participation and local councils",
    },
    "topic_accessibility": {"de": "Barrierefreiheit", "en": "accessibility"},
    "topic_warnings": {"de": "Warnungen", "en": "warnings"},
    "announce_not_allowed": {
        "de": "Das dürfen Sie leider nicht: Ankündigungen der Stadt können nur dafür "
        "eingetragene Mitarbeitende schreiben. Nachrichten bekommen Sie mit /subscribe.",
        "en": "Sorry, you are not allowed to do that: only city staff who are registered for "
        "it can write announcements. To get news, use /subscribe.",
    },
    "announce_nothing_to_cancel": {
        "de": "Es gibt gerade nichts abzubrechen.",
        "en": "There is nothing to cancel right now.",
    },
    "announce_cancelled": {
        "de": "Abgebrochen. Der Entwurf ist gelöscht, nichts wurde gesendet.",
        "en": "Cancelled. The draft is deleted, nothing was sent.",
    },
    "announce_no_draft": {
        "de": "Dazu gibt es keinen Entwurf mehr. Eine neue Ankündigung beginnen Sie mit /announce.",
        "en": "There is no draft for this any more. To start a new announcement: /announce.",
    },
    "announce_continue": {
        "de": "Sie schreiben schon an einer Ankündigung. Es geht hier weiter "
        "(neu anfangen: erst /cancel).",
        "en": "You are already writing an announcement. It continues here "
        "(to start afresh: /cancel first).",
    },
    "announce_ask_text": {
        "de": "Schritt 1 von 6: Bitte schreiben Sie den Text der Ankündigung auf Deutsch. "
        "Abbrechen können Sie jederzeit mit /cancel.",
        "en": "Step 1 of 6: Please write the text of the announcement in German. "
        "You can cancel at any time with /cancel.",
    },
    "announce_no_command": {
        "de": "Ein Befehl ist hier keine Antwort. Bitte antworten Sie auf die Frage, "
        "oder brechen Sie mit /cancel ab.",
        "en": "A command is no answer here. Please answer the question, or cancel with /cancel.",
    },
    "announce_ask_text_en": {
        "de": "Schritt 2 von 6: Schreiben Sie jetzt die englische Fassung, "
        "oder tippen Sie auf „Überspringen“.",
        "en": "Step 2 of 6: Now write the English version, or tap “Skip”.",
    },
    "announce_ask_text_plain": {
        "de": "Schritt 3 von 6: Schreiben Sie eine Fassung in Leichter Sprache, "
        "oder tippen Sie auf „Überspringen“.",
        "en": "Step 3 of 6: Write a plain-language version, or tap “Skip”.",
    },
    "announce_ask_districts": {
        "de": "Schritt 4 von 6: Für welche Stadtteile? Zum Beispiel „Lichtenhagen, Südstadt“ "
        "oder eine Gruppe wie „Dierkow“. Für alle: „Ganz Rostock“.",
        "en": "Step 4 of 6: For which districts? For example “Lichtenhagen, Südstadt” or a "
        "group such as “Dierkow”. For everyone: “All of Rostock”.",
    },
    "announce_unknown_district": {
        "de": "„{name}“ kenne ich nicht als Stadtteil von Rostock.",
        "en": "I do not know “{name}” as a district of Rostock.",
    },
    "announce_ask_topics": {
        "de": "Schritt 5 von 6: Zu welchem Thema? Tippen Sie auf eins, oder schreiben Sie "
        "mehrere mit Komma. „Ohne Thema“ erreicht nur, wer alle Themen abonniert hat.",
        "en": "Step 5 of 6: Which topic? Tap one, or write several separated by commas. "
        "“No topic” reaches only those who subscribed to all topics.",
    },
    "announce_unknown_topic": {
        "de": "„{name}“ kenne ich nicht als Thema.",
        "en": "I do not know “{name}” as a topic.",
    },
    "announce_ask_send_at": {
        "de": "Schritt 6 von 6: Wann soll sie gesendet werden? Zum Beispiel „morgen 9 Uhr“ "
        "oder „5.12. 18:00“. Oder tippen Sie auf „Sofort“.",
        "en": "Step 6 of 6: When shall it be sent? For example “tomorrow 9am” or "
        "“December 5 18:00”. Or tap “Right away”.",
    },
    "announce_time_unknown": {
        "de": "Diese Zeit habe ich nicht verstanden.",
        "en": "I did not understand this time.",
    },
    "announce_time_past": {
        "de": "Diese Zeit ist schon vorbei.",
        "en": "This time has already passed.",
    },
    "announce_time_too_far": {
        "de": "Das ist mehr als ein Jahr hin. Bitte wählen Sie eine nähere Zeit.",
        "en": "That is more than a year ahead. Please choose a nearer time.",
    },
    "announce_skip": {"de": "Überspringen", "en": "Skip"},
    "announce_whole_city": {"de": "Ganz Rostock", "en": "All of Rostock"},
    "announce_no_topic": {"de": "Ohne Thema", "en": "No topic"},
    "announce_now": {"de": "Sofort", "en": "Right away"},
    "announce_send": {"de": "Senden", "en": "Send"},
    "announce_to_approval": {"de": "Zur Freigabe geben", "en": "Submit for approval"},
    "announce_cancel": {"de": "Abbrechen", "en": "Cancel"},
    "announce_approve": {"de": "Freigeben", "en": "Approve"},
    "announce_preview": {
        "de": "Vorschau der Ankündigung:\n\n{texts}\n\nStadtteile: {where}\nThema: {topics}\n"
        "Senden: {when}\n\nEmpfänger jetzt: Telegram {telegram}, Matrix {matrix}, "
        "Web-Chat {web}, zusammen {total}.",
        "en": "Preview of the announcement:\n\n{texts}\n\nDistricts: {where}\nTopic: {topics}\n"
        "Send: {when}\n\nRecipients now: Telegram {telegram}, Matrix {matrix}, "
        "web chat {web}, {total} in all.",
    },
    "announce_preview_choose": {
        "de": "Bitte tippen Sie auf eine der Möglichkeiten unter der Vorschau.",
        "en": "Please tap one of the choices under the preview.",
    },
    "announce_label_de": {"de": "Deutsch", "en": "German"},
    "announce_label_en": {"de": "Englisch", "en": "English"},
    "announce_label_plain": {"de": "Leichte Sprache", "en": "Plain language"},
    "announce_topics_none": {
        "de": "ohne Thema (nur für Abos aller Themen)",
        "en": "no topic (only for subscriptions to all topics)",
    },
    "announce_when_now": {"de": "sofort", "en": "right away"},
    "announce_when": {"de": "am {date} um {time} Uhr", "en": "on {date} at {time}"},
    "announce_sent_now": {
        "de": "Erledigt. Ankündigung Nr. {id} wird jetzt gesendet.",
        "en": "Done. Announcement no. {id} is being sent now.",
    },
    "announce_scheduled": {
        "de": "Erledigt. Ankündigung Nr. {id} wird {when} gesendet.",
        "en": "Done. Announcement no. {id} will be sent {when}.",
    },
    "announce_waiting": {
        "de": "Gespeichert als Ankündigung Nr. {id}. Sie wartet auf die Freigabe durch eine "
        "zweite Person und wird erst danach gesendet.",
        "en": "Saved as announcement no. {id}. It waits for approval by a second person and is "
        "sent only after that.",
    },
    "announce_approvers_told": {
        "de": "Benachrichtigt: {count} Person(en) mit Freigaberecht.",
        "en": "Notified: {count} person(s) who may approve.",
    },
    "announce_approvers_unreached": {
        "de": "Ich konnte niemanden mit Freigaberecht benachrichtigen. Freigeben geht mit "
        "/approve {id} im Chat mit mir.",
        "en": "I could not notify anyone who may approve. Approving works with /approve {id} in "
        "a chat with me.",
    },
    "announce_approval_request": {
        "de": "Ankündigung Nr. {id} wartet auf Ihre Freigabe:\n\n{text}\n\nStadtteile: "
        "{where}\nSenden: {when}\nFreigeben: /approve {id}\nAblehnen: /reject {id} und der Grund",
        "en": "Announcement no. {id} waits for your approval:\n\n{text}\n\nDistricts: {where}\n"
        "Send: {when}\nTo approve: /approve {id}\nTo reject: /reject {id} and the reason",
    },
    "announce_approve_usage": {
        "de": "Bitte nennen Sie die Nummer der Ankündigung, zum Beispiel /approve 12.",
        "en": "Please give the announcement's number, for example /approve 12.",
    },
    "announce_approve_not_allowed": {
        "de": "Freigeben dürfen nur Mitarbeitende mit Freigaberecht.",
        "en": "Only staff with the approver role may approve.",
    },
    "announce_not_found": {
        "de": "Eine Ankündigung Nr. {id} gibt es nicht.",
        "en": "There is no announcement no. {id}.",
    },
    "announce_not_waiting": {
        "de": "Ankündigung Nr. {id} wartet nicht auf Freigabe.",
        "en": "Announcement no. {id} is not waiting for approval.",
    },
    "announce_own": {
        "de": "Ihre eigene Ankündigung können Sie nicht freigeben. "
        "Das muss eine zweite Person tun.",
        "en": "You cannot approve your own announcement. A second person has to do that.",
    },
    "announce_approved": {
        "de": "Freigegeben. Ankündigung Nr. {id} wird {when} gesendet.",
        "en": "Approved. Announcement no. {id} will be sent {when}.",
    },
    "announce_approved_author": {
        "de": "Ihre Ankündigung Nr. {id} wurde freigegeben und wird {when} gesendet.",
        "en": "Your announcement no. {id} was approved and will be sent {when}.",
    },
    "announce_reject": {"de": "Ablehnen", "en": "Reject"},
    "announce_reject_ask": {
        "de": "Warum lehnen Sie Ankündigung Nr. {id} ab? Schreiben Sie den Grund in einem Satz. "
        "Wer sie geschrieben hat, bekommt ihn zu lesen.",
        "en": "Why do you reject announcement no. {id}? Please write the reason in a sentence. "
        "Whoever wrote it will read it.",
    },
    "announce_reject_without_reason": {"de": "Ohne Grund ablehnen", "en": "Reject, no reason"},
    "announce_reject_keep": {"de": "Doch nicht ablehnen", "en": "Do not reject"},
    "announce_reject_kept": {
        "de": "Gut. Ankündigung Nr. {id} wartet weiter auf Freigabe.",
        "en": "All right. Announcement no. {id} is still waiting for approval.",
    },
    "announce_reason_too_long": {
        "de": "Der Grund ist zu lang: höchstens {max} Zeichen, bitte.",
        "en": "The reason is too long: {max} characters at most, please.",
    },
    "announce_reject_usage": {
        "de": "Bitte nennen Sie die Nummer der Ankündigung und den Grund, zum Beispiel "
        "/reject 12 Das Datum stimmt nicht.",
        "en": "Please give the announcement's number and the reason, for example "
        "/reject 12 The date is wrong.",
    },
    "announce_reject_not_allowed": {
        "de": "Ablehnen dürfen nur Mitarbeitende mit Freigaberecht.",
        "en": "Only staff with the approver role may reject.",
    },
    "announce_own_reject": {
        "de": "Ihre eigene Ankündigung können Sie nicht ablehnen. Das muss eine zweite Person "
        "tun. Einen Entwurf beenden Sie mit /cancel.",
        "en": "You cannot reject your own announcement. A second person has to do that. To end "
        "a draft, use /cancel.",
    },
    "announce_rejected": {
        "de": "Abgelehnt. Ankündigung Nr. {id} wird nicht gesendet.",
        "en": "Rejected. Announcement no. {id} will not be sent.",
    },
    "announce_rejected_author": {
        "de": "Ihre Ankündigung Nr. {id} wurde abgelehnt und wird nicht gesendet. Grund: {reason}",
        "en": "Your announcement no. {id} was rejected and will not be sent. Reason: {reason}",
    },
    "announce_rejected_author_no_reason": {
        "de": "Ihre Ankündigung Nr. {id} wurde abgelehnt und wird nicht gesendet. Einen Grund "
        "hat die zweite Person nicht genannt.",
        "en": "Your announcement no. {id} was rejected and will not be sent. The second person "
        "gave no reason.",
    },
    "council_notice_new": {
        "de": "{council}: nächste öffentliche Sitzung {when}.",
        "en": "{council}: next public meeting {when}.",
    },
    "council_notice_moved": {
        "de": "{council}: Die Sitzung ist verlegt. Sie ist jetzt {when}.",
        "en": "{council}: The meeting has been moved. It is now {when}.",
    },
    "council_notice_agenda": {
        "de": "{council}: Die Tagesordnung für die Sitzung {when} ist veröffentlicht.",
        "en": "{council}: The agenda for the meeting {when} has been published.",
    },
    "council_notice_cancelled": {
        "de": "{council}: Die Sitzung {when} fällt aus.",
        "en": "{council}: The meeting {when} is cancelled.",
    },
    "council_notice_when": {
        "de": "am {weekday}, {day}. {month} {year}, um {time} Uhr",
        "en": "on {weekday}, {day} {month} {year}, at {time}",
    },
    "council_notice_place": {"de": "Ort: {place}.", "en": "Place: {place}."},
    "council_notice_room_yes": {
        "de": "Der Raum ist mit dem Rollstuhl erreichbar.",
        "en": "The room is wheelchair accessible.",
    },
    "council_notice_room_limited": {
        "de": "Der Raum ist mit dem Rollstuhl nur eingeschränkt erreichbar.",
        "en": "The room is only partly wheelchair accessible.",
    },
    "council_notice_room_no": {
        "de": "Der Raum ist nicht rollstuhlgerecht.",
        "en": "The room is not wheelchair accessible.",
    },
    "council_notice_room_notes": {"de": "Hinweis: {notes}.", "en": "Note: {notes}."},
    "council_notice_agenda_items": {
        "de": "Tagesordnung ({count} öffentliche Punkte): {items}",
        "en": "Agenda ({count} public items): {items}",
    },
    "council_notice_agenda_more": {
        "de": "und {count} weitere.",
        "en": "and {count} more.",
    },
    "council_notice_agenda_later": {
        "de": "Die Tagesordnung ist noch nicht veröffentlicht.",
        "en": "The agenda has not been published yet.",
    },
    "council_notice_question_time": {
        "de": "Einwohnerfragestunde als Punkt {number}: Dort können Sie Ihre Fragen an den "
        "Ortsbeirat stellen. Kommen Sie dazu einfach zur Sitzung.",
        "en": "Residents' question time as item {number}: you can put your questions to the "
        "district council there. Just come to the meeting.",
    },
    "council_notice_web": {"de": "Mehr dazu: {url}", "en": "More: {url}"},
    "council_notice_plain_new": {
        "de": "Der {council} trifft sich. Das ist {when}. Jeder darf kommen und zuhören.",
        "en": "The {council} meets. That is {when}. Everyone may come and listen.",
    },
    "council_notice_plain_moved": {
        "de": "Der {council} trifft sich an einem anderen Tag. Neu ist: {when}.",
        "en": "The {council} meets on another day. New: {when}.",
    },
    "council_notice_plain_agenda": {
        "de": "Der {council} trifft sich {when}. Jetzt steht fest, worüber er spricht.",
        "en": "The {council} meets {when}. Now it is known what it will talk about.",
    },
    "council_notice_plain_cancelled": {
        "de": "Der {council} trifft sich {when} nicht. Die Sitzung fällt aus.",
        "en": "The {council} does not meet {when}. The meeting is cancelled.",
    },
    "council_notice_plain_place": {"de": "Wo: {place}.", "en": "Where: {place}."},
    "council_notice_plain_topics": {
        "de": "Themen sind zum Beispiel: {items}.",
        "en": "Topics are for example: {items}.",
    },
    "council_notice_plain_question_time": {
        "de": "Sie dürfen dort Fragen stellen.",
        "en": "You may ask questions there.",
    },
}


def text(key: str, language: Language, **values: str) -> str:
    """The citizen text `key` in this language, with {placeholders} filled in."""
    template = _TEXTS[key][language]
    return template.format(**values) if values else template


def keys() -> frozenset[str]:
    """All text keys (for tests that every text exists in both languages)."""
    return frozenset(_TEXTS)


def word_list(language: Language, words: list[str]) -> str:
    """Words joined as a sentence says them: "A, B und C" / "A, B and C"."""
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + (" und " if language == "de" else " and ") + words[-1]
