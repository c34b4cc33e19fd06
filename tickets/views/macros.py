"""PLACEHOLDER: replaced by the real views (work in progress)."""
from django.http import Http404


def macro_list(request, *args, **kwargs):
    raise Http404


def macro_create(request, *args, **kwargs):
    raise Http404


def macro_edit(request, *args, **kwargs):
    raise Http404


def macro_delete(request, *args, **kwargs):
    raise Http404
