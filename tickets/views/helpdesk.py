"""PLACEHOLDER: replaced by the real views (work in progress)."""
from django.http import Http404


def it_request_create(request, *args, **kwargs):
    raise Http404


def my_requests(request, *args, **kwargs):
    raise Http404


def my_request_detail(request, *args, **kwargs):
    raise Http404


def my_request_reply(request, *args, **kwargs):
    raise Http404
