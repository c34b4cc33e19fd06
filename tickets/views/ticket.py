"""PLACEHOLDER: replaced by the real views (work in progress)."""
from django.http import Http404


def ticket_create(request, *args, **kwargs):
    raise Http404


def ticket_detail(request, *args, **kwargs):
    raise Http404


def ticket_messages(request, *args, **kwargs):
    raise Http404


def ticket_reply(request, *args, **kwargs):
    raise Http404


def ticket_properties(request, *args, **kwargs):
    raise Http404


def ticket_take(request, *args, **kwargs):
    raise Http404


def ticket_merge(request, *args, **kwargs):
    raise Http404


def ticket_next(request, *args, **kwargs):
    raise Http404


def macro_preview(request, *args, **kwargs):
    raise Http404


def attachment_download(request, *args, **kwargs):
    raise Http404
