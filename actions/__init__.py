"""The action server's custom actions (rasa-sdk); `--actions actions` registers them all."""

from actions.clarify import ActionClarify
from actions.council_questions import (
    ActionCouncilAccess,
    ActionCouncilAgenda,
    ActionCouncilContact,
    ActionCouncilMeeting,
    ActionCouncilQuestionTime,
    ActionFindCouncil,
)
from actions.council_resume import ActionCouncilResume
from actions.events import ActionFindEvents
from actions.hours import ActionOpeningHours
from actions.language import ActionChangeLanguage
from actions.places import ActionFindPlaces
from actions.reports import (
    ActionAskReportCategory,
    ActionAskReportConfirmed,
    ActionAskReportContact,
    ActionAskReportDescription,
    ActionAskReportPlace,
    ActionAskReportSupport,
    ActionFileReport,
    ActionReportStatus,
    ActionStartReport,
    ValidateReportForm,
)
from actions.reset import ActionResetSearch
from actions.subscriptions import ActionSubscription

__all__ = [
    "ActionAskReportCategory",
    "ActionAskReportConfirmed",
    "ActionAskReportContact",
    "ActionAskReportDescription",
    "ActionAskReportPlace",
    "ActionAskReportSupport",
    "ActionChangeLanguage",
    "ActionClarify",
    "ActionCouncilAccess",
    "ActionCouncilAgenda",
    "ActionCouncilContact",
    "ActionCouncilMeeting",
    "ActionCouncilQuestionTime",
    "ActionCouncilResume",
    "ActionFileReport",
    "ActionFindCouncil",
    "ActionFindEvents",
    "ActionFindPlaces",
    "ActionOpeningHours",
    "ActionReportStatus",
    "ActionResetSearch",
    "ActionStartReport",
    "ActionSubscription",
    "ValidateReportForm",
]
