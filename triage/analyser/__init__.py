"""Emotion triage of customer messages, offline, for French and English.

One entry point, `analyse(text, language=None)`, returns an `Assessment`: a score in
[-1, 1] (negative is unhappy), the "negative" and "angry" flags, the language read, and
the triggers (the customer's own words, with the rule category that fired), which is what
the agent is shown. The rest of Relais sees only this interface; the lexicon libraries
and our rules behind it can change without the callers knowing (`ANALYSER_VERSION` is
stored with each assessment so that later tuning can tell old scores from new).
"""

from __future__ import annotations

from .scoring import ANALYSER_VERSION, Assessment, Thresholds, Trigger, analyse

__all__ = ["ANALYSER_VERSION", "Assessment", "Thresholds", "Trigger", "analyse"]
