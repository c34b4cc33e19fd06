"""PLACEHOLDER: replaced by the real views (work in progress)."""
from django.http import Http404


def inbox(request, *args, **kwargs):
    raise Http404


def bulk_action(request, *args, **kwargs):
    raise Http404


def saved_view_create(request, *args, **kwargs):
    raise Http404


def saved_view_delete(request, *args, **kwargs):
    raise Http404


def presence_update(request, *args, **kwargs):
    raise Http404
